// The recorder's RecordingSink on the server side: an in-memory registry of the SIPREC sessions
// this process has open (for GET /api/sessions) that also feeds the Prometheus metrics and writes
// each session's outcome to the log. Recorders keep no state another process needs after a call
// (SPEC §10), so nothing here is persisted; the media issue adds the recording itself.
import {
  sdesKeyExposure,
  type RecordingRequestOutcome,
  type RecordingSessionClosed,
  type RecordingSessionSnapshot,
  type RecordingSink,
} from '@callvault/recorder';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createLiveCallHub, type LiveCallHub } from '../telephony/live-calls.js';

export interface SessionRegistry extends RecordingSink {
  /** Open sessions of one org, oldest first. */
  listByOrg(orgId: string): RecordingSessionSnapshot[];
  /** Every open session (all orgs). */
  list(): RecordingSessionSnapshot[];
  /** The last sessions closed (most recent last), kept briefly for operators and tests. */
  listRecentlyClosed(orgId: string): RecordingSessionClosed[];
  /** Counts an unreadable SIP message seen by the transport layer. */
  countSipParseErrors(count: number): void;
  /** The live recording state of these sessions' calls (the capture sink drives it). */
  readonly calls: LiveCallHub;
}

export function createSessionRegistry(
  deps: { metrics?: Metrics; logger?: Logger; keepClosed?: number } = {},
): SessionRegistry {
  const open = new Map<string, RecordingSessionSnapshot>();
  const closed: RecordingSessionClosed[] = [];
  const keepClosed = deps.keepClosed ?? 100;
  const metrics = deps.metrics;
  const calls = createLiveCallHub();

  /** Sessions already counted as having sent SDES keys in clear (once per session). */
  const keysInClear = new Set<string>();
  const checkKeyExposure = (session: RecordingSessionSnapshot): void => {
    if (keysInClear.has(session.id)) return;
    const exposure = sdesKeyExposure(session.source.transport, session.streams);
    if (!exposure.keysSentInClear) return;
    keysInClear.add(session.id);
    metrics?.srtpKeysInClear.inc({ transport: session.source.transport });
    deps.logger?.warn(
      { callId: session.callId, orgId: session.orgId, suites: exposure.suites },
      `SRTP keys of this session were signalled over ${session.source.transport}, not TLS: ` +
        'anyone on the signalling path can decrypt its media',
    );
  };

  const byStart = (a: RecordingSessionSnapshot, b: RecordingSessionSnapshot): number =>
    a.startedAt - b.startedAt || a.id.localeCompare(b.id);

  return {
    sessionOpened(session) {
      open.set(session.id, session);
      checkKeyExposure(session);
      metrics?.siprecSessionsActive.set(open.size);
    },
    sessionUpdated(session) {
      if (open.has(session.id)) open.set(session.id, session);
      checkKeyExposure(session);
    },
    sessionClosed(session) {
      open.delete(session.id);
      keysInClear.delete(session.id);
      closed.push(session);
      if (closed.length > keepClosed) closed.splice(0, closed.length - keepClosed);
      metrics?.siprecSessionsActive.set(open.size);
      deps.logger?.info(
        {
          callId: session.callId,
          orgId: session.orgId,
          kept: session.kept,
          owners: session.owners.map((o) => `${o.kind}:${o.id}`),
          durationMs: session.endedAt - session.startedAt,
        },
        `SIPREC session ended (${session.endReason}): ${session.outcome}`,
      );
    },
    requestAnswered(outcome: RecordingRequestOutcome) {
      metrics?.siprecInviteOutcomes.inc({
        method: outcome.method,
        status: String(outcome.status),
        kind: outcome.initial ? 'initial' : 'in-dialog',
      });
      if (outcome.bodyError) metrics?.siprecParseErrors.inc({ part: outcome.bodyError.part });
    },
    listByOrg: (orgId) => [...open.values()].filter((s) => s.orgId === orgId).sort(byStart),
    list: () => [...open.values()].sort(byStart),
    listRecentlyClosed: (orgId) => closed.filter((s) => s.orgId === orgId),
    countSipParseErrors(count) {
      if (count > 0) metrics?.siprecParseErrors.inc({ part: 'sip' }, count);
    },
    calls,
  };
}
