import { describe, expect, it } from 'vitest';
import type { CaptureFailures } from './capture-failures.js';
import type { CaptureStreamInfo } from './capture-journal.js';
import { answeredStreamInfo, createCaptureStreams } from './capture-streams.js';
import type { StreamCapture } from './capture-session.js';
import {
  answeredStream,
  memoryWriter,
  recordingLogger,
  sessionCapture,
  streamCapture,
} from './capture-session.test-helper.js';

const fresh: CaptureStreamInfo = {
  index: 0,
  label: '1',
  codecs: [],
  telephoneEventPayloadTypes: [],
  journal: 'stream-0.rtpj',
  srtp: false,
};

const PCMA = { name: 'PCMA', payloadType: 8, clockRate: 8000, channels: 1 } as const;

describe('answeredStreamInfo', () => {
  it('adds the answered codec and telephone-event payload type once', () => {
    const stream = answeredStream({
      telephoneEvent: { payloadType: 101, clockRate: 8000 },
    });
    const once = answeredStreamInfo(fresh, stream);
    expect(once.codecs).toEqual([{ payloadType: 0, name: 'PCMU', clockRate: 8000 }]);
    expect(once.telephoneEventPayloadTypes).toEqual([101]);
    const twice = answeredStreamInfo(once, stream);
    expect(twice.codecs).toBe(once.codecs);
    expect(twice.telephoneEventPayloadTypes).toBe(once.telephoneEventPayloadTypes);
  });

  it('keeps earlier codecs when a re-offer answers another one', () => {
    const first = answeredStreamInfo(fresh, answeredStream());
    const moved = answeredStreamInfo(first, answeredStream({ codec: PCMA }));
    expect(moved.codecs.map((c) => c.name)).toEqual(['PCMU', 'PCMA']);
  });

  it('lets the newest mapping of a re-used payload type win', () => {
    const first = answeredStreamInfo(fresh, answeredStream());
    const reused = answeredStreamInfo(
      first,
      answeredStream({ codec: { name: 'PCMA', payloadType: 0, clockRate: 8000, channels: 1 } }),
    );
    expect(reused.codecs).toEqual([{ payloadType: 0, name: 'PCMA', clockRate: 8000 }]);
  });

  it('marks the stream SRTP with its suite when the answer is SRTP', () => {
    const srtp = answeredStreamInfo(
      fresh,
      answeredStream({ srtp: { suite: 'AES_CM_128_HMAC_SHA1_80' } as never }),
    );
    expect(srtp).toMatchObject({ srtp: true, srtpSuite: 'AES_CM_128_HMAC_SHA1_80' });
  });
});

describe('createCaptureStreams', () => {
  function parts() {
    const stopped: StreamCapture[] = [];
    const closedInband: StreamCapture[] = [];
    const persisted: number[] = [];
    const failures: CaptureFailures = {
      fail() {},
      firstPacket() {},
      watchForMedia() {},
      stopWatching: (stream) => stopped.push(stream),
    };
    const streams = createCaptureStreams({
      host: '127.0.0.1',
      clock: { now: () => 0 },
      logger: recordingLogger(),
      failures,
      journal: {
        persist: (s) => {
          persisted.push(s.streams.size);
          return null;
        },
      },
      controls: { onPacket() {}, closeStream: (stream) => closedInband.push(stream) },
    });
    return { streams, stopped, closedInband, persisted };
  }

  it('tears every stream down: no-media watch, sockets, in-band decoders, journal', async () => {
    const { streams, stopped, closedInband } = parts();
    const writers = [memoryWriter(), memoryWriter()];
    let socketsClosed = 0;
    const capture = {
      close: () => {
        socketsClosed++;
        return Promise.resolve();
      },
    } as never;
    const a = streamCapture({ writer: writers[0]!, capture });
    const b = streamCapture({ writer: writers[1]!, capture: null });
    await streams.closeAll(
      sessionCapture({
        streams: new Map([
          [0, a],
          [1, b],
        ]),
      }),
    );
    expect(stopped).toEqual([a, b]);
    expect(closedInband).toEqual([a, b]);
    expect(socketsClosed).toBe(1);
    expect(writers.map((w) => w.closed)).toEqual([true, true]);
  });

  it('skips streams it cannot capture and still writes session.json', async () => {
    const { streams, persisted } = parts();
    const s = sessionCapture({ streams: new Map() });
    await streams.apply(
      { ...s },
      {
        ...s.last,
        streams: [
          answeredStream({ accepted: false, localPort: 0 }),
          answeredStream({ media: 'video' }),
        ],
      },
    );
    expect(s.streams.size).toBe(0);
    expect(persisted).toEqual([0]);
  });
});
