// What the live-call notifications between processes carry (db/notifications.ts): a queued
// control, so the recorder holding the call can claim and apply it without reading the queue,
// and the recorder's answer, so the asker need not read it back. Both stay in
// `live_call_commands` as well: a notification only saves a round trip, and one that is lost or
// unreadable is made up for by the polls. Pure: payload text in and out.
import type { RecordingControl } from '@callvault/recorder';
import type { LiveCallControlResult } from './live-call-model.js';
import type { LiveCallCommand } from './live-calls.repository.js';

const CONTROLS: ReadonlySet<string> = new Set<RecordingControl>([
  'start',
  'stop',
  'pause',
  'resume',
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const parse = (payload: string): unknown => {
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return undefined;
  }
};

/** The notice of a queued control. */
export function commandNotice(command: LiveCallCommand): string {
  return JSON.stringify({
    id: command.id,
    sessionId: command.sessionId,
    ownerId: command.ownerId,
    control: command.control,
    requestedBy: command.requestedBy,
    createdAt: command.createdAt,
  });
}

/** The queued control a notice names; null for anything else (the poll then finds it). */
export function parseCommandNotice(payload: string): LiveCallCommand | null {
  const value = parse(payload);
  if (!isRecord(value)) return null;
  const { id, sessionId, ownerId, control, requestedBy, createdAt } = value;
  if (
    typeof id !== 'string' ||
    typeof sessionId !== 'string' ||
    typeof ownerId !== 'string' ||
    typeof control !== 'string' ||
    !CONTROLS.has(control) ||
    typeof requestedBy !== 'string' ||
    typeof createdAt !== 'string'
  ) {
    return null;
  }
  return {
    id,
    sessionId,
    ownerId,
    control: control as RecordingControl,
    source: 'api',
    requestedBy,
    createdAt,
  };
}

/** The notice of a recorder's answer to the control `id`. */
export function resultNotice(id: string, result: LiveCallControlResult): string {
  return JSON.stringify({ id, result });
}

/** The answer a notice carries for `id`; null when it is another's, or unreadable. */
export function parseResultNotice(payload: string, id: string): LiveCallControlResult | null {
  const value = parse(payload);
  if (!isRecord(value) || value.id !== id) return null;
  const { result } = value;
  if (!isRecord(result) || typeof result.ok !== 'boolean') return null;
  return result as unknown as LiveCallControlResult;
}
