// The RecordingSink that captures media (SPEC §5): for every accepted audio stream of a session's
// SDP answer it binds the port pair and journals the packets; on the session's end it closes the
// sockets, flushes the journals and enqueues the finalize job. Re-INVITEs that move a stream to
// another port or codec re-bind it and append to the same journal.
import fs from 'node:fs';
import path from 'node:path';
import {
  createRtpJournalWriter,
  startRtpStreamCapture,
  type RecordingSessionClosed,
  type RecordingSessionSnapshot,
  type RecordingSink,
  type RtpJournalWriter,
  type RtpStreamCapture,
  type SdpAnsweredStream,
} from '@callvault/recorder';
import type { Clock } from '../clock.js';
import type { Logger } from '../observability/logger.js';
import {
  journalDirFor,
  writeSessionFile,
  type CaptureSessionFile,
  type CaptureStreamInfo,
} from './capture-journal.js';

export interface CaptureSinkOptions {
  readonly dataDir: string;
  /** The address to bind media sockets on (the SIP host). */
  readonly host: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Enqueues the finalize job for a closed session's journal directory. */
  readonly finalize: (dir: string) => Promise<void>;
  readonly flushIntervalMs?: number;
}

interface StreamCapture {
  port: number;
  capture: RtpStreamCapture | null;
  writer: RtpJournalWriter;
  info: CaptureStreamInfo;
}

interface SessionCapture {
  dir: string;
  streams: Map<number, StreamCapture>;
  /** Serialises socket (re)binding per session. */
  work: Promise<void>;
  last: RecordingSessionSnapshot;
}

export interface CaptureSink extends RecordingSink {
  /** Sessions being captured. */
  readonly size: number;
  /** Waits for pending binds and closes (tests, shutdown). */
  settle(): Promise<void>;
}

function isCapturable(stream: SdpAnsweredStream): boolean {
  return stream.accepted && stream.media === 'audio' && stream.localPort > 0 && !!stream.codec;
}

function sendersOf(snapshot: RecordingSessionSnapshot): Record<string, string> {
  const model = snapshot.metadataRevisions.at(-1)?.model;
  const senders: Record<string, string> = {};
  if (!model) return senders;
  const labelOf = new Map(model.streams.map((s) => [s.id, s.label ?? s.id]));
  for (const p of model.participants) {
    for (const streamId of p.send) senders[labelOf.get(streamId) ?? streamId] = p.id;
  }
  return senders;
}

