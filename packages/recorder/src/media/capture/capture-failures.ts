// Failures of a capture (SPEC §5): a journal write refused by the disk, a stream that never
// receives media, a stream that cannot be bound. Each fails the call's live state at once (once:
// the first failure is the one kept); a no-media failure is over when every stream has media after
// all, since nothing was lost.
import type { Clock, Logger } from '../../session/ports.js';
import type { CaptureLiveCalls } from './capture-sink.js';
import { isOnHold, type SessionCapture, type StreamCapture } from './capture-session.js';

/** Default wait for a stream's first packet before the capture is failed as `no-media`. */
export const NO_MEDIA_TIMEOUT_MS = 10_000;

/** The failure reason of a refused write: `disk-full` when the disk or quota is full. */
export function failureReasonOf(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOSPC' || code === 'EDQUOT' ? 'disk-full' : 'journal-write';
}

export interface CaptureFailures {
  /** Fails the call's recording, unless it has failed already. */
  fail(s: SessionCapture, reason: string, detail: string): void;
  /** A stream's first packet: ends a `no-media` failure once every stream has media. */
  firstPacket(s: SessionCapture): void;
  /** Fails the call as `no-media` if the stream has no packet in time (not while on hold). */
  watchForMedia(s: SessionCapture, stream: StreamCapture, label: string): void;
  stopWatching(stream: StreamCapture): void;
}

export function createCaptureFailures(options: {
  readonly calls: CaptureLiveCalls;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly noMediaTimeoutMs?: number;
}): CaptureFailures {
  const { calls, logger } = options;
  const noMediaMs = options.noMediaTimeoutMs ?? NO_MEDIA_TIMEOUT_MS;

  const fail = (s: SessionCapture, reason: string, detail: string): void => {
    const call = calls.get(s.id);
    if (!call || call.failure) return;
    logger.error({ callId: s.last.callId, reason, detail }, 'recording failed');
    calls.fail(s.id, { reason, detail, atMs: options.clock.now() });
  };

  return {
    fail,
    firstPacket(s) {
      if (calls.get(s.id)?.failure?.reason !== 'no-media') return;
      if ([...s.streams.values()].some((c) => c.packets === 0)) return;
      if (calls.recover(s.id, 'no-media', options.clock.now())) {
        logger.info(
          { callId: s.last.callId },
          'media arrived after all: the no-media failure is over',
        );
      }
    },
    watchForMedia(s, stream, label) {
      if (stream.packets > 0 || stream.noMediaTimer !== null || noMediaMs <= 0) return;
      stream.noMediaTimer = setTimeout(() => {
        stream.noMediaTimer = null;
        // Held from the start, the SRC sends nothing on purpose.
        if (stream.packets === 0 && !s.closed && !isOnHold(s.last)) {
          fail(s, 'no-media', `stream ${label} received no media in ${noMediaMs / 1000} s`);
        }
      }, noMediaMs);
      stream.noMediaTimer.unref();
    },
    stopWatching(stream) {
      if (stream.noMediaTimer) clearTimeout(stream.noMediaTimer);
      stream.noMediaTimer = null;
    },
  };
}
