// The asking side of live calls across processes (SPEC §10 split roles): calls another recorder
// process holds, read from its mirror in `live_calls` (a call whose heartbeat is older than
// ~15 s belongs to a recorder that went away and is not shown), a recording control queued in
// `live_call_commands` and its answer awaited (~3 s at most), and the events of those calls for
// /api/events, derived by comparing readings of the table. On PostgreSQL the recorder is woken
// by a NOTIFY when a control is queued, and it wakes the asker when it answers and the event
// feeds when its calls change (db/notifications.ts); the polls stay as the safety net for a
// notification lost with its connection. Without notifications across processes (SQLite) the
// answer is looked for every 20 ms and the table compared every 500 ms.
import type { RecordingAction, RecordingControl } from '@callvault/recorder';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { NOTIFICATION_CHANNELS, type DbNotifications } from '../db/notifications.js';
import {
  liveCallOwnerEvent,
  type LiveCall,
  type LiveCallControlResult,
  type LiveCallEvent,
  type LiveCallOwner,
} from './live-calls.js';
import {
  cancelLiveCallCommand,
  findLiveCallCommandResult,
  insertLiveCallCommand,
  listLiveCalls,
  newLiveCallCommandId,
  type LiveCallCommand,
} from './live-calls.repository.js';
import { commandNotice, parseResultNotice } from './live-call-notices.js';

export interface RemoteLiveCallOptions {
  /** A call whose recorder has not refreshed it for this long is gone (default 15 s). */
  readonly staleAfterMs?: number;
  /** How long a control waits for the recorder's answer (default 3 s). */
  readonly controlTimeoutMs?: number;
  /** How often the answer is looked for (default 20 ms; 250 ms with cross-process notifications). */
  readonly controlPollMs?: number;
  /** How often /api/events compares the table (default 500 ms; 2 s with cross-process notifications). */
  readonly eventPollMs?: number;
}

export interface RemoteLiveCallSource {
  readonly db: Db;
  readonly clock: Clock;
  /** This process's own recorder, whose calls are read from memory instead; null without one. */
  readonly excludeInstanceId: string | null;
  readonly options?: RemoteLiveCallOptions;
  /** Wake-ups from and to recorder processes; without them only the polls run. */
  readonly notifications?: DbNotifications;
}

/** Whether the other processes can wake this one (and be woken): the polls are then the fallback. */
function woken(source: RemoteLiveCallSource): boolean {
  return source.notifications?.crossProcess === true;
}

function freshSince(source: RemoteLiveCallSource): string {
  const staleAfterMs = source.options?.staleAfterMs ?? 15_000;
  return new Date(source.clock.now().getTime() - staleAfterMs).toISOString();
}

/** The org's calls other recorder processes hold, oldest first. */
export async function listRemoteLiveCalls(
  source: RemoteLiveCallSource,
  orgId: string,
): Promise<LiveCall[]> {
  const rows = await listLiveCalls(source.db, {
    orgId,
    freshSince: freshSince(source),
    excludeInstanceId: source.excludeInstanceId,
  });
  return rows.map((r) => r.call);
}

export async function findRemoteLiveCall(
  source: RemoteLiveCallSource,
  orgId: string,
  callId: string,
): Promise<LiveCall | undefined> {
  const rows = await listLiveCalls(source.db, {
    orgId,
    callId,
    freshSince: freshSince(source),
    excludeInstanceId: source.excludeInstanceId,
  });
  return rows[0]?.call;
}

/**
 * Queues a control for the recorder holding the call and waits for its answer. Null when no
 * recorder answered in time; the command is then withdrawn, so it cannot take effect later.
 */
export async function requestRemoteControl(
  source: RemoteLiveCallSource,
  command: {
    readonly sessionId: string;
    readonly ownerId: string;
    readonly control: RecordingControl;
    readonly requestedBy: string;
  },
): Promise<LiveCallControlResult | null> {
  const { db, clock } = source;
  const timeoutMs = source.options?.controlTimeoutMs ?? 3000;
  const pollMs = source.options?.controlPollMs ?? (woken(source) ? 250 : 20);
  const id = newLiveCallCommandId();
  // Listening before the command exists: the answer's notification cannot come first. One that
  // arrives while a look is under way is kept, so the next pause ends at once.
  let signalled = false;
  let wake: (() => void) | null = null;
  const signal = (): void => {
    signalled = true;
    wake?.();
  };
  /** The answer a notice brought (the row is written beside it). */
  let noticed: LiveCallControlResult | null = null;
  const stopListening =
    source.notifications?.listen(NOTIFICATION_CHANNELS.liveResults, {
      onNotification: (payload) => {
        const result = parseResultNotice(payload, id);
        if (!result) return;
        noticed = result;
        signal();
      },
      onResync: signal,
    }) ?? (() => undefined);
  /** Waits `ms`, or less when the recorder says it answered. */
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (signalled) {
        signalled = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signalled = false;
        wake = null;
        resolve();
      }
      wake = done;
    });
  try {
    const queued: LiveCallCommand = {
      id,
      ...command,
      source: 'api',
      createdAt: clock.now().toISOString(),
    };
    await insertLiveCallCommand(db, queued);
    await source.notifications
      ?.notify(db, NOTIFICATION_CHANNELS.liveCommands, commandNotice(queued))
      .catch(() => undefined); // the recorder's poll finds it
    // Real time, not the injected clock: this is how long the HTTP request is held.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (noticed) return noticed;
      const result = await findLiveCallCommandResult(db, id);
      if (result) return result;
      if (noticed) return noticed;
      const left = deadline - Date.now();
      if (left <= 0) break;
      await pause(Math.min(pollMs, left));
    }
    if (await cancelLiveCallCommand(db, id, clock.now().toISOString())) return null;
    // A recorder claimed it just now: its answer follows at once.
    const graceEnd = Date.now() + 1000;
    while (Date.now() < graceEnd) {
      if (noticed) return noticed;
      const result = await findLiveCallCommandResult(db, id);
      if (result) return result;
      await pause(Math.min(pollMs, 20));
    }
    return null;
  } finally {
    stopListening();
  }
}