export function createCaptureSink(options: CaptureSinkOptions): CaptureSink {
  const sessions = new Map<string, SessionCapture>();
  const closing = new Set<Promise<void>>();
  const logger = options.logger;

  const describe = (s: SessionCapture, closed?: RecordingSessionClosed): CaptureSessionFile => {
    const snap = closed ?? s.last;
    return {
      version: 1,
      sessionId: snap.id,
      callId: snap.callId,
      orgId: snap.orgId,
      trunkId: snap.trunkId,
      trunkName: snap.trunkName,
      startedAt: snap.startedAt,
      owners: snap.owners.map((o) => ({
        id: o.id,
        kind: o.kind,
        participantId: o.participantId,
        mode: o.mode,
      })),
      parties: snap.parties.map((p) => ({
        id: p.id,
        ...(p.aor === undefined ? {} : { aor: p.aor }),
        ...(p.name === undefined ? {} : { name: p.name }),
      })),
      streams: [...s.streams.values()].map((c) => c.info),
      metadataRevisions: snap.metadataRevisions.map((r) => ({ seq: r.seq, raw: r.raw })),
      senders: sendersOf(snap),
      ...(closed
        ? {
            closed: { endedAt: closed.endedAt, endReason: closed.endReason, kept: closed.kept },
            counters: Object.fromEntries(
              [...s.streams.entries()].map(([i, c]) => [
                String(i),
                { ...(c.capture?.stats ?? {}) },
              ]),
            ),
          }
        : {}),
    };
  };

  const apply = async (s: SessionCapture, snapshot: RecordingSessionSnapshot): Promise<void> => {
    s.last = snapshot;
    for (const stream of snapshot.streams) {
      if (!isCapturable(stream) || !stream.codec) continue;
      const codec = {
        payloadType: stream.codec.payloadType,
        name: stream.codec.name,
        clockRate: stream.codec.clockRate,
      };
      let current = s.streams.get(stream.index);
      if (!current) {
        const journal = `stream-${stream.index}.rtpj`;
        current = {
          port: -1,
          capture: null,
          writer: createRtpJournalWriter({
            file: path.join(s.dir, journal),
            ...(options.flushIntervalMs ? { flushIntervalMs: options.flushIntervalMs } : {}),
            onError: (err) =>
              logger.error({ err, callId: snapshot.callId }, 'journal write failed'),
          }),
          info: {
            index: stream.index,
            ...(stream.label === undefined ? {} : { label: stream.label }),
            codecs: [],
            telephoneEventPayloadTypes: [],
            journal,
            srtp: !!stream.srtp,
          },
        };
        s.streams.set(stream.index, current);
      }
      const known = current.info.codecs.some(
        (c) => c.payloadType === codec.payloadType && c.name === codec.name,
      );
      const te = stream.telephoneEvent?.payloadType;
      current.info = {
        ...current.info,
        // A payload type re-used for another codec: the newest mapping wins from now on.
        codecs: known
          ? current.info.codecs
          : [...current.info.codecs.filter((c) => c.payloadType !== codec.payloadType), codec],
        telephoneEventPayloadTypes:
          te === undefined || current.info.telephoneEventPayloadTypes.includes(te)
            ? current.info.telephoneEventPayloadTypes
            : [...current.info.telephoneEventPayloadTypes, te],
      };
      if (current.port === stream.localPort) continue;
      await current.capture?.close();
      const writer = current.writer;
      current.capture = await startRtpStreamCapture({
        host: options.host,
        rtpPort: stream.localPort,
        ...(stream.localRtcpPort ? { rtcpPort: stream.localRtcpPort } : {}),
        ...(stream.remote.address ? { expectedAddress: stream.remote.address } : {}),
        ...(stream.srtp
          ? {
              srtp: {
                suite: stream.srtp.suite,
                keySalt: stream.srtp.remote.keySalt,
                ...(stream.srtp.remote.mki ? { mki: stream.srtp.remote.mki } : {}),
              },
            }
          : {}),
        onPacket: (record) => writer.append(record),
        now: () => options.clock.now().getTime(),
      });
      current.port = stream.localPort;
    }
    writeSessionFile(s.dir, describe(s));
  };

  const enqueue = (s: SessionCapture, snapshot: RecordingSessionSnapshot): void => {
    s.work = s.work
      .then(() => apply(s, snapshot))
      .catch((err: unknown) =>
        logger.error({ err, callId: snapshot.callId }, 'media capture could not start'),
      );
  };

  return {
    get size() {
      return sessions.size;
    },
    sessionOpened(snapshot) {
      if (sessions.has(snapshot.id)) return;
      const dir = journalDirFor(options.dataDir, snapshot.id);
      fs.mkdirSync(dir, { recursive: true });
      const s: SessionCapture = {
        dir,
        streams: new Map(),
        work: Promise.resolve(),
        last: snapshot,
      };
      sessions.set(snapshot.id, s);
      enqueue(s, snapshot);
    },
    sessionUpdated(snapshot) {
      const s = sessions.get(snapshot.id);
      if (s) enqueue(s, snapshot);
    },
    sessionClosed(closed) {
      const s = sessions.get(closed.id);
      if (!s) return;
      sessions.delete(closed.id);
      const done = s.work
        .then(async () => {
          for (const c of s.streams.values()) {
            await c.capture?.close();
            c.writer.close();
          }
          if (!closed.kept) {
            // No owner: SPEC §5 keeps nothing of such a session.
            fs.rmSync(s.dir, { recursive: true, force: true });
            return;
          }
          writeSessionFile(s.dir, describe(s, closed));
          await options.finalize(s.dir);
        })
        .catch((err: unknown) =>
          logger.error({ err, callId: closed.callId }, 'media capture could not close'),
        );
      closing.add(done);
      void done.finally(() => closing.delete(done));
    },
    requestAnswered() {},
    async settle() {
      await Promise.all([...[...sessions.values()].map((s) => s.work), ...closing]);
    },
  };
}

/**
 * The host's sink (the session registry) with capture attached: every session event goes to
 * both, the registry first. The registry's other methods are reached through the prototype.
 */
export function withCapture<T extends RecordingSink>(sink: T, capture: RecordingSink): T {
  const tee: RecordingSink = {
    sessionOpened(s) {
      sink.sessionOpened(s);
      capture.sessionOpened(s);
    },
    sessionUpdated(s) {
      sink.sessionUpdated(s);
      capture.sessionUpdated(s);
    },
    sessionClosed(s) {
      sink.sessionClosed(s);
      capture.sessionClosed(s);
    },
    requestAnswered(o) {
      sink.requestAnswered(o);
      capture.requestAnswered(o);
    },
  };
  return Object.assign(Object.create(sink) as T, tee);
}
