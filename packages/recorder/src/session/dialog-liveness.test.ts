import { describe, expect, it } from 'vitest';
import type { SipHeader } from '../sip/message/index.js';
import {
  createDialogLivenessMemory,
  decideDialogLiveness,
  startDialogLivenessWatcher,
  type DialogEndReason,
} from './dialog-liveness.js';
import type { RecordingSessionSnapshot } from './ports.js';
import type { SessionTimerState } from './session-timer.js';

function session(
  id: string,
  o: { state?: RecordingSessionSnapshot['state']; timer?: SessionTimerState } = {},
): RecordingSessionSnapshot {
  return {
    id,
    state: o.state ?? 'active',
    streams: [],
    ...(o.timer ? { sessionTimer: o.timer } : {}),
  } as unknown as RecordingSessionSnapshot;
}

describe('dialog liveness: session timers and OPTIONS probes decide when an SRC is gone', () => {
  it('RFC 4028 §10: an unrefreshed session expires at interval − min(32 s, interval/3); sessions not yet active are left alone', () => {
    const memory = createDialogLivenessMemory();
    const timer: SessionTimerState = { intervalMs: 90_000, refresher: 'uac', refreshedAt: 0 };
    const sessions = [session('s', { timer }), session('early', { state: 'awaiting-ack', timer })];
    expect(decideDialogLiveness(sessions, memory, 59_999, 0)).toEqual([]);
    expect(decideDialogLiveness(sessions, memory, 60_000, 0)).toEqual([
      { kind: 'expire', id: 's' },
    ]);
    // A refresh (a later refreshedAt) moves the expiry.
    const refreshed = session('s', { timer: { ...timer, refreshedAt: 45_000 } });
    expect(decideDialogLiveness([refreshed], memory, 60_000, 0)).toEqual([]);
  });

  it('RFC 4028 §10: as refresher, one UPDATE at half the interval per refresh period', () => {
    const memory = createDialogLivenessMemory();
    const timer: SessionTimerState = { intervalMs: 600_000, refresher: 'uas', refreshedAt: 0 };
    expect(decideDialogLiveness([session('s', { timer })], memory, 299_999, 0)).toEqual([]);
    expect(decideDialogLiveness([session('s', { timer })], memory, 300_000, 0)).toEqual([
      {
        kind: 'refresh',
        id: 's',
        headers: [
          { name: 'Session-Expires', value: '600;refresher=uas' },
          { name: 'Supported', value: 'timer' },
        ],
      },
    ]);
    // Not again while that refresh is out or failed; once refreshed, again half an interval on.
    expect(decideDialogLiveness([session('s', { timer })], memory, 310_000, 0)).toEqual([]);
    const next = { ...timer, refreshedAt: 301_000 };
    expect(decideDialogLiveness([session('s', { timer: next })], memory, 600_000, 0)).toEqual([]);
    expect(
      decideDialogLiveness([session('s', { timer: next })], memory, 601_000, 0).map((a) => a.kind),
    ).toEqual(['refresh']);
  });

  it('probes every interval from when the session is first seen, never two at once; 0 turns probing off', () => {
    const memory = createDialogLivenessMemory();
    const s = [session('s')];
    expect(decideDialogLiveness(s, memory, 1_000, 300_000)).toEqual([]);
    expect(decideDialogLiveness(s, memory, 300_999, 300_000)).toEqual([]);
    expect(decideDialogLiveness(s, memory, 301_000, 300_000)).toEqual([{ kind: 'probe', id: 's' }]);
    expect(decideDialogLiveness(s, memory, 700_000, 300_000)).toEqual([]);
    expect(decideDialogLiveness(s, createDialogLivenessMemory(), 10_000_000, 0)).toEqual([]);
    // A session gone is forgotten.
    decideDialogLiveness([], memory, 700_000, 300_000);
    expect(memory.probes.size).toBe(0);
  });
});

