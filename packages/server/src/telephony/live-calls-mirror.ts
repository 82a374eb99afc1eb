// The recorder side of live calls across processes (SPEC §4 live state, §10 split roles): copies
// this recorder's LiveCallHub into `live_calls` (upsert on every event, delete when the call
// ends, a heartbeat every few seconds) and applies the recording controls other processes queue
// in `live_call_commands` for its calls, exactly as the local API does, writing back the result.
// Nothing here may disturb the capture path: the hub's listener only marks a call dirty; one
// pump writes in the background, and a failed write is logged and retried at the next heartbeat.
import type { Clock } from '../clock.js';
import { createConnectionErrorLog, isConnectionLoss } from '../db/connection-loss.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../observability/logger.js';
import type { LiveCallControlResult, LiveCallHub } from './live-calls.js';
import {
  answerLiveCallCommand,
  claimLiveCallCommand,
  deleteExpiredLiveCallState,
  deleteLiveCall,
  deleteLiveCallsOfInstance,
  listPendingLiveCallCommands,
  touchLiveCalls,
  upsertLiveCall,
} from './live-calls.repository.js';

export interface LiveCallMirrorOptions {
  readonly db: Db;
  readonly hub: LiveCallHub;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often the heartbeat refreshes this recorder's calls (default 5 s; readers allow 15 s). */
  readonly heartbeatMs?: number;
  /** How often queued controls are looked for (default 200 ms). */
  readonly commandPollMs?: number;
  /** Rows left by a recorder that went away, and old commands, are swept after this (10 min). */
  readonly sweepAfterMs?: number;
}

export interface LiveCallMirror {
  /** Resolves once every change seen so far is written (tests, shutdown). */
  flush(): Promise<void>;
  /** Stops polling and the heartbeat, writes what is pending, removes this recorder's rows. */
  stop(): Promise<void>;
}

export function startLiveCallMirror(options: LiveCallMirrorOptions): LiveCallMirror {
  const { db, hub, clock, logger } = options;
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const commandPollMs = options.commandPollMs ?? 200;
  const sweepAfterMs = options.sweepAfterMs ?? 10 * 60_000;
  const nowIso = (): string => clock.now().toISOString();

  // While the database is away every write and poll fails (the command poll runs 5× a second):
  // one line per outage, not one per attempt.
  const outage = createConnectionErrorLog({
    logger,
    message: 'the live calls cannot be mirrored to the database; retried at every heartbeat',
  });
  const warn = (err: unknown, fields: Record<string, unknown>, message: string): void => {
    if (isConnectionLoss(err)) outage.report(err);
    else logger.warn({ err, ...fields }, message);
  };

  /** Calls seen, with the snapshot last written (null: not written yet, or its write failed). */
  const tracked = new Map<string, string | null>();
  const dirty = new Set<string>();
  let pumping: Promise<void> | null = null;
  let stopped = false;

  const writeOne = async (sessionId: string): Promise<void> => {
    const call = hub.get(sessionId);
    try {
      if (call) {
        const json = JSON.stringify(call);
        if (tracked.get(sessionId) === json) return;
        await upsertLiveCall(db, call, hub.instanceId, nowIso());
        // Had the call ended meanwhile, its callEnded event has queued the delete already.
        tracked.set(sessionId, json);
      } else {
        await deleteLiveCall(db, sessionId);
        tracked.delete(sessionId);
      }
    } catch (err) {
      if (call) tracked.set(sessionId, null);
      warn(
        err,
        { sessionId, callId: call?.callId },
        'could not write the live call to the database; retried at the next heartbeat',
      );
    }
  };

  const drain = async (): Promise<void> => {
    while (dirty.size > 0) {
      const batch = [...dirty];
      dirty.clear();
      for (const sessionId of batch) await writeOne(sessionId);
    }
  };
  /** Writes every dirty call, one writer at a time; resolves when nothing is left. */
  const pump = async (): Promise<void> => {
    while (pumping || dirty.size > 0) {
      pumping ??= drain().finally(() => {
        pumping = null;
      });
      await pumping;
    }
  };

  // The listener runs inside the capture path's call: it only notes the call, the write is later.
  let scheduled = false;
  const unsubscribe = hub.subscribe((event) => {
    if (!tracked.has(event.sessionId)) tracked.set(event.sessionId, null);
    dirty.add(event.sessionId);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void pump();
    });
  });

  // Controls applied whose answer could not be written yet: answered again, never applied twice.
  const unanswered = new Map<string, LiveCallControlResult>();
  let polling: Promise<void> | null = null;
  const pollCommands = async (): Promise<void> => {
    if (tracked.size === 0 && unanswered.size === 0) return;
    try {
      for (const [id, result] of unanswered) {
        await answerLiveCallCommand(db, id, result);
        unanswered.delete(id);
      }
      const pending = await listPendingLiveCallCommands(db, hub.instanceId);
      for (const command of pending) {
        // Claimed first: an asker that gave up in the meantime has claimed it, nothing happens.
        if (!(await claimLiveCallCommand(db, command.id, nowIso()))) continue;
        const result = hub.control(
          command.sessionId,
          command.ownerId,
          command.control,
          command.source,
          clock.now().getTime(),
        );
        unanswered.set(command.id, result);
        // The new state is in the table before the answer: the asker reads it right after.
        await pump();
        await answerLiveCallCommand(db, command.id, result);
        unanswered.delete(command.id);
      }
    } catch (err) {
      warn(err, {}, 'could not read or answer queued live call controls');
    }
  };

  const heartbeat = async (): Promise<void> => {
    // Snapshots that changed without an event (new parties) or whose write failed.
    for (const [sessionId, written] of tracked) {
      const call = hub.get(sessionId);
      if (!call || written !== JSON.stringify(call)) dirty.add(sessionId);
    }
    await pump();
    try {
      await touchLiveCalls(db, hub.instanceId, nowIso());
      await deleteExpiredLiveCallState(
        db,
        new Date(clock.now().getTime() - sweepAfterMs).toISOString(),
      );
      outage.recovered();
    } catch (err) {
      warn(err, {}, 'could not refresh the live calls heartbeat');
    }
  };

  const commandTimer = setInterval(() => {
    if (stopped || polling) return;
    polling = pollCommands().finally(() => {
      polling = null;
    });
  }, commandPollMs);
  commandTimer.unref();
  let beating: Promise<void> | null = null;
  const heartbeatTimer = setInterval(() => {
    if (stopped || beating) return;
    beating = heartbeat().finally(() => {
      beating = null;
    });
  }, heartbeatMs);
  heartbeatTimer.unref();

  return {
    async flush() {
      await pump();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(commandTimer);
      clearInterval(heartbeatTimer);
      unsubscribe();
      await polling;
      await beating;
      await pump();
      // The recorder has stopped: none of its calls is live any more.
      try {
        await deleteLiveCallsOfInstance(db, hub.instanceId);
      } catch (err) {
        logger.warn({ err }, 'could not remove this recorder’s live calls from the database');
      }
    },
  };
}
