// Finalizing a captured session (SPEC §5), the job's side: the recorder renders the journals
// (read, decode, align: renderCapturedSession) and cuts each owner's recordings by their actions
// (SPEC §4: start…stop is one recording, paused stretches cut out or silenced); here each
// recording is encoded (capture-encoder.ts) and stored through the recordings store with its
// owners, parties and provenance, and transcription is enqueued for each stored recording.
// A call without an owner is stored unattributed (held by its trunk). Failures are catalogued,
// never silent.
import fs from 'node:fs';
import path from 'node:path';
import {
  cutRecording,
  planOwnerRecordings,
  readSessionFile,
  removeJournal,
  renderCapturedSession,
  writeSessionFile,
  type CaptureSessionFile,
  type RecordingSegmentPlan,
  sdesKeyExposure,
} from '@callvault/recorder';
import { isConnectionLoss } from '../db/connection-loss.js';
import type { Logger } from '../observability/logger.js';
import { findCallSessionRecordings, findOwnerById } from '../recordings/recordings.repository.js';
import {
  defaultRecordingTopic,
  storeRecording,
  type RecordingStoreDeps,
} from '../recordings/recording-store.service.js';
import type { RecordingOwner } from '../recordings/recordings.model.js';
import { srcMetadataHistory } from '../recordings/recording-provenance.js';
import { enqueueTranscription } from '../transcription/transcription.jobs.js';
import { peaksOfPcm } from '../recordings/waveform-peaks.js';
import { isStorageFullError } from '../errors.js';
import { findOpenCaptureFailureOfJournal } from './capture-failures.repository.js';
import { encodeOggOpus } from './capture-encoder.js';
import { catalogueFailure, markFailed, resolveRetried } from './capture-failure-catalogue.js';
import {
  callActivityOf,
  captureFailuresOf,
  channelPartiesOf,
  directionOf,
  endReasonOf,
  partyNumbersOf,
  otherPartyOf,
  partyWithId,
  presentActions,
  recoveryOf,
} from './capture-provenance.js';

export interface FinalizeOptions {
  /** The session never closed (a crash): its audio up to the last flush is kept as `recovered`. */
  readonly recovered?: boolean;
  /**
   * The session as the recorder last knew it, when its session.json could not be written (a
   * full disk): used instead of the file, and written to it when the disk takes it again.
   */
  readonly session?: CaptureSessionFile;
  /**
   * Another attempt follows if this one fails for a passing reason (the blob store, the disk,
   * the encoder): such a failure is listed as retrying and the journal kept as it is, instead of
   * being final. Default false: every failure is final.
   */
  readonly retrying?: boolean;
}

export type FinalizeResult =
  | {
      readonly kind: 'stored';
      readonly recordingIds: readonly string[];
      readonly durationMs: number;
    }
  | {
      readonly kind: 'failed';
      /** Stable code: no-media, disk-full, journal-write, encoder-error, store-error, ... */
      readonly code: string;
      readonly reason: string;
      /** Recordings stored anyway from what was captured (a partial recording). */
      readonly recordingIds: readonly string[];
    }
  | {
      /**
       * A full disk refused the encoded audio or the stored recording before anything was
       * stored: the journal is kept whole and finalize is run again once there is space.
       */
      readonly kind: 'deferred';
      readonly reason: string;
      /** Always empty: nothing was stored. */
      readonly recordingIds: readonly string[];
    }
  | {
      /** A passing failure; the caller retries (the journal and the listed failure stay). */
      readonly kind: 'retrying';
      readonly code: string;
      readonly reason: string;
      readonly recordingIds: readonly string[];
    }
  | {
      /** The journal is gone: an earlier attempt stored the call and removed it. */
      readonly kind: 'done-before';
      /** None stored by this attempt. */
      readonly recordingIds: readonly string[];
    };

async function resolveOwners(
  deps: RecordingStoreDeps,
  session: CaptureSessionFile,
): Promise<RecordingOwner[]> {
  const owners: RecordingOwner[] = [];
  for (const ref of session.owners) {
    const found = await findOwnerById(deps.db, ref.id);
    if (!found || found.orgId !== session.orgId) continue;
    const { orgId: _orgId, ...owner } = found;
    if (!owners.some((o) => o.id === owner.id)) owners.push(owner);
  }
  return owners;
}

