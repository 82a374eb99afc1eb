// Metadata revisions of one recording session: RFC 7865 §7 ("partial update" vs "complete") and
// RFC 7866 §9.2 (the SRC sends updated metadata in re-INVITE/UPDATE during the session).
//
// Pure: every function returns a new state. A complete document replaces the model; a partial one
// is merged into it by object id (group, session, participant, stream). Each revision is kept so
// the recording's history (who joined, who was on hold) can be stored with it.

import type {
  RecordingDataMode,
  RecordingGroup,
  RecordingMetadata,
  RecordingParticipant,
  RecordingSession,
  RecordingStream,
  SiprecExtension,
} from './recording-metadata.js';
import type { SiprecMetadataParseOptions } from './recording-metadata-parser.js';
import { parseRecordingMetadata } from './recording-metadata-parser.js';

export interface RecordingMetadataRevision {
  /** Caller-chosen order number (e.g. the CSeq), by default 1, 2, 3, ... */
  readonly seq: number;
  readonly dataMode: RecordingDataMode;
  /** The body as received (decoded text). */
  readonly raw: string;
  /**
   * When the request carrying it arrived (ms since the epoch, from the host's clock): the time a
   * participant who is no longer listed left, when the SRC does not say (participant-history.ts).
   */
  readonly receivedAtMs?: number;
  /** This document alone, as parsed. */
  readonly document: RecordingMetadata;
  /** The merged model after this revision was applied. */
  readonly model: RecordingMetadata;
}

export interface RecordingMetadataState {
  /** The merged model; undefined until the first document (a session may never send one). */
  readonly current: RecordingMetadata | undefined;
  readonly revisions: readonly RecordingMetadataRevision[];
}

export function createRecordingMetadataState(): RecordingMetadataState {
  return { current: undefined, revisions: [] };
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** Fields present in `update` win; absent ones keep the base value (RFC 7865 §7 partial update). */
function overlay<T extends object>(base: T, update: T): T {
  const result = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(update)) {
    if (value !== undefined) result[key] = value;
  }
  return result as T;
}

function unionOf(base: readonly string[], update: readonly string[]): string[] {
  return [...base, ...update.filter((value) => !base.includes(value))];
}

function mergeById<T extends { readonly id: string }>(
  base: readonly T[],
  update: readonly T[],
  mergeOne: (before: T, after: T) => T,
): T[] {
  const result = [...base];
  for (const item of update) {
    const at = result.findIndex((existing) => existing.id === item.id);
    const existing = at < 0 ? undefined : result[at];
    if (existing === undefined) result.push(item);
    else result[at] = mergeOne(existing, item);
  }
  return result;
}

function mergeSession(before: RecordingSession, after: RecordingSession): RecordingSession {
  return {
    ...overlay(before, after),
    sipSessionIds: unionOf(before.sipSessionIds, after.sipSessionIds),
  };
}

function mergeParticipant(
  before: RecordingParticipant,
  after: RecordingParticipant,
): RecordingParticipant {
  const merged: Writable<RecordingParticipant> = {
    ...overlay(before, after),
    nameIds: after.nameIds.length > 0 ? after.nameIds : before.nameIds,
    sessionIds: unionOf(before.sessionIds, after.sessionIds),
    // RFC 7865 §7: a participantstreamassoc in a partial update states the participant's current
    // send/recv sets (the hold example drops the held party's send streams), so it replaces them.
    send: after.streamsDeclared ? after.send : before.send,
    recv: after.streamsDeclared ? after.recv : before.recv,
    streamsDeclared: before.streamsDeclared || after.streamsDeclared,
  };
  return merged;
}

function mergeExtensions(
  base: readonly SiprecExtension[],
  update: readonly SiprecExtension[],
): SiprecExtension[] {
  const seen = new Set(base.map((e) => `${e.parentId ?? ''}\u0000${e.xml}`));
  return [...base, ...update.filter((e) => !seen.has(`${e.parentId ?? ''}\u0000${e.xml}`))];
}

/**
 * Merge a partial update into a model (RFC 7865 §7). The result keeps the base's data mode, so a
 * model that started complete stays complete.
 */