/**
 * What caused an owner's change between two snapshots: the newest action concerning the owner,
 * except that an owner's pause or resume that a hold or unhold made is reported as the hold, as
 * the in-process hub does.
 */
function causeOf(owner: LiveCallOwner, added: readonly RecordingAction[]) {
  const mine = added.filter((a) => a.ownerId === undefined || a.ownerId === owner.id);
  const last = mine.at(-1);
  if (last?.ownerId !== undefined && last.source === 'siprec') {
    const hold = mine.findLast(
      (a) =>
        a.ownerId === undefined &&
        (a.action === 'hold' || a.action === 'unhold') &&
        a.atMs === last.atMs,
    );
    if (hold) return { cause: hold, changed: true };
  }
  return { cause: last, changed: mine.length > 0 };
}

/**
 * The events of what changed between two readings of the mirrored calls: a `recordingState` per
 * owner whose state changed or whose call saw an action (hold, failure), one per owner of a new
 * call, and `callEnded` per owner of a call that is gone. Several changes between two readings
 * come out as one event with the latest state.
 */
export function liveCallEventsBetween(
  before: ReadonlyMap<string, LiveCall>,
  after: ReadonlyMap<string, LiveCall>,
  nowMs: number,
): LiveCallEvent[] {
  const events: LiveCallEvent[] = [];
  for (const call of after.values()) {
    const previous = before.get(call.sessionId);
    const added = call.actions.slice(previous?.actions.length ?? 0);
    for (const owner of call.owners) {
      const was = previous?.owners.find((o) => o.id === owner.id);
      const { cause, changed } = causeOf(owner, added);
      if (was && was.state === owner.state && !changed) continue;
      events.push(
        liveCallOwnerEvent(
          call,
          owner,
          cause?.atMs ?? nowMs,
          cause
            ? {
                action: cause.action,
                source: cause.source,
                ...(cause.reason === undefined ? {} : { reason: cause.reason }),
              }
            : {},
        ),
      );
    }
  }
  for (const call of before.values()) {
    if (after.has(call.sessionId)) continue;
    for (const owner of call.owners) {
      events.push(liveCallOwnerEvent(call, owner, nowMs, { type: 'callEnded' }));
    }
  }
  return events;
}

export interface RemoteLiveCallFeed {
  /**
   * Listens to the events of other recorders' calls; resolves with the calls as the events that
   * follow will be relative to (the stream's first snapshot).
   */
  subscribe(
    listener: (event: LiveCallEvent) => void,
  ): Promise<{ readonly calls: LiveCall[]; unsubscribe(): void }>;
  close(): void;
}

/** One reading loop per process, running only while someone listens. */
export function createRemoteLiveCallFeed(
  source: RemoteLiveCallSource & { readonly onError: (err: unknown) => void },
): RemoteLiveCallFeed {
  const pollMs = source.options?.eventPollMs ?? (woken(source) ? 2000 : 500);
  const listeners = new Set<(event: LiveCallEvent) => void>();
  let known = new Map<string, LiveCall>();
  let ready: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  /** A wake-up came while a reading ran: read once more right after it. */
  let again = false;
  let closed = false;

  const read = async (): Promise<Map<string, LiveCall>> => {
    const rows = await listLiveCalls(source.db, {
      freshSince: freshSince(source),
      excludeInstanceId: source.excludeInstanceId,
    });
    return new Map(rows.map((r) => [r.call.sessionId, r.call]));
  };

  const poll = async (): Promise<void> => {
    try {
      const next = await read();
      const events = liveCallEventsBetween(known, next, source.clock.now().getTime());
      known = next;
      for (const event of events) {
        for (const listener of [...listeners]) {
          try {
            listener(event);
          } catch {
            // A closed stream must not stop the others.
          }
        }
      }
    } catch (err) {
      source.onError(err);
    }
  };

  /** Reads now (or right after the reading in progress), then waits for the next turn. */
  const readNow = (): void => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = null;
    running = poll().finally(() => {
      running = null;
      if (again && listeners.size > 0 && !closed) {
        again = false;
        readNow();
      } else if (listeners.size > 0 && !closed) schedule();
      else {
        again = false;
        ready = null;
      }
    });
  };

  const schedule = (): void => {
    timer = setTimeout(() => {
      timer = null;
      readNow();
    }, pollMs);
    timer.unref();
  };

  // A recorder's calls changed: read at once, while anyone listens and the first reading is in.
  const wake = (): void => {
    if (listeners.size > 0 && ready && (timer || running)) readNow();
  };
  const stopListening =
    source.notifications?.listen(NOTIFICATION_CHANNELS.liveCalls, {
      onNotification: wake,
      onResync: wake,
    }) ?? (() => undefined);

  return {
    async subscribe(listener) {
      if (!ready) {
        ready = read().then(
          (calls) => {
            known = calls;
          },
          (err: unknown) => {
            known = new Map();
            source.onError(err);
          },
        );
        await ready;
        if (!timer && !running && !closed) schedule();
      } else {
        await ready;
      }
      listeners.add(listener);
      return {
        calls: [...known.values()],
        unsubscribe: () => {
          listeners.delete(listener);
        },
      };
    },
    close() {
      closed = true;
      stopListening();
      listeners.clear();
      if (timer) clearTimeout(timer);
      timer = null;
      ready = null;
    },
  };
}
