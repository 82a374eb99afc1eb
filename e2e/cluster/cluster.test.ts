// Callvault as a cluster (docs/cluster.md, deploy/): SIPp's SIPREC calls go to Kamailio, whose
// dispatcher spreads them over two recorder processes (127.0.0.2 and 127.0.0.3) and fails over on
// 503 or no answer; one API and one worker process share the PostgreSQL database, the pg-boss
// queue and an S3 bucket with them. It shows that
//   - calls spread over both recorders and each becomes exactly one recording, listed once;
//   - a control (pause, resume) through the API process and its /api/events stream work for a
//     call whichever recorder holds it;
//   - a recorder draining on SIGTERM gets no new call (all go to the other, none fails) while its
//     live call is recorded to its end, and then it exits 0.
// In CI (CI=true) a missing Kamailio, SIPp, Swift or PostgreSQL fails the suite instead of
// skipping it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../support/api.js';
import {
  audioSeconds,
  recordingMetadata,
  startCluster,
  waitFor,
  type Cluster,
  type Recorder,
} from './cluster.js';
import {
  clusterPrerequisites,
  holderOf,
  placeCall,
  sippOutput,
  theRecordingOf,
  type ClusterCall,
} from './cluster-calls.js';

const missing = clusterPrerequisites('cluster suite');