export function mergeRecordingMetadata(
  base: RecordingMetadata,
  update: RecordingMetadata,
): RecordingMetadata {
  const sessions = mergeById(base.sessions, update.sessions, mergeSession);
  const merged: Writable<RecordingMetadata> = {
    dialect: base.dialect,
    dataMode: base.dataMode,
    sessions,
    groups: mergeById<RecordingGroup>(base.groups, update.groups, overlay),
    participants: mergeById(base.participants, update.participants, mergeParticipant),
    streams: mergeById<RecordingStream>(base.streams, update.streams, overlay),
    extensions: mergeExtensions(base.extensions, update.extensions),
  };
  if (base.namespace !== undefined) merged.namespace = base.namespace;
  if (sessions[0] !== undefined) merged.session = sessions[0];
  const recording = update.recording ?? base.recording;
  if (recording !== undefined) merged.recording = recording;
  const broadworks = update.vendor?.broadworks ?? base.vendor?.broadworks;
  const metaswitch = update.vendor?.metaswitch ?? base.vendor?.metaswitch;
  if (broadworks !== undefined || metaswitch !== undefined) {
    merged.vendor = {
      ...(broadworks === undefined ? {} : { broadworks }),
      ...(metaswitch === undefined ? {} : { metaswitch }),
    };
  }
  return merged;
}

/** Apply an already parsed document. */
export function applyRecordingMetadata(
  state: RecordingMetadataState,
  document: RecordingMetadata,
  raw: string,
  seq: number = state.revisions.length + 1,
  receivedAtMs?: number,
): RecordingMetadataState {
  const model =
    document.dataMode === 'complete' || state.current === undefined
      ? document
      : mergeRecordingMetadata(state.current, document);
  const revision: RecordingMetadataRevision = {
    seq,
    dataMode: document.dataMode,
    raw,
    ...(receivedAtMs === undefined ? {} : { receivedAtMs }),
    document,
    model,
  };
  return { current: model, revisions: [...state.revisions, revision] };
}

/**
 * Parse and apply a metadata body. Throws `SiprecMetadataError` and leaves no trace when the body
 * is refused (the caller keeps its previous state).
 */
export function applyRecordingMetadataBody(
  state: RecordingMetadataState,
  body: string | Uint8Array,
  options: SiprecMetadataParseOptions & { seq?: number; receivedAtMs?: number } = {},
): RecordingMetadataState {
  const { seq, receivedAtMs, ...parseOptions } = options;
  const document = parseRecordingMetadata(body, parseOptions);
  const raw = typeof body === 'string' ? body : new TextDecoder().decode(body);
  return applyRecordingMetadata(state, document, raw, seq, receivedAtMs);
}

// ---------------------------------------------------------------------------------------------
// Activity and placeholders

/** Participants not disassociated (RFC 7865 §6.4.1 disassociate-time). */
export function listActiveRecordingParticipants(model: RecordingMetadata): RecordingParticipant[] {
  return model.participants.filter((p) => p.disassociateTime === undefined);
}

/** Streams not disassociated. */
export function listActiveRecordingStreams(model: RecordingMetadata): RecordingStream[] {
  return model.streams.filter((s) => s.disassociateTime === undefined);
}

/**
 * AORs call systems send before they know the real party. Avaya SBCE, for instance, opens the
 * recording with `sip:ASBCE@asbce.com` and fills in the parties with a later UPDATE/re-INVITE.
 */
export const DEFAULT_PLACEHOLDER_AOR_PATTERNS: readonly RegExp[] = Object.freeze([
  /^(sips?:)?asbce@asbce\.com$/i,
  /^(sips?:)?(unknown|placeholder|anonymous-placeholder)(@|$)/i,
  /^(sips?:)?@/i,
]);

/**
 * A participant that identifies nobody yet: no AOR or a blank one (a display name alone cannot be
 * matched to an entity), or an AOR matching a known placeholder pattern.
 */
export function isPlaceholderRecordingParticipant(
  participant: RecordingParticipant,
  patterns: readonly RegExp[] = DEFAULT_PLACEHOLDER_AOR_PATTERNS,
): boolean {
  const aor = participant.aor?.trim();
  if (aor === undefined || aor === '') return true;
  return patterns.some((pattern) => pattern.test(aor));
}

/**
 * True when the metadata cannot yet say who is on the call: no active participant, or only
 * placeholders. Policy may then wait for the first metadata update before deciding.
 */
export function hasOnlyPlaceholderParticipants(
  model: RecordingMetadata,
  patterns: readonly RegExp[] = DEFAULT_PLACEHOLDER_AOR_PATTERNS,
): boolean {
  return listActiveRecordingParticipants(model).every((participant) =>
    isPlaceholderRecordingParticipant(participant, patterns),
  );
}
