// The recorder side of live calls across processes (SPEC §4 live state, §10 split roles): copies
// this recorder's LiveCallHub into `live_calls` (upsert on every event, delete when the call
// ends, a heartbeat every few seconds) and applies the recording controls other processes queue
// in `live_call_commands` for its calls, exactly as the local API does, writing back the result.
// Nothing here may disturb the capture path: the hub's listener only marks a call dirty; one
// pump writes in the background, and a failed write is logged and retried at the next heartbeat.
// With notifications across processes (PostgreSQL LISTEN/NOTIFY) a queued control wakes this
// recorder at once, and it wakes the asker when it answers and the event feeds when its calls
// change; the command poll then only catches what a lost notification missed.
import type { Clock } from '../clock.js';
import { createConnectionErrorLog, isConnectionLoss } from '../db/connection-loss.js';
import type { Db } from '../db/database.js';
import { NOTIFICATION_CHANNELS, type DbNotifications } from '../db/notifications.js';
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
  type LiveCallCommand,
} from './live-calls.repository.js';
import { parseCommandNotice, resultNotice } from './live-call-notices.js';

export interface LiveCallMirrorOptions {
  readonly db: Db;
  readonly hub: LiveCallHub;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often the heartbeat refreshes this recorder's calls (default 5 s; readers allow 15 s). */
  readonly heartbeatMs?: number;
  /** How often queued controls are looked for (default 200 ms; 1 s with cross-process notifications). */
  readonly commandPollMs?: number;
  /** Wake-ups to and from other processes; without them only the polls run. */
  readonly notifications?: DbNotifications;
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
  const notifications = options.notifications;
  const commandPollMs =
    options.commandPollMs ?? (notifications?.crossProcess === true ? 1000 : 200);
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

  /** Writes one call's row (or its removal); whether the table changed. */
  const writeOne = async (sessionId: string): Promise<boolean> => {
    const call = hub.get(sessionId);
    try {
      if (call) {
        const json = JSON.stringify(call);
        if (tracked.get(sessionId) === json) return false;
        await upsertLiveCall(db, call, hub.instanceId, nowIso());
        // Had the call ended meanwhile, its callEnded event has queued the delete already.
        tracked.set(sessionId, json);
      } else {
        await deleteLiveCall(db, sessionId);
        tracked.delete(sessionId);
      }
      return true;
    } catch (err) {
      if (call) tracked.set(sessionId, null);
      warn(
        err,
        { sessionId, callId: call?.callId },
        'could not write the live call to the database; retried at the next heartbeat',
      );
      return false;
    }
  };

  /** Tells the other processes' event feeds to read again; losing it only delays them. */
  const announce = async (channel: 'liveCalls' | 'liveResults', payload: string): Promise<void> => {
    if (!notifications) return;
    try {
      await notifications.notify(db, NOTIFICATION_CHANNELS[channel], payload);
    } catch (err) {
      warn(err, { channel }, 'could not notify other processes; they see it at their next poll');
    }
  };

  const drain = async (): Promise<void> => {
    let wrote = false;
    while (dirty.size > 0) {
      const batch = [...dirty];
      dirty.clear();
      for (const sessionId of batch) wrote = (await writeOne(sessionId)) || wrote;
    }
    // Not awaited: the event feeds' wake-up must not delay the next write (or a control's answer).
    if (wrote) void announce('liveCalls', hub.instanceId);
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
  /** Writes the answer and tells the asker what it is (the notice spares it reading it back). */
  const answer = async (id: string, result: LiveCallControlResult): Promise<void> => {
    await Promise.all([
      answerLiveCallCommand(db, id, result),
      announce('liveResults', resultNotice(id, result)),
    ]);
    unanswered.delete(id);
  };
  /** Claims a queued control, applies it to the call, writes the new state, answers. */
  const apply = async (command: LiveCallCommand): Promise<void> => {
    // Claimed first: an asker that gave up in the meantime has claimed it, nothing happens.
    if (!(await claimLiveCallCommand(db, command.id, nowIso()))) return;
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
    await answer(command.id, result);
  };
  /** Controls are applied one at a time, in the order they reach this recorder. */
  let applying: Promise<void> = Promise.resolve();
  const applyInTurn = (command: LiveCallCommand): Promise<void> =>
    (applying = applying.then(() =>
      apply(command).catch((err: unknown) => {
        warn(err, { sessionId: command.sessionId }, 'could not apply a queued live call control');
      }),
    ));
  let polling: Promise<void> | null = null;
  const pollCommands = async (): Promise<void> => {
    if (tracked.size === 0 && unanswered.size === 0) return;
    try {
      for (const [id, result] of unanswered) await answer(id, result);
      const pending = await listPendingLiveCallCommands(db, hub.instanceId);
      for (const command of pending) await applyInTurn(command);
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

  /** Looks for queued controls now, or once more right after the look under way. */
  let pollAgain = false;
  const lookForCommands = (): void => {
    if (stopped) return;
    if (polling) {
      pollAgain = true;
      return;
    }
    polling = pollCommands().finally(() => {
      polling = null;
      if (pollAgain) {
        pollAgain = false;
        lookForCommands();
      }
    });
  };
  const commandTimer = setInterval(() => {
    if (!polling) lookForCommands();
  }, commandPollMs);
  commandTimer.unref();
  // A control queued for one of this recorder's calls is applied from its notice at once; an
  // unreadable notice only makes the queue be read now.
  const stopListening =
    notifications?.listen(NOTIFICATION_CHANNELS.liveCommands, {
      onNotification: (payload) => {
        if (stopped) return;
        const command = parseCommandNotice(payload);
        if (!command) lookForCommands();
        else if (tracked.has(command.sessionId)) void applyInTurn(command);
      },
      onResync: lookForCommands,
    }) ?? (() => undefined);
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
      stopListening();
      unsubscribe();
      await polling;
      await applying;
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
