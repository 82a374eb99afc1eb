// The host's side of forwarded sessions (docs/adr/0010), a RecordingSink beside the session
// registry and the capture: while a session is forwarded to an external recorder, the entities the
// vendor records it for are owners of the live call, so the call system sees their recording
// state; when the vendor's leg fails (`forward.state` failed: timeout, 4xx/5xx, stopped answering)
// the call's recording is failed with the reason exactly as a capture failure is — every owner
// `failed`, the failure with the owners' failureBehavior on /api/sessions, /v1/telephony/calls and
// /api/events — while a local recording (recordedHere) goes on. When the session closes its
// catalogue entry of kind `forwarded` is written with its audit events (forwarded-calls.service.ts).
import type {
  RecordingOwner,
  RecordingSessionClosed,
  RecordingSessionSnapshot,
  RecordingSink,
} from '@callvault/recorder';
import type { Clock } from '../clock.js';
import { isConnectionLoss } from '../db/connection-loss.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../observability/logger.js';
import { catalogueForwardedCall } from '../recordings/forwarded-calls.service.js';
import type { LiveCallHub, LiveCallOwnerInput } from '../telephony/live-calls.js';

export interface ForwardSinkDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The live calls of this recorder (the session registry's hub). */
  readonly calls: LiveCallHub;
  /** Wait between tries of a catalogue write refused by a lost database (default 2 s). */
  readonly retryMs?: number;
  /** Tries of that write before the entry is given up and logged (default 30). */
  readonly tries?: number;
}

export interface ForwardSink extends RecordingSink {
  /** Resolves once every catalogue write started so far is done (tests, shutdown). */
  settle(): Promise<void>;
}

/** The entities the vendor records the call for, as the policy's forward target named them. */
export function forwardOwnersOf(snapshot: RecordingSessionSnapshot): readonly RecordingOwner[] {
  return snapshot.forward?.owners ?? [];
}

const liveOwnerOf = (o: RecordingOwner): LiveCallOwnerInput => ({
  id: o.id,
  kind: o.kind,
  displayName: o.displayName,
  participantId: o.participantId,
  mode: o.mode,
  failureBehavior: o.failureBehavior ?? null,
});

export function createForwardSink(deps: ForwardSinkDeps): ForwardSink {
  const { calls, logger } = deps;
  /** Live calls this sink opened (no capture of the session did): it closes them. */
  const opened = new Set<string>();
  /** Sessions whose vendor failure was reported already. */
  const reported = new Set<string>();
  const writes = new Set<Promise<void>>();

  function follow(snapshot: RecordingSessionSnapshot): void {
    const forward = snapshot.forward;
    if (!forward) return;
    const owners = forwardOwnersOf(snapshot).map(liveOwnerOf);
    if (!calls.get(snapshot.id)) {
      calls.open({
        sessionId: snapshot.id,
        callId: snapshot.callId,
        orgId: snapshot.orgId,
        startedAt: snapshot.startedAt,
        owners: [...snapshot.owners.map(liveOwnerOf), ...owners],
        parties: snapshot.parties.map((p) => ({
          id: p.id,
          ...(p.aor === undefined ? {} : { aor: p.aor }),
          ...(p.name === undefined ? {} : { name: p.name }),
        })),
      });
      opened.add(snapshot.id);
    } else if (owners.length > 0) {
      calls.addOwners(snapshot.id, owners, deps.clock.now().getTime());
    }
    if (forward.state === 'failed' && !reported.has(snapshot.id)) {
      reported.add(snapshot.id);
      const failure = forward.failure;
      const code = failure?.code ?? 'vendor-failed';
      const detail = `the external recorder ${forward.vendorName} failed: ${failure?.reason ?? 'no reason given'}${
        forward.recordedHere ? '; Callvault records the call instead' : ''
      }`;
      logger.error(
        {
          callId: snapshot.callId,
          vendorId: forward.vendorId,
          reason: code,
          status: failure?.status,
          recordedHere: forward.recordedHere,
        },
        'forwarded recording failed',
      );
      calls.fail(snapshot.id, {
        reason: code,
        detail,
        atMs: forward.endedAt ?? deps.clock.now().getTime(),
      });
    }
  }

  async function catalogue(closed: RecordingSessionClosed): Promise<void> {
    const owners = forwardOwnersOf(closed);
    const tries = deps.tries ?? 30;
    for (let attempt = 1; ; attempt++) {
      try {
        await catalogueForwardedCall(deps, closed, owners);
        return;
      } catch (err) {
        if (!isConnectionLoss(err) || attempt >= tries) {
          logger.error(
            { err, callId: closed.callId, vendorId: closed.forward?.vendorId },
            'the forwarded call could not be catalogued',
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, deps.retryMs ?? 2_000));
      }
    }
  }

  return {
    sessionOpened: follow,
    sessionUpdated: follow,
    sessionClosed(closed) {
      if (closed.forward) {
        follow(closed);
        const done = catalogue(closed);
        writes.add(done);
        void done.finally(() => writes.delete(done));
      }
      reported.delete(closed.id);
      if (opened.delete(closed.id)) calls.close(closed.id, closed.endedAt);
    },
    requestAnswered() {},
    async settle() {
      await Promise.all([...writes]);
    },
  };
}