/**
 * The stand-in owner of a call nobody owns: the recording is held by the trunk it came on (its
 * id is the owner id, so it is listed with none of the org's people, workspaces or lines) until
 * a compliance officer or administrator reassigns it.
 */
export function unattributedOwnerOf(
  session: Pick<CaptureSessionFile, 'trunkId' | 'trunkName'>,
): RecordingOwner {
  return {
    type: 'unattributed',
    id: session.trunkId,
    email: null,
    name: `Unattributed (trunk ${session.trunkName})`,
    locationId: null,
  };
}

export interface FinalizeDeps extends RecordingStoreDeps {
  /** Encodes PCM to Ogg Opus (tests inject a failing encoder). */
  readonly encode?: typeof encodeOggOpus;
  /**
   * The phone number a participant's AOR names, or null (for the catalogue's parties, numbers
   * and topics); the SIPREC side's reading, given at composition.
   */
  readonly phoneNumberOfAor: (aor: string | undefined) => string | null;
  readonly logger?: Logger;
}

/** Nothing was stored: the partial audio file goes (it takes space), the journal stays whole. */
function deferFinalize(dir: string, file: string, what: string): FinalizeResult {
  fs.rmSync(file, { force: true });
  return {
    kind: 'deferred',
    reason: `the disk is full (${what}); finalize waits for space`,
    recordingIds: [],
  };
}

/**
 * Turns a journal directory into stored recordings: one per start…stop of each owner (owners
 * whose actions give the same recordings share them), paused stretches cut or silenced. On
 * success the journal is removed; on a failure (no media at all, a live capture failure, encoder
 * error) the failure is catalogued and the journal kept for an operator —
 * with whatever audio could be stored stored anyway.
 */
