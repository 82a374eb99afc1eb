// A recorder of the cluster killed with SIGKILL (docs/cluster.md, Journals): its journals are
// shipped to the S3 bucket as they grow (CALLVAULT_JOURNAL_SHIP_INTERVAL, 2 s by default) and
// handed to the worker at each call's end, so
//   - every call it finished before the kill is recorded, and listed once;
//   - its call live at the kill is finalized by the worker process (not by the recorder, which
//     stays dead until the worker is done) as `recovered`, missing at most a few seconds of the
//     audio sent before the kill;
//   - its data directory holds no journal of a finished call; the live call's journal, which the
//     killed process could not remove, is handed over by the restarted recorder, and the call is
//     still listed once.
// In CI (CI=true) a missing Kamailio, SIPp, Swift or PostgreSQL fails the suite instead of
// skipping it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../support/api.js';
import {
  audioSeconds,
  recordingMetadata,
  recordingsOfCall,
  sleep,
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

const missing = clusterPrerequisites('cluster kill -9 scenario');

/** The journal directories on a recorder's disk. */
const journalsOn = (recorder: Recorder): string[] => {
  const root = path.join(recorder.dataDir, 'journal');
  return fs.existsSync(root) ? fs.readdirSync(root) : [];
};

/** Ids of the recordings listed as recovered. */
async function recoveredIds(cluster: Cluster): Promise<Set<string>> {
  const { status, json } = await apiRequest(
    cluster.url,
    'GET',
    '/api/recordings?recovered=true',
    cluster.seed.admin.token,
  );
  if (status !== 200) throw new Error(`GET /api/recordings?recovered=true answered ${status}`);
  return new Set((json.items as Array<{ id: string }>).map((i) => i.id));
}

describe.skipIf(missing !== null)('a cluster recorder killed with SIGKILL', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster();
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 120_000);

  it('loses none of its finished calls and at most a few seconds of its live one, which the worker finalizes as recovered', async () => {
    // Finished calls: two rounds of two (round robin gives each recorder one of each round).
    const finished: ClusterCall[] = [];
    const holders = new Map<string, Recorder>();
    for (const round of [1, 2]) {
      const pair = [1, 2].map((n) => placeCall(cluster, `k9-done-${round}-${n}`, 5_000));
      for (const call of pair) holders.set(call.callId, (await holderOf(cluster, call)).recorder);
      for (const call of pair) {
        const result = await call.done;
        expect(result.code, sippOutput(result)).toBe(0);
      }
      finished.push(...pair);
    }

    // Live calls, one per recorder; the holder of the first is killed mid-call.
    const live = [1, 2].map((n) => placeCall(cluster, `k9-live-${n}`, 40_000));
    const liveHolders: Recorder[] = [];
    for (const call of live) liveHolders.push((await holderOf(cluster, call)).recorder);
    const activeAt = Date.now();
    const victim = liveHolders[0]!;
    // Kamailio fails over when a recorder answers 503 (a busy machine), so both may be on it.
    const victimCalls = live.filter((_, i) => liveHolders[i] === victim);
    const survivorCalls = live.filter((_, i) => liveHolders[i] !== victim);
    expect(
      [...holders.values()].some((h) => h === victim),
      'no finished call was on the recorder to kill',
    ).toBe(true);
    // The finished calls' journals have left the victim's disk: shipped and handed over.
    const finishedOnVictim = finished.filter((c) => holders.get(c.callId) === victim);
    expect(
      await waitFor(() => Promise.resolve(journalsOn(victim).length <= 1 ? true : null), 20_000),
      `journals left on ${victim.address}: ${journalsOn(victim).join(', ')}`,
    ).toBe(true);

    await sleep(12_000);
    const killedAt = Date.now();
    victim.proc.child.kill('SIGKILL');
    expect(await victim.proc.exited).toBe(null);
    const sent = (killedAt - activeAt) / 1000;

    // Every finished call is recorded, once, and none as recovered.
    const finishedIds = new Set<string>();
    for (const call of finished)
      finishedIds.add(await theRecordingOf(cluster, call.callId, 180_000));
    expect(finishedIds.size).toBe(finished.length);

    // The worker finds the calls of the vanished recorder (no heartbeat for 30 s) and finalizes
    // what was shipped of them, while the recorder stays dead.
    const victimIds = new Set<string>();
    for (const victimCall of victimCalls) {
      const recordingId = await theRecordingOf(cluster, victimCall.callId, 120_000);
      victimIds.add(recordingId);
      expect(victim.proc.alive()).toBe(false);
      expect((await recoveredIds(cluster)).has(recordingId)).toBe(true);
      const seconds = await audioSeconds(cluster, recordingId);
      console.log(
        `${victimCall.callId}: ${seconds.toFixed(2)} s recovered by the worker of ${sent.toFixed(2)} s sent before the kill`,
      );
      expect(seconds).toBeGreaterThan(sent - 4);
      expect(seconds).toBeLessThan(sent + 1);
      const meta = await recordingMetadata(cluster, recordingId);
      expect(meta.serviceData.callId).toBe(victimCall.callId);
    }
    expect(await recoveredIds(cluster)).toEqual(victimIds);
    expect(cluster.worker.log()).toMatch(/the recorder of a live call vanished/);

    // The killed process could not remove its live call's journal; nothing else is on its disk.
    expect(journalsOn(victim)).toHaveLength(victimCalls.length);
    console.log(
      `${finishedOnVictim.length} finished call(s) on ${victim.address} before the kill; their journals had left its disk`,
    );

    // The surviving recorder's live call ends normally and is recorded whole.
    for (const call of survivorCalls) {
      const result = await call.done;
      expect(result.code, sippOutput(result)).toBe(0);
      const id = await theRecordingOf(cluster, call.callId, 180_000);
      expect((await recoveredIds(cluster)).has(id)).toBe(false);
    }
    for (const call of victimCalls) await call.done;

    // Restarted, the recorder hands over the journal it was killed with; the call stays listed
    // once (what the worker stored is not stored again), and its disk is empty.
    const restarted = victim.restart();
    await restarted.waitForLog(/Callvault started: recorder/, 120_000);
    expect(
      await waitFor(() => Promise.resolve(journalsOn(victim).length === 0 ? true : null), 60_000),
      `journals left on ${victim.address} after the restart: ${journalsOn(victim).join(', ')}`,
    ).toBe(true);
    await sleep(5_000);
    for (const call of victimCalls) {
      const ids = await recordingsOfCall(cluster, call.callId);
      expect(ids).toHaveLength(1);
      expect(victimIds.has(ids[0]!)).toBe(true);
    }
    for (const call of finished) {
      expect(await recordingsOfCall(cluster, call.callId)).toHaveLength(1);
    }
    const listed = await apiRequest(
      cluster.url,
      'GET',
      '/api/recordings',
      cluster.seed.admin.token,
    );
    expect((listed.json.items as unknown[]).length).toBe(finished.length + live.length);
  }, 600_000);
});
