// GET /api/sessions (issue #5 §9): the SIPREC sessions this process is recording now, for the
// administrators of their org. Read from the in-memory registry; nothing touches the database.
import type { RecordingSessionSnapshot } from '@callvault/recorder';
import { assertCan } from '../policy/policy.js';
import type { Actor } from '../policy/actor.js';
import type { SessionRegistry } from './session-registry.js';

export interface SessionView {
  readonly id: string;
  readonly callId: string;
  readonly state: string;
  readonly ownership: string;
  readonly startedAt: string;
  readonly trunk: { readonly id: string; readonly name: string };
  readonly source: string;
  readonly parties: Array<{
    readonly id: string;
    readonly aor: string | null;
    readonly name: string | null;
    readonly placeholder: boolean;
  }>;
  readonly owners: Array<{
    readonly type: string;
    readonly id: string;
    readonly displayName: string;
    readonly mode: string;
    readonly matchedBy: string;
  }>;
  readonly streams: Array<{
    readonly label: string | null;
    readonly port: number;
    readonly protocol: string;
    readonly codec: string | null;
    readonly direction: string;
  }>;
  readonly metadataRevisions: number;
}

export function presentSession(s: RecordingSessionSnapshot): SessionView {
  return {
    id: s.id,
    callId: s.callId,
    state: s.state,
    ownership: s.ownership,
    startedAt: new Date(s.startedAt).toISOString(),
    trunk: { id: s.trunkId, name: s.trunkName },
    source: `${s.source.transport}:${s.source.address}:${s.source.port}`,
    parties: s.parties.map((p) => ({
      id: p.id,
      aor: p.aor ?? null,
      name: p.name ?? null,
      placeholder: p.placeholder,
    })),
    owners: s.owners.map((o) => ({
      type: o.kind,
      id: o.id,
      displayName: o.displayName,
      mode: o.mode,
      matchedBy: o.matchedBy,
    })),
    streams: s.streams.map((st) => ({
      label: st.label ?? null,
      port: st.localPort,
      protocol: st.protocol,
      codec: st.codec?.name ?? null,
      direction: st.direction,
    })),
    metadataRevisions: s.metadataRevisions.length,
  };
}

/** Administrators of the org (full, read-only, partner acting on it) see its live sessions. */
export function listActiveSessions(registry: SessionRegistry | null, actor: Actor): SessionView[] {
  assertCan(actor, 'session.read', { orgId: actor.orgId });
  return registry ? registry.listByOrg(actor.orgId).map(presentSession) : [];
}
