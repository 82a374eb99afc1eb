// SIPREC calls through Kamailio: SIPp's client scenario (e2e/sip/fixtures/siprec_uac.xml, the
// two-party conversation as PCMU) made a proper UAC behind a proxy — it keeps the route set of the
// 200 OK (Record-Route: Kamailio) and sends ACK and BYE to the recorder's Contact along that
// route — so in-dialog requests reach the recorder that holds the call through Kamailio. With an
// `owner`, the recorded party is that person of the demo seed (its recording mode applies).
import fs from 'node:fs';
import path from 'node:path';
import { runSipp, sippFixtures, findFreePort, type SippRun } from '../sip/sipp.js';
import { expect } from 'vitest';
import { findS3TestServerProblem } from '../../packages/server/src/storage/s3-test-server.js';
import { requiredInCi, sippProblem } from '../faults/prerequisites.js';
import {
  KAMAILIO,
  recordingsOfCall,
  sleep,
  waitFor,
  type Cluster,
  type Recorder,
} from './cluster.js';

const base = fs.readFileSync(path.join(sippFixtures, 'siprec_uac.xml'), 'utf8');

/** siprec_uac.xml with the route set kept and used (RFC 3261 §12.2.1.1), for `ownerAor`. */
function routedScenario(ownerAor: string): string {
  const replace = (text: string, from: string, to: string): string => {
    if (!text.includes(from)) throw new Error(`siprec_uac.xml changed: no "${from}"`);
    return text.replaceAll(from, to);
  };
  let text = replace(
    base,
    '<recv response="200" rtd="setup" crlf="true">',
    '<recv response="200" rtd="setup" crlf="true" rrs="true">',
  );
  for (const method of ['ACK', 'BYE']) {
    text = replace(
      text,
      `      ${method} sip:[service]@[remote_ip]:[remote_port] SIP/2.0\n`,
      `      ${method} [next_url] SIP/2.0\n      [routes]\n`,
    );
  }
  return replace(text, 'aor="sip:alice@example.com"', `aor="${ownerAor}"`);
}

export interface ClusterCall {
  readonly callId: string;
  /** SIPp's exit: 0 when the call went through INVITE, media, BYE and its 200. */
  readonly done: Promise<SippRun>;
}

let rows = 0;

/** Starts one SIPREC call to Kamailio lasting `durationMs` from the ACK to the SRC's BYE. */
export function placeCall(
  cluster: Cluster,
  name: string,
  durationMs: number,
  owner = 'alice@example.com',
): ClusterCall {
  const row = ++rows;
  const callId = `cv-cluster-${name}-${process.pid}@127.0.0.1`;
  const ids = fs.readFileSync(path.join(sippFixtures, 'siprec_ids.csv'), 'utf8').split('\n');
  const inf = path.join(cluster.workDir, `ids-${name}.csv`);
  fs.writeFileSync(inf, `SEQUENTIAL\n${ids[row]}\n`);
  const scenario = path.join(cluster.workDir, `siprec_uac_routed_${name}.xml`);
  fs.writeFileSync(scenario, routedScenario(`sip:${owner}`));
  const done = (async () =>
    runSipp({
      target: `${cluster.sip.host}:${cluster.sip.port}`,
      transport: 'udp',
      timeoutMs: 180_000,
      args: [
        ...['-sf', scenario, '-inf', inf, '-s', 'srs', '-cid_str', callId],
        ...['-mi', '127.0.0.1', '-mp', String(await findFreePort())],
        ...['-m', '1', '-d', String(durationMs)],
        ...['-timeout', '150s', '-timeout_error'],
      ],
    }))();
  return { callId, done };
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Waits until a recorder logs the call active (its ACK arrived) and tells which one; checks that
 * Kamailio routed the call's INVITE to that recorder. Throws with SIPp's and Kamailio's output
 * when no recorder does within the time.
 */
export async function holderOf(
  cluster: Cluster,
  call: ClusterCall,
): Promise<{ recorder: Recorder }> {
  const active = new RegExp(
    `"callId":"${escape(call.callId)}"[^\n]*ACK received: the session is active`,
  );
  let recorder: Recorder;
  try {
    recorder = await Promise.any(
      cluster.recorders.map((r) => r.proc.waitForLog(active, 120_000).then(() => r)),
    );
  } catch {
    const sipp = await Promise.race([
      call.done.then((r) => sippOutput(r)),
      new Promise<string>((resolve) => setTimeout(() => resolve('(SIPp still running)'), 100)),
    ]);
    throw new Error(
      `${call.callId} was never active on a recorder\nSIPp: ${sipp}\nKamailio: ${cluster.kamailio
        .log()
        .slice(-2000)}`,
    );
  }
  expect(cluster.kamailio.log()).toContain(
    `SIPREC ${call.callId} to sip:srs@${recorder.address}:${recorder.sipPort}`,
  );
  return { recorder };
}

export const sippOutput = (run: SippRun): string =>
  `${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`;

/**
 * Why a cluster suite cannot run here (Kamailio, SIPp, Swift or PostgreSQL missing), or null; in
 * CI a missing one fails the suite instead of skipping it.
 */
export function clusterPrerequisites(suite: string): string | null {
  return requiredInCi(
    suite,
    fs.existsSync(KAMAILIO) ? null : 'Kamailio (Debian package kamailio) is not installed',
    sippProblem(),
    findS3TestServerProblem(),
  );
}

/**
 * Waits for the call's recording and returns its id; fails when there is none within `timeoutMs`,
 * or more than one, also at a second look a second later (after the worker had time for any
 * duplicate).
 */
export async function theRecordingOf(
  cluster: Cluster,
  callId: string,
  timeoutMs = 180_000,
): Promise<string> {
  const ids = await waitFor(
    async () => {
      const found = await recordingsOfCall(cluster, callId);
      return found.length > 0 ? found : null;
    },
    timeoutMs,
    500,
  );
  expect(ids, `${callId} was not recorded`).not.toBeNull();
  expect(ids, `${callId} listed more than once`).toHaveLength(1);
  await sleep(1_000);
  expect(await recordingsOfCall(cluster, callId)).toEqual(ids);
  return ids![0]!;
}
