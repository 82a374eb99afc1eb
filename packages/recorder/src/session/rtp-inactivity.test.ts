import { describe, expect, it } from 'vitest';
import { buildSdpAnswer, parseSdp, type SdpDirection } from '../sdp/index.js';
import type { RecordingSessionSnapshot } from './ports.js';
import {
  findInactiveSessions,
  startRtpInactivityWatcher,
  type HoldMemory,
} from './rtp-inactivity.js';

function session(
  id: string,
  o: { state?: RecordingSessionSnapshot['state']; onHold?: boolean } = {},
): RecordingSessionSnapshot {
  return {
    id,
    state: o.state ?? 'active',
    streams: [{ accepted: true, media: 'audio', onHold: o.onHold ?? false }],
  } as unknown as RecordingSessionSnapshot;
}

describe('rtp-inactivity: a session whose SRC vanished ends', () => {
  it('silent for the timeout: ended; media within it, not yet active, or unknown: kept', () => {
    const last: Record<string, number> = { silent: 1_000, talking: 59_500, early: 0 };
    const ids = findInactiveSessions(
      [
        session('silent'),
        session('talking'),
        session('early', { state: 'awaiting-ack' }),
        session('unknown'),
      ],
      (id) => last[id],
      new Map(),
      61_000,
      60_000,
    );
    expect(ids).toEqual(['silent']);
    // One millisecond short of the timeout is not yet silence.
    expect(findInactiveSessions([session('s')], () => 1_001, new Map(), 61_000, 60_000)).toEqual(
      [],
    );
  });

  it('a held call is excepted, and the silence counts from the end of the hold', () => {
    const held: HoldMemory = new Map();
    const lastMedia = () => 0;
    expect(
      findInactiveSessions([session('h', { onHold: true })], lastMedia, held, 100_000, 60_000),
    ).toEqual([]);
    expect(held.get('h')).toBe(100_000);
    // Resumed without media yet: 30 s after the hold was last seen is not a timeout ...
    expect(findInactiveSessions([session('h')], lastMedia, held, 130_000, 60_000)).toEqual([]);
    // ... 60 s after it is.
    expect(findInactiveSessions([session('h')], lastMedia, held, 160_000, 60_000)).toEqual(['h']);
    // A session gone is forgotten.
    findInactiveSessions([], lastMedia, held, 170_000, 60_000);
    expect(held.size).toBe(0);
  });

  it.each<[SdpDirection | 'c=0.0.0.0', boolean]>([
    ['sendonly', false],
    ['recvonly', true],
    ['inactive', true],
    ['c=0.0.0.0', true],
  ])(
    'RFC 3264 §8.4: a (re-)offer from the SRC with %s: held (no media is due) = %s',
    (how, held) => {
      const offer = parseSdp(
        [
          'v=0',
          'o=SRC 1 2 IN IP4 192.0.2.1',
          's=-',
          `c=IN IP4 ${how === 'c=0.0.0.0' ? '0.0.0.0' : '192.0.2.1'}`,
          't=0 0',
          'm=audio 4000 RTP/AVP 0',
          `a=${how === 'c=0.0.0.0' ? 'sendonly' : how}`,
          'm=audio 4002 RTP/AVP 0',
          `a=${how === 'c=0.0.0.0' ? 'sendonly' : how}`,
          '',
        ].join('\r\n'),
      );
      let port = 30000;
      const answer = buildSdpAnswer(offer, {
        localAddress: '192.0.2.10',
        allocatePortPair: () => (port += 2),
        randomBytes: (n) => new Uint8Array(n).fill(1),
      });
      const snapshot = {
        id: 's',
        state: 'active',
        streams: answer.streams,
      } as unknown as RecordingSessionSnapshot;
      // Silent for two minutes against a 60 s timeout.
      expect(findInactiveSessions([snapshot], () => 0, new Map(), 120_000, 60_000)).toEqual(
        held ? [] : ['s'],
      );
    },
  );

  it('the watcher checks on its timer and ends each silent session once per check; 0 turns it off', () => {
    let now = 0;
    let run: (() => void) | undefined;
    let interval = 0;
    const ended: Array<[string, number]> = [];
    const stop = startRtpInactivityWatcher({
      timeoutMs: 2_000,
      now: () => now,
      listSessions: () => [session('a')],
      lastMediaAt: () => 500,
      end: (id, silentMs) => ended.push([id, silentMs]),
      every: (ms, check) => {
        interval = ms;
        run = check;
        return () => (run = undefined);
      },
    });
    expect(interval).toBe(500);
    now = 2_000;
    run?.();
    expect(ended).toEqual([]);
    now = 2_600;
    run?.();
    expect(ended).toEqual([['a', 2_100]]);
    stop();
    expect(run).toBeUndefined();
    let started = false;
    startRtpInactivityWatcher({
      timeoutMs: 0,
      now: () => 0,
      listSessions: () => [],
      lastMediaAt: () => undefined,
      end: () => {},
      every: () => {
        started = true;
        return () => {};
      },
    });
    expect(started).toBe(false);
  });
});