describe('the dialog liveness watcher (injected clock and timer)', () => {
  function harness(answers: (method: string, count: number) => number | 'never' | 'throw') {
    let now = 0;
    let tick: (() => void) | undefined;
    let stopped = false;
    const sent: Array<{ id: string; method: string; headers: readonly SipHeader[] }> = [];
    const ended: Array<{ id: string; reason: DialogEndReason; detail: string }> = [];
    const refreshed: string[] = [];
    const errors: string[] = [];
    let sessions: RecordingSessionSnapshot[] = [];
    const stop = startDialogLivenessWatcher({
      probeIntervalMs: 2_000,
      now: () => now,
      listSessions: () => sessions,
      sendInDialog: (id, method, headers) => {
        sent.push({ id, method, headers });
        const answer = answers(method, sent.length);
        if (answer === 'never') return new Promise(() => {});
        if (answer === 'throw') return Promise.reject(new RangeError('no dialog'));
        return Promise.resolve(answer);
      },
      end: (id, reason, detail) => {
        ended.push({ id, reason, detail });
        sessions = sessions.filter((x) => x.id !== id);
      },
      refreshed: (id) => refreshed.push(id),
      onError: (id) => errors.push(id),
      every: (ms, check) => {
        expect(ms).toBe(1_000);
        tick = check;
        return () => {
          stopped = true;
        };
      },
    });
    const at = async (ms: number) => {
      now = ms;
      tick!();
      for (let i = 0; i < 3; i++) await Promise.resolve();
    };
    return {
      at,
      sent,
      ended,
      refreshed,
      errors,
      setSessions: (s: RecordingSessionSnapshot[]) => (sessions = s),
      stop: () => {
        stop();
        return stopped;
      },
    };
  }

  it('a 200, 405 or 501 to OPTIONS keeps the session; 481 ends it with probe-failed', async () => {
    const statuses = [200, 405, 501, 481];
    const h = harness((_m, n) => statuses[n - 1]!);
    h.setSessions([session('s')]);
    for (let t = 0; t <= 10_000; t += 1_000) await h.at(t);
    expect(h.sent.map((s) => s.method)).toEqual(['OPTIONS', 'OPTIONS', 'OPTIONS', 'OPTIONS']);
    expect(h.sent[0]?.headers).toEqual([{ name: 'Accept', value: 'application/sdp' }]);
    expect(h.ended).toEqual([{ id: 's', reason: 'probe-failed', detail: 'OPTIONS answered 481' }]);
    expect(h.stop()).toBe(true);
  });

  it('RFC 3261 §12.2.1.2: a 408 (the transaction timed out) ends the session with probe-failed', async () => {
    const h = harness(() => 408);
    h.setSessions([session('s')]);
    await h.at(0);
    await h.at(2_000);
    expect(h.ended).toEqual([{ id: 's', reason: 'probe-failed', detail: 'no answer to OPTIONS' }]);
  });

  it('a probe still waiting for its answer is not doubled; one that could not be sent is retried an interval later', async () => {
    const never = harness(() => 'never');
    never.setSessions([session('s')]);
    for (let t = 0; t <= 20_000; t += 1_000) await never.at(t);
    expect(never.sent).toHaveLength(1);

    const failing = harness(() => 'throw');
    failing.setSessions([session('s')]);
    for (let t = 0; t <= 5_000; t += 1_000) await failing.at(t);
    expect(failing.sent).toHaveLength(2);
    expect(failing.errors).toEqual(['s', 's']);
    expect(failing.ended).toEqual([]);
  });

  it('RFC 4028 §10: expiry ends with session-timer; our refresh answered 2xx restarts the timer, 481 ends it', async () => {
    const h = harness(() => 200);
    const timer: SessionTimerState = { intervalMs: 90_000, refresher: 'uas', refreshedAt: 0 };
    h.setSessions([session('r', { timer })]);
    await h.at(45_000);
    expect(h.sent.filter((s) => s.method === 'UPDATE')).toHaveLength(1);
    expect(h.refreshed).toEqual(['r']);

    const gone = harness((method) => (method === 'UPDATE' ? 481 : 200));
    gone.setSessions([session('r', { timer })]);
    await gone.at(45_000);
    expect(gone.ended).toEqual([
      { id: 'r', reason: 'session-timer', detail: 'the session refresh was answered 481' },
    ]);

    const expired = harness(() => 200);
    expired.setSessions([
      session('e', { timer: { intervalMs: 90_000, refresher: 'uac', refreshedAt: 0 } }),
    ]);
    await expired.at(59_000);
    expect(expired.ended).toEqual([]);
    await expired.at(60_000);
    expect(expired.ended).toEqual([
      {
        id: 'e',
        reason: 'session-timer',
        detail: 'no session refresh before the interval ran out',
      },
    ]);
  });
});