export async function finalizeCapturedSession(
  deps: FinalizeDeps,
  dir: string,
  options: FinalizeOptions = {},
): Promise<FinalizeResult> {
  if (!fs.existsSync(dir)) {
    // Only a finished finalize removes a journal: a retry after that has nothing left to do. No
    // journal folder at all means this process cannot see the recorder's disk: it throws, and
    // the job is retried (by a worker that can, or once the disk is mounted).
    if (!fs.existsSync(path.dirname(dir))) {
      throw new Error(`the journal folder ${path.dirname(dir)} is not on this server`);
    }
    return { kind: 'done-before', recordingIds: [] };
  }
  // Stored before, and failed after storing (its failed.json could not be written): the
  // catalogue says so, and the audio is not stored a second time. A failure still retrying is
  // not final: the retry goes on.
  const done = await findOpenCaptureFailureOfJournal(deps.db, dir);
  if (done && !done.retrying && done.recordingIds.length > 0) {
    return markFailed(deps, dir, null, {
      code: done.reason,
      reason: done.detail,
      recordingIds: done.recordingIds,
    });
  }
  let session: CaptureSessionFile;
  if (options.session) {
    session = options.session;
    try {
      writeSessionFile(dir, session);
    } catch (err) {
      deps.logger?.warn({ err, dir }, 'session.json still cannot be written beside the journal');
    }
  } else {
    try {
      session = readSessionFile(dir);
    } catch (err) {
      return markFailed(deps, dir, null, {
        code: 'unreadable',
        reason: `session file unreadable: ${(err as Error).message}`,
      });
    }
  }
  // A live failure (the journal's disk filled, a stream without media) is catalogued before any
  // audio is encoded: it is listed even while a full disk holds the rest of finalize back.
  if (session.failure) {
    await catalogueFailure(
      deps,
      dir,
      session,
      { code: session.failure.reason, reason: session.failure.detail, recordingIds: [] },
      false,
    );
  }
  const rendered = renderCapturedSession(dir, session);
  const failures = rendered.order.flatMap((s) =>
    s.failure ? [{ stream: s.index, label: s.label ?? null, reason: s.failure }] : [],
  );
  if (rendered.order.length === 0 || failures.length === rendered.order.length) {
    const why = failures.map((f) => `stream ${f.stream}: ${f.reason}`).join('; ');
    return markFailed(deps, dir, session, {
      code: session.failure?.reason ?? 'no-media',
      reason: [session.failure?.detail, why || 'the session had no audio stream']
        .filter(Boolean)
        .join('; '),
    });
  }
  const resolved = await resolveOwners(deps, session);
  // No owner (none matched, or every owner is gone by now): the call was answered 200, so it is
  // kept as an unattributed recording, held by its trunk, for a compliance officer to reassign.
  const unattributed =
    resolved.length > 0
      ? null
      : (session.unattributed ?? {
          reason:
            session.owners.length > 0
              ? 'none of the call’s owners exists any more'
              : 'the call had no owner',
        });
  const owners = unattributed === null ? resolved : [unattributedOwnerOf(session)];

  const samples = Math.max(0, ...rendered.channels.map((c) => c.length));
  // A recording still running at the BYE ends with the audio (the last packet placed).
  const audio = {
    startMs: rendered.originMs,
    endMs: rendered.originMs + (samples / rendered.sampleRate) * 1000,
  };
  // Owners with the same recordings (the same actions' effect) share each stored audio.
  const groups = new Map<string, { plans: RecordingSegmentPlan[]; owners: RecordingOwner[] }>();
  for (const owner of owners) {
    // Nobody could pause or stop an unattributed recording: it is the whole call.
    const plans =
      owner.type === 'unattributed'
        ? [{ startMs: audio.startMs, endMs: audio.endMs, pauses: [] }]
        : planOwnerRecordings(session, owner.id, audio);
    const key = JSON.stringify(plans);
    const group = groups.get(key) ?? { plans, owners: [] };
    group.owners.push(owner);
    groups.set(key, group);
  }
  const behaviour = session.pauseBehaviour ?? 'cut';
  const encode = deps.encode ?? encodeOggOpus;
  const recordingIds: string[] = [];
  let durationMs = 0;
  // A party's stream that gave no audio while the other's did: stored, and still a failure.
  const silentStreams = failures;
  // The catalogue's parties — everyone who took part over the call, with the channel each
  // speaks on (every party of a mixed stream on its one channel) — and the SRC's metadata
  // revisions are the call's; numbers and direction are each group's owner's.
  const revisions = srcMetadataHistory(session.metadataRevisions);
  const channelParties = rendered.order.map((s) =>
    channelPartiesOf(session, s.label ?? `#${s.index}`),
  );
  const channelOf = (p: CaptureSessionFile['parties'][number]): number =>
    channelParties.findIndex((c) =>
      c.participantIds.some((id) => id === p.id || (p.ids ?? []).includes(id)),
    );
  const nameOf = (id: string): string => {
    const p = partyWithId(session.parties, id);
    return p?.name ?? p?.aor ?? id;
  };
  const parties = session.parties.map((p) => {
    const channel = channelOf(p);
    const number = deps.phoneNumberOfAor(p.aor);
    return {
      ...(p.name === undefined ? {} : { name: p.name }),
      ...(p.aor === undefined ? {} : { address: p.aor }),
      ...(number === null ? {} : { number }),
      ...(channel >= 0 ? { channel } : {}),
    };
  });
  const captureFailures = captureFailuresOf(session, failures);
  const recovery = options.recovered
    ? recoveryOf(dir, audio.endMs, deps.clock.now().toISOString())
    : null;
  for (const [groupIndex, group] of [...groups.values()].entries()) {
    const ownerIds = new Set(group.owners.map((o) => o.id));
    const numbers = partyNumbersOf(deps.phoneNumberOfAor, session, group.owners, revisions);
    const direction = directionOf(revisions, session, group.owners);
    const otherParty = otherPartyOf(deps.phoneNumberOfAor, session, group.owners, revisions);
    // A message left in the owner's mailbox (owner-matching.ts decided it so) is catalogued as
    // a voicemail: in its topic and in Webex's `serviceData.recordingType`.
    const recordingType = session.owners.some(
      (ref) => ownerIds.has(ref.id) && ref.recordingType === 'voicemail',
    )
      ? ('voicemail' as const)
      : ('call' as const);
    const topicOf = (startMs: number): string =>
      defaultRecordingTopic({ ...numbers, parties, otherParty }, new Date(startMs), recordingType);
    for (const [i, plan] of group.plans.entries()) {
      const channels = cutRecording(rendered, plan, behaviour);
      const length = Math.max(0, ...channels.map((c) => c.length));
      if (length === 0) continue;
      const segmentMs = Math.round((length / rendered.sampleRate) * 1000);
      const startMs = Math.max(plan.startMs, rendered.originMs);
      // Stored by an earlier run of this finalize (its database connection was lost after the
      // commit, or its job outcome could not be recorded): not stored twice.
      const already = await findCallSessionRecordings(
        deps.db,
        session.orgId,
        session.sessionId,
        new Date(startMs).toISOString(),
        group.owners.map((o) => o.id),
      );
      if (already.length > 0) {
        durationMs += segmentMs;
        for (const r of already) recordingIds.push(r.id);
        continue;
      }
      const file = path.join(dir, `audio-${recordingIds.length}.ogg`);
      try {
        await encode(channels, rendered.sampleRate, file);
      } catch (err) {
        if (isStorageFullError(err) && recordingIds.length === 0) {
          return deferFinalize(dir, file, `the encoded audio: ${(err as Error).message}`);
        }
        return markFailed(
          deps,
          dir,
          session,
          {
            code: 'encoder-error',
            reason: `encoder error: ${(err as Error).message}`,
            recordingIds,
          },
          options,
        );
      }
      let stored;
      try {
        stored = await storeRecording(deps, {
          orgId: session.orgId,
          // Streamed from the file: the store hashes and encrypts it in chunks.
          audio: fs.createReadStream(file),
          format: 'OGG',
          durationMs: segmentMs,
          channels: channels.length,
          sampleRate: 48000,
          // From the PCM just encoded: the peaks consumer need not decode the audio again.
          peaks: peaksOfPcm(channels, rendered.sampleRate),
          owners: group.owners,
          timeRecorded: new Date(startMs).toISOString(),
          callId: session.callId,
          callSessionId: session.sessionId,
          ...numbers,
          parties,
          direction,
          // Several recordings of one call (stopped and started again) tell which part they are.
          topic:
            group.plans.length > 1
              ? `${topicOf(startMs)} (part ${i + 1} of ${group.plans.length})`
              : topicOf(startMs),
          metadata: {
            participants: session.parties.map((p) => {
              const channel = channelOf(p);
              return { ...p, ...(channel >= 0 ? { channel } : {}) };
            }),
            streams: rendered.order.map((s, channel) => ({
              channel,
              index: s.index,
              label: s.label ?? null,
              // A mixed stream has no one sender: every party it carries is listed.
              participantId: channelParties[channel]!.mixed
                ? null
                : (channelParties[channel]!.participantIds.at(-1) ?? null),
              participantIds: channelParties[channel]!.participantIds,
              mixed: channelParties[channel]!.mixed,
              channelLabel: channelParties[channel]!.participantIds.map(nameOf).join(' + '),
              codecs: s.codecs,
              packets: s.packets,
              lost: s.lost,
              ...(s.failure ? { failure: s.failure } : {}),
              counters: session.counters?.[String(s.index)] ?? null,
            })),
            callActivity: callActivityOf(
              revisions,
              new Date(startMs).toISOString(),
              rendered.order.map((s) => ({ label: s.label ?? `#${s.index}`, index: s.index })),
            ),
            dtmf: rendered.order.flatMap((s) => s.dtmf.map((d) => ({ stream: s.index, ...d }))),
            recordingActions: presentActions(
              session.recordingActions ?? [],
              ownerIds,
              rendered.originMs,
            ),
            segment: {
              index: i + 1,
              count: group.plans.length,
              startOffsetMs: Math.round(startMs - rendered.originMs),
              endOffsetMs: Math.round(plan.endMs - rendered.originMs),
              pauses: plan.pauses.map((p) => ({
                startOffsetMs: Math.round(p.startMs - rendered.originMs),
                endOffsetMs: Math.round(p.endMs - rendered.originMs),
              })),
              pauseBehaviour: behaviour,
            },
            ...(recordingType === 'voicemail' ? { recordingType } : {}),
            srcMetadataRevisions: session.metadataRevisions,
            trunk: { id: session.trunkId, name: session.trunkName },
            ...(unattributed === null ? {} : { unattributed: { reason: unattributed.reason } }),
            ...mediaSecurityOf(session),
            ...(session.failure
              ? {
                  failureBehavior:
                    session.owners.find((o) => o.failureBehavior)?.failureBehavior ?? null,
                }
              : {}),
          },
          provenance: {
            recovered: options.recovered === true,
            recovery,
            failures: captureFailures,
            endReason: endReasonOf(session, options, plan, audio),
          },
          source: 'recorder',
          // One key per journal and segment: a retried finalize finds what an earlier attempt
          // stored instead of storing (and counting) it again.
          idempotencyKey: `capture:${session.sessionId}:${path.basename(dir)}:${groupIndex}:${i}`,
          auditDetails: {
            siprecSession: session.sessionId,
            recovered: options.recovered === true,
            segment: i + 1,
          },
        });
      } catch (err) {
        if (isConnectionLoss(err)) throw err;
        if (isStorageFullError(err) && recordingIds.length === 0) {
          return deferFinalize(dir, file, `storing the recording: ${(err as Error).message}`);
        }
        return markFailed(
          deps,
          dir,
          session,
          {
            code: isStorageFullError(err) ? 'disk-full' : 'store-error',
            reason: `storing the recording failed: ${(err as Error).message}`,
            recordingIds,
          },
          options,
        );
      }
      durationMs += segmentMs;
      for (const r of stored.recordings) recordingIds.push(r.id);
    }
  }
  // SPEC §8: the transcribe job decides per recording (owner's transcripts on, language).
  if (deps.queue) {
    for (const id of recordingIds) {
      // Without the database the job cannot be queued now; the transcription sweep queues every
      // recording still awaiting its transcript, so the recording is not held back for it.
      await enqueueTranscription(deps.queue, id).catch((err: unknown) => {
        if (!isConnectionLoss(err)) throw err;
      });
    }
  }
  // A live failure, or a party whose stream never carried media: the recording is incomplete.
  if (session.failure) {
    return markFailed(deps, dir, session, {
      code: session.failure.reason,
      reason: session.failure.detail,
      recordingIds,
    });
  }
  if (silentStreams.length > 0) {
    return markFailed(deps, dir, session, {
      code: silentStreams.some((f) => f.reason === 'journal unreadable')
        ? 'unreadable'
        : 'no-media',
      reason: silentStreams.map((f) => `stream ${f.label ?? f.stream}: ${f.reason}`).join('; '),
      recordingIds,
    });
  }
  // Resolved before the journal goes: should this process die in between, the retry finds every
  // segment stored and removes the journal then.
  await resolveRetried(deps, dir, session, recordingIds);
  removeJournal(dir);
  return { kind: 'stored', recordingIds, durationMs };
}

/**
 * How the media was protected: the SDES suites and whether their keys came over SIP without TLS
 * (RFC 4568 §8.3: then anyone on the signalling path could decrypt the audio). Journals written
 * before the signalling transport was kept have no such entry.
 */
function mediaSecurityOf(session: CaptureSessionFile): {
  mediaSecurity?: { signalling: string; srtpSuites: readonly string[]; keysSentInClear: boolean };
} {
  if (session.signalling === undefined) return {};
  const exposure = sdesKeyExposure(
    session.signalling,
    session.streams.map((s) => (s.srtpSuite ? { srtp: { suite: s.srtpSuite } } : {})),
  );
  return {
    mediaSecurity: {
      signalling: session.signalling,
      srtpSuites: exposure.suites,
      keysSentInClear: exposure.keysSentInClear,
    },
  };
}
