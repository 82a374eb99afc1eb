import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CaptureFailureNote } from './capture-journal.js';
import { createCaptureFailures, failureReasonOf } from './capture-failures.js';
import type { CaptureLiveCalls } from './capture-sink.js';
import {
  answeredStream,
  recordingLogger,
  sessionCapture,
  sessionSnapshot,
  streamCapture,
} from './capture-session.test-helper.js';

/** The failure part of the live calls: one call, its failure, and every recover asked for. */
function liveCall() {
  const state = { failure: null as CaptureFailureNote | null, recovered: [] as string[] };
  const calls: CaptureLiveCalls = {
    open() {},
    setParties() {},
    addOwners() {},
    control: () => ({ ok: true }),
    hold() {},
    fail(_id, failure) {
      state.failure = failure;
    },
    recover(_id, reason) {
      if (state.failure?.reason !== reason) return false;
      state.recovered.push(reason);
      state.failure = null;
      return true;
    },
    close() {},
    get: () => ({ actions: [], failure: state.failure }),
    subscribe: () => () => {},
  };
  return { calls, state };
}

const clock = { now: () => 5_000 };

afterEach(() => {
  vi.useRealTimers();
});

describe('failureReasonOf', () => {
  it('names a full disk or quota disk-full, any other write error journal-write', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(failureReasonOf(err('ENOSPC'))).toBe('disk-full');
    expect(failureReasonOf(err('EDQUOT'))).toBe('disk-full');
    expect(failureReasonOf(err('EIO'))).toBe('journal-write');
    expect(failureReasonOf(new Error('no code'))).toBe('journal-write');
  });
});

describe('createCaptureFailures', () => {
  it('fails the call once: the first failure is the one kept', () => {
    const { calls, state } = liveCall();
    const logger = recordingLogger();
    const failures = createCaptureFailures({ calls, logger, clock });
    const s = sessionCapture();
    failures.fail(s, 'disk-full', 'stream 0 journal: ENOSPC');
    failures.fail(s, 'journal-write', 'later');
    expect(state.failure).toEqual({
      reason: 'disk-full',
      detail: 'stream 0 journal: ENOSPC',
      atMs: 5_000,
    });
    expect(logger.lines.filter((l) => l.message === 'recording failed')).toHaveLength(1);
  });

  it('fails a stream with no packet in time as no-media, naming the stream', () => {
    vi.useFakeTimers();
    const { calls, state } = liveCall();
    const failures = createCaptureFailures({
      calls,
      logger: recordingLogger(),
      clock,
      noMediaTimeoutMs: 2_000,
    });
    const stream = streamCapture();
    const s = sessionCapture({ streams: new Map([[0, stream]]) });
    failures.watchForMedia(s, stream, '1');
    vi.advanceTimersByTime(1_999);
    expect(state.failure).toBeNull();
    vi.advanceTimersByTime(1);
    expect(state.failure?.reason).toBe('no-media');
    expect(state.failure?.detail).toBe('stream 1 received no media in 2 s');
  });

  it('does not fail a stream that has media, a closed session or a call held from the start', () => {
    vi.useFakeTimers();
    const { calls, state } = liveCall();
    const failures = createCaptureFailures({
      calls,
      logger: recordingLogger(),
      clock,
      noMediaTimeoutMs: 1_000,
    });
    const withMedia = streamCapture();
    const s1 = sessionCapture({ streams: new Map([[0, withMedia]]) });
    failures.watchForMedia(s1, withMedia, '1');
    withMedia.packets = 1;
    const closedStream = streamCapture();
    const s2 = sessionCapture({ streams: new Map([[0, closedStream]]) });
    failures.watchForMedia(s2, closedStream, '1');
    s2.closed = true;
    const heldStream = streamCapture();
    const s3 = sessionCapture({
      streams: new Map([[0, heldStream]]),
      last: sessionSnapshot({ streams: [answeredStream({ onHold: true })] }),
    });
    failures.watchForMedia(s3, heldStream, '1');
    vi.advanceTimersByTime(1_000);
    expect(state.failure).toBeNull();
  });

  it('stops watching when asked, and never arms with a timeout of 0', () => {
    vi.useFakeTimers();
    const { calls, state } = liveCall();
    const watched = createCaptureFailures({ calls, logger: recordingLogger(), clock });
    const stream = streamCapture();
    watched.watchForMedia(sessionCapture(), stream, '1');
    expect(stream.noMediaTimer).not.toBeNull();
    watched.stopWatching(stream);
    expect(stream.noMediaTimer).toBeNull();
    const off = createCaptureFailures({
      calls,
      logger: recordingLogger(),
      clock,
      noMediaTimeoutMs: 0,
    });
    off.watchForMedia(sessionCapture(), stream, '1');
    expect(stream.noMediaTimer).toBeNull();
    vi.advanceTimersByTime(60_000);
    expect(state.failure).toBeNull();
  });

  it('ends a no-media failure once every stream has media, and no other failure', () => {
    const { calls, state } = liveCall();
    const failures = createCaptureFailures({ calls, logger: recordingLogger(), clock });
    const first = streamCapture({ packets: 1 });
    const second = streamCapture({ packets: 0 });
    const s = sessionCapture({
      streams: new Map([
        [0, first],
        [1, second],
      ]),
    });
    failures.fail(s, 'no-media', 'stream 2 received no media in 10 s');
    failures.firstPacket(s);
    expect(state.failure?.reason).toBe('no-media');
    second.packets = 1;
    failures.firstPacket(s);
    expect(state.failure).toBeNull();
    expect(state.recovered).toEqual(['no-media']);

    failures.fail(s, 'disk-full', 'ENOSPC');
    failures.firstPacket(s);
    expect(state.failure?.reason).toBe('disk-full');
  });
});
