// How a captured call is described in the catalogue: its recording actions as offsets, the
// parties' numbers and the call's direction for an owner, every failure of the capture, what a
// recovery kept, and why each recording ended (SPEC §4, §5). Pure but for recoveryOf, which reads
// the journal files' times.
import fs from 'node:fs';
import path from 'node:path';
import {
  callDirectionOf,
  SESSION_FILE,
  type CaptureSessionFile,
  type RecordingAction,
  type RecordingMetadata,
  type RecordingSegmentPlan,
} from '@callvault/recorder';
import {
  RECORDING_END_REASONS,
  type RecordingCaptureFailure,
  type RecordingEndReason,
  type RecordingRecovery,
} from '@callvault/shared';
import type { RecordingOwner } from '../recordings/recordings.model.js';
import type { FinalizeDeps, FinalizeOptions } from './capture-finalize.js';

export function presentActions(
  actions: readonly RecordingAction[],
  ownerIds: ReadonlySet<string>,
  originMs: number,
) {
  return actions
    .filter((a) => a.ownerId === undefined || ownerIds.has(a.ownerId))
    .map((a) => ({
      action: a.action,
      at: new Date(a.atMs).toISOString(),
      offsetMs: Math.round(a.atMs - originMs),
      source: a.source,
      ...(a.ownerId === undefined ? {} : { ownerId: a.ownerId }),
      ...(a.reason === undefined ? {} : { reason: a.reason }),
    }));
}

/**
 * The catalogue's local and remote numbers (searched by `partyNumber`, shown in topics): the
 * first owner's own participant and the first other participant, when their AORs name numbers.
 */
export function partyNumbersOf(
  phoneNumberOfAor: FinalizeDeps['phoneNumberOfAor'],
  session: CaptureSessionFile,
  owners: readonly RecordingOwner[],
): { localNumber?: string; remoteNumber?: string } {
  const ownerRef = session.owners.find((o) => owners.some((w) => w.id === o.id));
  const own = session.parties.find((p) => p.id === ownerRef?.participantId);
  const other = session.parties.find((p) => p.id !== ownerRef?.participantId);
  const local = phoneNumberOfAor(own?.aor);
  const remote = phoneNumberOfAor(other?.aor);
  return {
    ...(local === null ? {} : { localNumber: local }),
    ...(remote === null ? {} : { remoteNumber: remote }),
  };
}

/**
 * Which way the call went for the group's owner, from the SRC's vendor metadata (Acme
 * `callingParty`, BroadWorks `callType`): RFC 7865 itself has no direction. Null when the
 * metadata does not say.
 */
export function directionOf(
  metadata: RecordingMetadata | undefined,
  session: CaptureSessionFile,
  owners: readonly RecordingOwner[],
): 'inbound' | 'outbound' | 'internal' | null {
  if (!metadata) return null;
  const ownerRef = session.owners.find((o) => owners.some((w) => w.id === o.id));
  return callDirectionOf(
    metadata,
    ownerRef?.participantId,
    session.owners.map((o) => o.participantId),
  );
}

const FAILURE_WORDS: Readonly<Record<string, string>> = {
  'no-media': 'a stream received no media',
  'disk-full': 'the disk was full',
  'journal-write': 'a journal write failed',
  'capture-start': 'media capture could not start',
};

/**
 * Every failure of the capture, in order: the live ones from the call's actions (a `fail`, over
 * when a `recover` of the same reason followed: media that came after all), the one still open
 * at the end, and the streams finalize found silent or unreadable. A stream the live capture
 * already failed for having no media is not listed twice.
 */
export function captureFailuresOf(
  session: Pick<CaptureSessionFile, 'recordingActions' | 'failure'>,
  streamFailures: ReadonlyArray<{ stream: number; label: string | null; reason: string }>,
): RecordingCaptureFailure[] {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const actions = [...(session.recordingActions ?? [])].sort((a, b) => a.atMs - b.atMs);
  const out: RecordingCaptureFailure[] = [];
  let liveListed = false;
  for (const [i, a] of actions.entries()) {
    if (a.action !== 'fail') continue;
    const code = a.reason ?? 'unknown';
    const recover = actions
      .slice(i + 1)
      .find((b) => b.action === 'recover' && (b.reason ?? 'unknown') === code);
    const live =
      session.failure?.reason === code && session.failure.atMs === a.atMs
        ? session.failure
        : undefined;
    if (live) liveListed = true;
    out.push({
      code,
      detail: a.detail ?? live?.detail ?? FAILURE_WORDS[code] ?? code,
      at: iso(a.atMs),
      resolvedAt: recover ? iso(recover.atMs) : null,
      stream: null,
    });
  }
  if (session.failure && !liveListed) {
    out.push({
      code: session.failure.reason,
      detail: session.failure.detail,
      at: iso(session.failure.atMs),
      resolvedAt: null,
      stream: null,
    });
  }
  for (const f of streamFailures) {
    const stream = f.label ?? `#${f.stream}`;
    const code = f.reason === 'journal unreadable' ? 'unreadable' : 'no-media';
    const alreadyFailed = out.some(
      (o) => o.code === code && o.resolvedAt === null && o.detail.startsWith(`stream ${stream} `),
    );
    if (alreadyFailed) continue;
    out.push({ code, detail: `stream ${stream}: ${f.reason}`, at: null, resolvedAt: null, stream });
  }
  // The API bounds a failure's words; an error message can be long.
  return out.map((f) => (f.detail.length > 1000 ? { ...f, detail: f.detail.slice(0, 1000) } : f));
}

/**
 * What a recovered session kept: the audio up to the last journal flush. The journal files'
 * last write tells about when the recorder stopped (within a flush interval while media flowed).
 */
export function recoveryOf(
  dir: string,
  audioEndMs: number,
  recoveredAt: string,
): RecordingRecovery {
  let lastWriteMs: number | null = null;
  try {
    for (const name of fs.readdirSync(dir)) {
      if (name !== SESSION_FILE && !name.endsWith('.rtpj')) continue;
      const mtime = fs.statSync(path.join(dir, name)).mtimeMs;
      lastWriteMs = Math.max(lastWriteMs ?? 0, mtime);
    }
  } catch {
    // The times are a help for the reader, not the recording: unknown when unreadable.
    lastWriteMs = null;
  }
  return {
    recoveredAt,
    audioEndedAt: new Date(audioEndMs).toISOString(),
    journalLastWrittenAt: lastWriteMs === null ? null : new Date(lastWriteMs).toISOString(),
  };
}

const isEndReason = (v: string): v is RecordingEndReason =>
  (RECORDING_END_REASONS as readonly string[]).includes(v);

/**
 * Why one recording of the call ended: stopped by its owner before the call's audio ended,
 * else how the session ended (BYE, CANCEL, no ACK, shutdown), or `recovered` for a session that
 * never closed because the recorder stopped.
 */
export function endReasonOf(
  session: Pick<CaptureSessionFile, 'closed'>,
  options: FinalizeOptions,
  plan: Pick<RecordingSegmentPlan, 'endMs'>,
  audio: { readonly endMs: number },
): RecordingEndReason | null {
  if (plan.endMs < audio.endMs) return 'stopped';
  if (session.closed)
    return isEndReason(session.closed.endReason) ? session.closed.endReason : null;
  return options.recovered ? 'recovered' : null;
}