/** Reads the API process's /api/events stream as `token` into `events` until stopped. */
function watchEvents(cluster: Cluster, token: string) {
  const events: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  const abort = new AbortController();
  const done = (async () => {
    const res = await fetch(`${cluster.url}/api/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done: finished } = await reader.read();
      if (finished) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
        buffer = buffer.slice(end + 2);
        if (data) events.push(JSON.parse(data) as Record<string, unknown>);
        for (const w of waiters) w();
      }
    }
  })().catch(() => undefined);
  return {
    events,
    /** Resolves once an event matches (or rejects after `timeoutMs`). */
    until(match: (e: Record<string, unknown>) => boolean, timeoutMs: number): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (events.some(match)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event in ${JSON.stringify(events.slice(-10))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop() {
      abort.abort();
      await done;
    },
  };
}

describe.skipIf(missing !== null)('Callvault as a cluster behind Kamailio', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster();
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 120_000);

  it('spreads calls over both recorders; each call becomes exactly one recording, listed once', async () => {
    const calls: ClusterCall[] = [];
    const holders = new Map<string, Recorder>();
    // Two rounds of two concurrent calls: round robin gives each recorder one of each round.
    for (const round of [1, 2]) {
      const pair = [1, 2].map((n) => placeCall(cluster, `spread-${round}-${n}`, 8_000));
      for (const call of pair) {
        const { recorder } = await holderOf(cluster, call);
        holders.set(call.callId, recorder);
      }
      calls.push(...pair);
      for (const call of pair) {
        const result = await call.done;
        expect(result.code, sippOutput(result)).toBe(0);
      }
    }
    const perRecorder = cluster.recorders.map(
      (r) => [...holders.values()].filter((h) => h === r).length,
    );
    console.log(
      `calls per recorder: ${cluster.recorders.map((r, i) => `${r.address} ${perRecorder[i]}`).join(', ')}`,
    );
    expect(perRecorder.every((n) => n >= 1)).toBe(true);
    expect(perRecorder.reduce((a, b) => a + b, 0)).toBe(calls.length);

    const recordingIds = new Set<string>();
    for (const call of calls) recordingIds.add(await theRecordingOf(cluster, call.callId));
    expect(recordingIds.size).toBe(calls.length);
    // The whole list holds each of them once and nothing else.
    const { json } = await apiRequest(
      cluster.url,
      'GET',
      '/api/recordings',
      cluster.seed.admin.token,
    );
    const listed = (json.items as Array<{ id: string }>).map((i) => i.id);
    expect(listed.filter((id) => recordingIds.has(id)).sort()).toEqual([...recordingIds].sort());
    expect(listed.length).toBe(recordingIds.size);
  }, 600_000);

  it('pauses and resumes a call through the API process, seen on /api/events, on either recorder', async () => {
    const carol = cluster.seed.people.find((p) => p.email === 'carol@example.com')!;
    const covered = new Set<Recorder>();
    for (let attempt = 0; attempt < 6 && covered.size < cluster.recorders.length; attempt++) {
      const watch = watchEvents(cluster, carol.token);
      const call = placeCall(cluster, `control-${attempt}`, 12_000, carol.email);
      const { recorder } = await holderOf(cluster, call);
      if (covered.has(recorder)) {
        // Already shown on this recorder: let the call end and try for the other one.
        await call.done;
        await watch.stop();
        continue;
      }
      const control = async (op: string): Promise<number> =>
        (
          await apiRequest(cluster.url, 'POST', `/v1/telephony/calls/${op}`, carol.token, {
            callId: call.callId,
          })
        ).status;
      const ofCall = (state: string) => (e: Record<string, unknown>) =>
        e['callId'] === call.callId && e['recordingState'] === state;
      // The API process knows the call once the recorder's live-call mirror wrote it (the
      // recorder logs the ACK first): as carol, the owner, it is among her calls.
      const listed = await waitFor(async () => {
        const { json } = await apiRequest(cluster.url, 'GET', '/v1/telephony/calls', carol.token);
        return (json.items as Array<{ id: string }>).some((c) => c.id === call.callId)
          ? true
          : null;
      }, 60_000);
      expect(listed, `${call.callId} never listed by the API process`).toBe(true);
      expect(await control('pauseRecording')).toBe(204);
      await watch.until(ofCall('paused'), 30_000);
      expect(await control('resumeRecording')).toBe(204);
      await watch.until(ofCall('started'), 30_000);
      const result = await call.done;
      await watch.stop();
      expect(result.code, sippOutput(result)).toBe(0);

      const recordingId = await theRecordingOf(cluster, call.callId);
      const meta = await recordingMetadata(cluster, recordingId);
      const actions = (
        meta.serviceData.recordingActions as Array<{ action: string; source: string }>
      ).map((a) => [a.action, a.source]);
      expect(actions).toContainEqual(['PAUSE', 'api']);
      expect(actions).toContainEqual(['RESUME', 'api']);
      console.log(`pause/resume through the API worked for a call on ${recorder.address}`);
      covered.add(recorder);
    }
    expect([...covered].map((r) => r.address).sort()).toEqual(
      cluster.recorders.map((r) => r.address).sort(),
    );
  }, 600_000);

  it('a draining recorder gets no new call (none fails) and records its live call to the end', async () => {
    const LIVE_MS = 20_000;
    const live = placeCall(cluster, 'drain-live', LIVE_MS);
    const { recorder: draining } = await holderOf(cluster, live);
    const activeAt = Date.now();
    const other = cluster.recorders.find((r) => r !== draining)!;
    const kamailioLogFrom = cluster.kamailio.log().length;
    draining.proc.child.kill('SIGTERM');

    // New calls while it drains: one at once (its INVITE may still go to the draining recorder,
    // which answers 503, and Kamailio fails over), the rest after Kamailio's probe took it out.
    const first = placeCall(cluster, 'drain-new-1', 4_000);
    expect((await holderOf(cluster, first)).recorder).toBe(other);
    await cluster.kamailio.waitForLog(
      new RegExp(
        `recorder down: sip:${draining.address.replaceAll('.', '\\.')}:${draining.sipPort}`,
      ),
      60_000,
      kamailioLogFrom,
    );
    const later = [2, 3, 4].map((n) => placeCall(cluster, `drain-new-${n}`, 4_000));
    for (const call of later) expect((await holderOf(cluster, call)).recorder).toBe(other);
    for (const call of [first, ...later]) {
      const result = await call.done;
      expect(result.code, sippOutput(result)).toBe(0);
    }
    // The draining recorder is still up with its call.
    expect(draining.proc.alive()).toBe(true);

    const liveResult = await live.done;
    const byeAt = Date.now();
    expect(liveResult.code, sippOutput(liveResult)).toBe(0);
    expect(byeAt - activeAt).toBeGreaterThan(LIVE_MS - 3_000);
    expect(await draining.proc.exited).toBe(0);

    const recordingId = await theRecordingOf(cluster, live.callId);
    const seconds = await audioSeconds(cluster, recordingId);
    console.log(`${live.callId}: ${seconds.toFixed(2)} s recorded of a ${LIVE_MS / 1000} s call`);
    expect(Math.abs(seconds - LIVE_MS / 1000)).toBeLessThan(1);
    expect((await recordingMetadata(cluster, recordingId)).endReason).toBe('bye');
    for (const call of [first, ...later]) await theRecordingOf(cluster, call.callId);
  }, 600_000);
});
