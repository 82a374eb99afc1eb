// The soak's verdict, from what the run saw (pure: no I/O). Every call is followed from SIPp's log
// (placed, answered or rejected, how it ended) to the catalogue (its recordings, listed through
// the API and matched by SIP Call-ID, and its capture failures). The targets:
//
//   1. every answered call is recorded in full (its recordings hold the call's audio, within
//      FULL_TOLERANCE_S) or its failure is reported (a capture failure, or a recording marked
//      `recovered` after a crash);
//   2. audio is lost only within fault windows: a call that lost audio overlaps a fault, from the
//      fault's start to FAULT_GRACE_MS after its end (a call length after it when serve restarted:
//      the SRC's media of the calls that were up keeps coming that long), during its life (the
//      INVITE to FINALIZE_GRACE_MS after its audio ended: it is stored then);
//   3. memory is flat: the median RSS of serve in the last quarter of the calls is at most
//      `rssGrowthLimit` times that of the first quarter, leaving out the first call length after
//      each start of serve (the load ramps up then).
import type { FaultWindow } from './faults.js';
import type { CallLogLine } from './scenario.js';
import type { RssSample, ServeEvent } from './serve.js';
import { round } from './util.js';

export const FULL_TOLERANCE_S = 1.5;
export const FAULT_GRACE_MS = 10_000;
export const FINALIZE_GRACE_MS = 60_000;

export interface RecordingSeen {
  readonly id: string;
  readonly callId: string | null;
  readonly durationSeconds: number;
  /** The recording says why it is short: recovered after a crash, or ended by a shutdown. */
  readonly recovered: boolean;
}

export interface FailureSeen {
  readonly callId: string;
  readonly reason: string;
  readonly failedAt: string;
}

export interface AnalysisInput {
  readonly calls: readonly CallLogLine[];
  readonly audioSecondsPerCall: number;
  readonly recordings: readonly RecordingSeen[];
  readonly failures: readonly FailureSeen[];
  readonly faults: readonly FaultWindow[];
  readonly serveEvents: readonly ServeEvent[];
  readonly rss: readonly RssSample[];
  readonly trafficStartMs: number;
  readonly trafficEndMs: number;
  readonly callLengthS: number;
  readonly rssGrowthLimit: number;
}

export type CallVerdict =
  'full' | 'reported-failure' | 'reported-recovered' | 'unreported-partial' | 'unreported-missing';

export interface CallResult {
  readonly callId: string;
  readonly startMs: number;
  readonly answeredMs: number | null;
  /** 200, a rejection's status, `timeout` (no final response) or `aborted` (SIPp gave up). */
  readonly sip: string;
  /** How the call ended: BYE_OK, BYE_481, BYE_TIMEOUT, REMOTE_BYE, or none (aborted). */
  readonly end: string;
  readonly expectedS: number;
  readonly recordedS: number;
  readonly recordings: number;
  readonly failures: readonly string[];
  readonly verdict: CallVerdict | null;
  readonly lostS: number;
  /** Recorded beyond the call's audio (and the tolerance): another call's media mixed in, or a
   * recording twice. */
  readonly excessS: number;
  /** The fault (index into faults) or `unplanned-exit` or `none` the loss is put down to. */
  readonly lossWindow: number | 'unplanned-exit' | 'none' | null;
}

interface Window {
  readonly startMs: number;
  readonly endMs: number;
}

const overlaps = (a: Window, b: Window) => a.startMs <= b.endMs && b.startMs <= a.endMs;

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Serve's outages the run did not cause, outside every fault: its exit to a call length after
 * its next ready (the stale media, as after a fault).
 */
export function unplannedOutages(
  events: readonly ServeEvent[],
  faults: readonly FaultWindow[],
  endMs: number,
  callLengthMs: number,
): Window[] {
  const outages: Window[] = [];
  for (const exit of events.filter(
    (e) => e.kind === 'exit' && e.expected === false && !e.beforeReady,
  )) {
    const ready = events.find((e) => e.kind === 'ready' && e.atMs > exit.atMs);
    const outage = { startMs: exit.atMs, endMs: (ready?.atMs ?? endMs) + callLengthMs };
    const inFault = faults.some(
      (f) => exit.atMs >= f.startMs && exit.atMs <= f.endMs + FAULT_GRACE_MS,
    );
    if (!inFault) outages.push(outage);
  }
  return outages;
}

