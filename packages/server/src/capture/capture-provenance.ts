// How a captured call is described in the catalogue: its recording actions as offsets, the
// parties' numbers and the call's direction for an owner over every metadata revision, who is on
// each channel (a mixed stream carries every party), the call's activity, every failure of the capture, what a
// recovery kept, and why each recording ended (SPEC §4, §5). Pure but for recoveryOf, which reads
// the journal files' times.
import fs from 'node:fs';
import path from 'node:path';
import {
  buildParticipantHistory,
  callDirectionOfRevisions,
  SESSION_FILE,
  streamPartiesOf,
  type CaptureSessionFile,
  type ParticipantHistoryRevision,
  type RecordingAction,
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

type PhoneNumberOfAor = FinalizeDeps['phoneNumberOfAor'];
type SessionParty = CaptureSessionFile['parties'][number];

/** The party with this participant id (stable, or any id the SRC gave it over the call). */
export function partyWithId(
  parties: readonly SessionParty[],
  participantId: string | undefined,
): SessionParty | undefined {
  if (participantId === undefined) return undefined;
  return parties.find((p) => p.id === participantId || (p.ids ?? []).includes(participantId));
}

/**
 * The recorded subscriber's own number and the other party's, as the SRC's vendor data states
 * them: BroadWorks `callType` (origCall: calling is the subscriber's, termCall: called is) and
 * Metaswitch `recordedParty`. The newest revision that says wins.
 */
export function vendorNumbersOf(
  phoneNumberOfAor: PhoneNumberOfAor,
  revisions: readonly ParticipantHistoryRevision[],
): { local?: string; remote?: string } {
  for (const { model } of [...revisions].reverse()) {
    const callType = model.vendor?.broadworks?.callType;
    const calling = phoneNumberOfAor(callType?.callingPartyNumber) ?? undefined;
    const called = phoneNumberOfAor(callType?.calledPartyNumber) ?? undefined;
    const kind = callType?.kind.toLowerCase();
    const [local, remote] =
      kind === 'origcall' ? [calling, called] : kind === 'termcall' ? [called, calling] : [];
    const recorded = phoneNumberOfAor(model.vendor?.metaswitch?.recordedParty) ?? undefined;
    if (local !== undefined || remote !== undefined || recorded !== undefined) {
      return {
        ...((local ?? recorded) === undefined ? {} : { local: local ?? recorded }),
        ...(remote === undefined ? {} : { remote }),
      };
    }
  }
  return {};
}

/**
 * The catalogue's local and remote numbers (searched by `partyNumber`, shown in topics), over
 * every party that took part: the owner's own party — by its participant id, whichever the SRC
 * used over the revisions, else the party whose number the vendor data names as the recorded
 * subscriber's (an owner matched by BroadWorks userID or Metaswitch recordedParty) — and the
 * first other party with another number; the vendor data's numbers where the parties name none.
 */
export function partyNumbersOf(
  phoneNumberOfAor: PhoneNumberOfAor,
  session: Pick<CaptureSessionFile, 'owners' | 'parties'>,
  owners: readonly RecordingOwner[],
  revisions: readonly ParticipantHistoryRevision[] = [],
): { localNumber?: string; remoteNumber?: string } {
  const vendor = vendorNumbersOf(phoneNumberOfAor, revisions);
  const own = ownPartyOf(phoneNumberOfAor, session, owners, vendor);
  const local = phoneNumberOfAor(own?.aor) ?? vendor.local ?? null;
  const remote =
    session.parties
      .filter((p) => p !== own)
      .map((p) => phoneNumberOfAor(p.aor))
      .find((n): n is string => n !== null && n !== local) ??
    (vendor.remote !== local ? vendor.remote : undefined) ??
    null;
  return {
    ...(local === null ? {} : { localNumber: local }),
    ...(remote === null ? {} : { remoteNumber: remote }),
  };
}

type CaptureParty = CaptureSessionFile['parties'][number];

/** The owner's own party: by its participant id, else by the number the vendor data names. */
function ownPartyOf(
  phoneNumberOfAor: PhoneNumberOfAor,
  session: Pick<CaptureSessionFile, 'owners' | 'parties'>,
  owners: readonly RecordingOwner[],
  vendor: { local?: string },
): CaptureParty | undefined {
  const ownerRef = session.owners.find((o) => owners.some((w) => w.id === o.id));
  return (
    partyWithId(session.parties, ownerRef?.participantId) ??
    (vendor.local === undefined
      ? undefined
      : session.parties.find((p) => phoneNumberOfAor(p.aor) === vendor.local))
  );
}

/**
 * Who the group's owner talked with, as the topic names them: the first other party that has a
 * name, else the first with a number or an address (the party of the remote number first).
 * Undefined when no other party is known at all.
 */
export function otherPartyOf(
  phoneNumberOfAor: PhoneNumberOfAor,
  session: Pick<CaptureSessionFile, 'owners' | 'parties'>,
  owners: readonly RecordingOwner[],
  revisions: readonly ParticipantHistoryRevision[] = [],
): { name?: string; number?: string; address?: string } | undefined {
  const vendor = vendorNumbersOf(phoneNumberOfAor, revisions);
  const own = ownPartyOf(phoneNumberOfAor, session, owners, vendor);
  const ownNumber = phoneNumberOfAor(own?.aor) ?? vendor.local;
  const others = session.parties.filter(
    (p) =>
      p !== own &&
      (ownNumber === undefined || phoneNumberOfAor(p.aor) !== ownNumber) &&
      (own?.aor === undefined || p.aor !== own.aor),
  );
  const other = others.find((p) => p.name?.trim()) ?? others.find((p) => p.aor !== undefined);
  if (other === undefined)
    return vendor.remote === undefined ? undefined : { number: vendor.remote };
  const number = phoneNumberOfAor(other.aor);
  const name = other.name?.trim();
  return {
    ...(name ? { name } : {}),
    ...(number === null ? {} : { number }),
    ...(other.aor === undefined ? {} : { address: other.aor }),
  };
}

/**
 * Which way the call went for the group's owner, from the SRC's vendor metadata (Acme
 * `callingParty`, BroadWorks `callType`, Metaswitch `direction`) over every revision: RFC 7865
 * itself has no direction. Null when the metadata does not say.
 */
export function directionOf(
  revisions: readonly ParticipantHistoryRevision[],
  session: Pick<CaptureSessionFile, 'owners'>,
  owners: readonly RecordingOwner[],
): 'inbound' | 'outbound' | 'internal' | null {
  if (revisions.length === 0) return null;
  const history = buildParticipantHistory(revisions);
  const stable = (id: string): string => history.stableIds.get(id) ?? id;
  const ownerRef = session.owners.find((o) => owners.some((w) => w.id === o.id));
  return callDirectionOfRevisions(
    revisions,
    history,
    ownerRef === undefined ? undefined : stable(ownerRef.participantId),
    session.owners.map((o) => stable(o.participantId)),
  );
}

/** One stream of the recording as the catalogue describes who is on it. */
export interface ChannelParties {
  /** Stable ids of every party the stream carried. */
  readonly participantIds: readonly string[];
  /** One channel carrying several parties at once. */
  readonly mixed: boolean;
}

/**
 * Who is on a recorded stream: the journal's stream parties (every sender over the call, and
 * whether it is a mix), else the single sender of journals written before them.
 */
export function channelPartiesOf(
  session: Pick<CaptureSessionFile, 'senders' | 'streamParties'>,
  label: string,
): ChannelParties {
  const parties = session.streamParties?.[label];
  if (parties !== undefined) return { participantIds: parties.senders, mixed: parties.mixed };
  const sender = session.senders[label];
  return { participantIds: sender === undefined ? [] : [sender], mixed: false };
}

/**
 * Webex's `callActivity` over the call: one activity per metadata revision (the call's start,
 * then each change the SRC reported), each with the media streams (`mixed` for a stream that
 * carries several parties) and the participants on the call then, with the stream they send.
 */
export function callActivityOf(
  revisions: readonly ParticipantHistoryRevision[],
  startedAt: string,
  channels: ReadonlyArray<{ readonly label: string; readonly index: number }>,
): Array<Record<string, unknown>> {
  const history = buildParticipantHistory(revisions);
  const streams = streamPartiesOf(revisions, history);
  const mixed = new Set(streams.filter((s) => s.mixed).map((s) => s.label));
  return revisions.map(({ model, receivedAtMs }, i) => {
    const labelOf = new Map(model.streams.map((s) => [s.id, s.label ?? s.id]));
    return {
      timeStamp:
        i === 0 || receivedAtMs === undefined ? startedAt : new Date(receivedAtMs).toISOString(),
      mediaStreams: channels.map((c) => ({
        streamId: c.label,
        mode: mixed.has(c.label) ? 'mixed' : 'separate',
        mLineIndex: String(c.index),
      })),
      participants: model.participants
        .filter((p) => p.disassociateTime === undefined)
        .map((p) => {
          const sent = p.send.map((id) => labelOf.get(id) ?? id);
          return {
            participantId: history.stableIds.get(p.id) ?? p.id,
            ...(p.aor === undefined ? {} : { aor: p.aor }),
            ...(p.name === undefined ? {} : { name: p.name }),
            ...(sent[0] === undefined ? {} : { send: sent[0] }),
          };
        }),
    };
  });
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