export function analyse(input: AnalysisInput) {
  const byCall = new Map<string, CallLogLine[]>();
  for (const line of input.calls) {
    const lines = byCall.get(line.callId);
    if (lines) lines.push(line);
    else byCall.set(line.callId, [line]);
  }
  const recordingsByCall = new Map<string, RecordingSeen[]>();
  for (const r of input.recordings) {
    if (r.callId === null) continue;
    const list = recordingsByCall.get(r.callId);
    if (list) list.push(r);
    else recordingsByCall.set(r.callId, [r]);
  }
  const failuresByCall = new Map<string, string[]>();
  for (const f of input.failures) {
    failuresByCall.set(f.callId, [...(failuresByCall.get(f.callId) ?? []), f.reason]);
  }
  // After serve restarted, the SRC still sends the media of the calls that were up for at most a
  // call length, to ports the new process may have given to new calls: the aftermath of the
  // fault lasts that long.
  const faultSpans = input.faults.map((f) => ({
    startMs: f.startMs,
    endMs:
      f.endMs +
      (f.kind === 'kill9' || f.kind === 'sigterm' || f.serveCrashes > 0
        ? Math.max(FAULT_GRACE_MS, input.callLengthS * 1000)
        : FAULT_GRACE_MS),
  }));
  const outages = unplannedOutages(
    input.serveEvents,
    input.faults,
    input.trafficEndMs,
    input.callLengthS * 1000,
  );

  const results: CallResult[] = [];
  for (const [callId, lines] of byCall) {
    const start = lines.find((l) => l.event === 'START');
    if (!start) continue; // the log began mid-call: cannot happen with one SIPp run
    const answered = lines.find((l) => l.event === 'ANSWERED');
    const rejected = lines.find((l) => l.event === 'REJECTED');
    const noAnswer = lines.find((l) => l.event === 'NOANSWER');
    const end = lines.find((l) =>
      ['BYE_OK', 'BYE_481', 'BYE_TIMEOUT', 'REMOTE_BYE'].includes(l.event),
    );
    const sip = answered
      ? '200'
      : rejected
        ? (/^\d{3}/.exec(rejected.detail)?.[0] ?? 'rejected')
        : noAnswer
          ? 'timeout'
          : 'aborted';
    const recordings = recordingsByCall.get(callId) ?? [];
    const failures = failuresByCall.get(callId) ?? [];
    const recordedS = recordings.reduce((s, r) => s + r.durationSeconds, 0);
    let verdict: CallVerdict | null = null;
    let lostS = 0;
    let excessS = 0;
    let lossWindow: CallResult['lossWindow'] = null;
    const expectedS = answered ? input.audioSecondsPerCall : 0;
    if (answered) {
      if (recordedS >= expectedS - FULL_TOLERANCE_S) verdict = 'full';
      else if (failures.length > 0) verdict = 'reported-failure';
      else if (recordings.some((r) => r.recovered)) verdict = 'reported-recovered';
      else if (recordings.length > 0) verdict = 'unreported-partial';
      else verdict = 'unreported-missing';
      excessS = Math.max(0, recordedS - expectedS - FULL_TOLERANCE_S);
      if (verdict !== 'full') {
        lostS = Math.max(0, expectedS - recordedS);
        const life = {
          startMs: start.atMs,
          endMs: answered.atMs + expectedS * 1000 + FINALIZE_GRACE_MS,
        };
        const fault = faultSpans.findIndex((w) => overlaps(w, life));
        lossWindow =
          fault >= 0 ? fault : outages.some((w) => overlaps(w, life)) ? 'unplanned-exit' : 'none';
      }
    }
    results.push({
      callId,
      startMs: start.atMs,
      answeredMs: answered?.atMs ?? null,
      sip,
      end: end?.event ?? 'none',
      expectedS,
      recordedS,
      recordings: recordings.length,
      failures,
      verdict,
      lostS,
      excessS,
      lossWindow,
    });
  }

  const count = <T extends string>(values: readonly T[]): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
    return counts;
  };
  const answered = results.filter((r) => r.answeredMs !== null);
  const sip = {
    placed: results.length,
    answered200: answered.length,
    rejected503: results.filter((r) => r.sip === '503').length,
    rejectedOther: count(
      results
        .filter((r) => /^\d{3}$/.test(r.sip) && r.sip !== '200' && r.sip !== '503')
        .map((r) => r.sip),
    ),
    timeouts: results.filter((r) => r.sip === 'timeout').length,
    abortedBySipp: results.filter((r) => r.sip === 'aborted').length,
    answeredCallEnds: count(answered.map((r) => r.end)),
  };
  const knownCalls = new Set(results.map((r) => r.callId));
  const answeredCalls = new Set(answered.map((r) => r.callId));
  const verdicts = count(answered.map((r) => r.verdict ?? 'none'));
  const expectedS = answered.reduce((s, r) => s + r.expectedS, 0);
  const recordedS = answered.reduce((s, r) => s + r.recordedS, 0);
  const lostS = answered.reduce((s, r) => s + r.lostS, 0);
  const withinCallS = answered.reduce((s, r) => s + Math.min(r.recordedS, r.expectedS), 0);
  const longer = answered.filter((r) => r.excessS > 0);
  const lostIn = (w: CallResult['lossWindow']) =>
    round(
      answered.filter((r) => r.lossWindow === w).reduce((s, r) => s + r.lostS, 0),
      1,
    );
  const faults = input.faults.map((f, i) => {
    const lost = answered.filter((r) => r.lossWindow === i);
    return {
      kind: f.kind,
      startS: round((f.startMs - input.trafficStartMs) / 1000),
      windowS: round((f.endMs - f.startMs) / 1000),
      detail: f.detail,
      ...(f.error ? { error: f.error } : {}),
      serveCrashes: f.serveCrashes,
      callsWithLoss: lost.length,
      lostAudioS: lostIn(i),
      reportedFailures: lost.filter((r) => r.verdict?.startsWith('reported')).length,
      unreported: lost.filter((r) => r.verdict?.startsWith('unreported')).length,
    };
  });
  const unattributedLostS = round(lostIn('none') + lostIn('unplanned-exit'), 1);

  // Memory: the traffic's first and last quarters, without the ramp after each start of serve.
  const readies = input.serveEvents.filter((e) => e.kind === 'ready').map((e) => e.atMs);
  const warmupMs = input.callLengthS * 1000;
  const steady = input.rss.filter(
    (s) =>
      s.atMs >= input.trafficStartMs &&
      s.atMs <= input.trafficEndMs &&
      !readies.some((r) => s.atMs >= r && s.atMs < r + warmupMs),
  );
  const quarterMs = (input.trafficEndMs - input.trafficStartMs) / 4;
  const firstQuarter = steady.filter((s) => s.atMs < input.trafficStartMs + quarterMs);
  const lastQuarter = steady.filter((s) => s.atMs > input.trafficEndMs - quarterMs);
  const firstMiB = median(firstQuarter.map((s) => s.rssKiB / 1024));
  const lastMiB = median(lastQuarter.map((s) => s.rssKiB / 1024));
  const growth = firstMiB !== null && lastMiB !== null ? lastMiB / firstMiB : null;
  const allMiB = input.rss.map((s) => s.rssKiB / 1024);
  const memory = {
    samples: input.rss.length,
    samplesUsed: { firstQuarter: firstQuarter.length, lastQuarter: lastQuarter.length },
    firstQuarterMedianMiB: firstMiB === null ? null : round(firstMiB),
    lastQuarterMedianMiB: lastMiB === null ? null : round(lastMiB),
    growth: growth === null ? null : round(growth, 3),
    minMiB: allMiB.length ? round(Math.min(...allMiB)) : null,
    maxMiB: allMiB.length ? round(Math.max(...allMiB)) : null,
    serveStarts: readies.length,
  };

  const unreported = (verdicts['unreported-partial'] ?? 0) + (verdicts['unreported-missing'] ?? 0);
  const targets = {
    everyAnsweredCallRecordedOrReported: {
      pass: answered.length > 0 && unreported === 0,
      unreportedCalls: unreported,
    },
    audioLostOnlyInFaultWindows: {
      pass: answered.length > 0 && unattributedLostS === 0,
      lostOutsideFaultWindowsS: unattributedLostS,
      lostInUnplannedServeExitsS: lostIn('unplanned-exit'),
    },
    memoryFlat: {
      pass: growth !== null && growth <= input.rssGrowthLimit,
      growth: memory.growth,
      limit: input.rssGrowthLimit,
      ...(growth === null ? { why: 'no steady samples in the first or the last quarter' } : {}),
    },
  };
  return {
    sip,
    recordings: {
      listed: input.recordings.length,
      ofAnsweredCalls: answered.reduce((s, r) => s + r.recordings, 0),
      ofCallsNotSeenAnswered: input.recordings.filter(
        (r) => r.callId !== null && knownCalls.has(r.callId) && !answeredCalls.has(r.callId),
      ).length,
      ofUnknownCalls: input.recordings.filter((r) => r.callId === null || !knownCalls.has(r.callId))
        .length,
      recovered: input.recordings.filter((r) => r.recovered).length,
    },
    failures: {
      catalogued: input.failures.length,
      byReason: count(input.failures.map((f) => f.reason)),
      ofAnsweredCalls: answered.filter((r) => r.failures.length > 0).length,
    },
    answeredCalls: verdicts,
    audio: {
      perCallS: round(input.audioSecondsPerCall, 2),
      expectedS: round(expectedS),
      recordedS: round(recordedS),
      withinCallLengthsS: round(withinCallS),
      ratio: expectedS > 0 ? round(withinCallS / expectedS, 4) : null,
      callsRecordedLonger: longer.length,
      excessS: round(longer.reduce((s, r) => s + r.excessS, 0)),
      lostS: round(lostS),
      lostInFaultWindowsS: round(lostS - unattributedLostS),
      lostOutsideFaultWindowsS: unattributedLostS,
    },
    faults,
    unplannedServeExits: input.serveEvents.filter(
      (e) => e.kind === 'exit' && e.expected === false && !e.beforeReady,
    ).length,
    memory,
    targets,
    calls: results,
  };
}

export type Analysis = ReturnType<typeof analyse>;
