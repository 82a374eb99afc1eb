// Wake-ups between processes on the database (SPEC §10 split roles): a writer says "something
// changed on channel X" and every process listening on X looks again at once instead of at its
// next poll. On PostgreSQL this is LISTEN/NOTIFY over one dedicated connection per process; on
// SQLite (one machine, usually one process) only listeners in the same process hear it, and
// other processes keep polling.
//
// A notification only says where to look: its payload is a hint (an id), never the data. What a
// notification carried may be lost (the listening connection broke, the server restarted), so
// listeners keep a slower poll as the safety net and are told after every reconnect (`onResync`)
// to look once regardless.
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from '../observability/logger.js';
import type { DbOrTrx } from './database.js';

/** The channels in use; one name each, so a typo cannot make a listener deaf. */
export const NOTIFICATION_CHANNELS = {
  /** A recording control was queued for a recorder (payload: the session id). */
  liveCommands: 'callvault_live_commands',
  /** A recorder answered a queued control (payload: the command id). */
  liveResults: 'callvault_live_results',
  /** A recorder changed its mirrored live calls (payload: the recorder's instance id). */
  liveCalls: 'callvault_live_calls',
} as const;
export type NotificationChannel =
  (typeof NOTIFICATION_CHANNELS)[keyof typeof NOTIFICATION_CHANNELS];

/** PostgreSQL's limit on a NOTIFY payload is 8000 bytes; hints are ids, far below it. */
export const MAX_NOTIFICATION_PAYLOAD_BYTES = 1024;

export interface NotificationListener {
  /** Each notification's payload, in the order the database delivered them. */
  readonly onNotification: (payload: string) => void;
  /**
   * Once the listener hears its channel, and after every reconnect: notifications may have been
   * missed until then; look once.
   */
  readonly onResync?: () => void;
}

export interface DbNotifications {
  /** Whether other processes hear this process's notifications (PostgreSQL). */
  readonly crossProcess: boolean;
  /**
   * Sends `payload` on `channel`. Given a transaction, PostgreSQL delivers it when that
   * transaction commits (and never if it rolls back). Rejects like any query when the database
   * is away; callers treat that as "the others will see it at their next poll".
   */
  notify(db: DbOrTrx, channel: NotificationChannel, payload: string): Promise<void>;
  /** Listens on `channel` until the returned function is called. */
  listen(channel: NotificationChannel, listener: NotificationListener): () => void;
  /** Stops listening and closes the listening connection. */
  close(): Promise<void>;
}

function checkPayload(payload: string): void {
  if (Buffer.byteLength(payload) > MAX_NOTIFICATION_PAYLOAD_BYTES) {
    throw new RangeError(
      `a notification payload is at most ${MAX_NOTIFICATION_PAYLOAD_BYTES} bytes`,
    );
  }
}

/** Listeners by channel, shared by both implementations. */
class ListenerRegistry {
  readonly #byChannel = new Map<NotificationChannel, Set<NotificationListener>>();

  add(channel: NotificationChannel, listener: NotificationListener): boolean {
    let set = this.#byChannel.get(channel);
    const first = set === undefined;
    if (!set) this.#byChannel.set(channel, (set = new Set()));
    set.add(listener);
    return first;
  }

  remove(channel: NotificationChannel, listener: NotificationListener): boolean {
    const set = this.#byChannel.get(channel);
    if (!set?.delete(listener)) return false;
    if (set.size > 0) return false;
    this.#byChannel.delete(channel);
    return true;
  }

  channels(): NotificationChannel[] {
    return [...this.#byChannel.keys()];
  }

  deliver(channel: string, payload: string): void {
    for (const listener of [...(this.#byChannel.get(channel as NotificationChannel) ?? [])]) {
      try {
        listener.onNotification(payload);
      } catch {
        // One listener's failure must not keep the others from hearing it.
      }
    }
  }

  resync(): void {
    for (const set of this.#byChannel.values()) {
      for (const listener of [...set]) {
        try {
          listener.onResync?.();
        } catch {
          // As above.
        }
      }
    }
  }

  clear(): void {
    this.#byChannel.clear();
  }
}

/**
 * Notifications within this process only (SQLite): delivered after the current turn of the event
 * loop, so a notify inside a transaction reaches listeners after the caller's own code ran.
 */
export function createInProcessNotifications(): DbNotifications {
  const registry = new ListenerRegistry();
  const emitter = new EventEmitter();
  emitter.on('notification', (channel: string, payload: string) =>
    registry.deliver(channel, payload),
  );
  return {
    crossProcess: false,
    async notify(_db, channel, payload) {
      checkPayload(payload);
      await Promise.resolve();
      setImmediate(() => emitter.emit('notification', channel, payload));
    },
    listen(channel, listener) {
      registry.add(channel, listener);
      setImmediate(() => listener.onResync?.());
      return () => {
        registry.remove(channel, listener);
      };
    },
    close() {
      registry.clear();
      return Promise.resolve();
    },
  };
}

export interface PostgresNotificationsOptions {
  readonly connectionString: string;
  readonly logger?: Logger | null;
  /** Delays between reconnect attempts: doubling from `minMs` up to `maxMs` (default 250 ms, 10 s). */
  readonly reconnect?: { readonly minMs: number; readonly maxMs: number };
  /** The client to listen with (tests); default a new pg.Client on `connectionString`. */
  readonly createClient?: () => pg.Client;
}

/**
 * LISTEN/NOTIFY on PostgreSQL. The listening connection is opened on the first `listen` and kept
 * open; when it breaks (a restart, pg_terminate_backend, a network cut) it is opened again with
 * doubling delays, every channel is listened to again, and every listener is told to resync.
 */
export function createPostgresNotifications(
  options: PostgresNotificationsOptions,
): DbNotifications {
  const registry = new ListenerRegistry();
  const minMs = options.reconnect?.minMs ?? 250;
  const maxMs = options.reconnect?.maxMs ?? 10_000;
  const log = options.logger ?? null;
  const newClient =
    options.createClient ??
    ((): pg.Client =>
      new pg.Client({ connectionString: options.connectionString, keepAlive: true }));
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let delayMs = minMs;
  let closed = false;
  let lostSince: number | null = null;

  const quote = (channel: NotificationChannel): string => `"${channel}"`;

  const scheduleReconnect = (): void => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, delayMs);
    retryTimer.unref();
    delayMs = Math.min(maxMs, delayMs * 2);
  };

  const lose = (c: pg.Client, err?: unknown): void => {
    if (client !== c) return;
    client = null;
    if (lostSince === null) {
      lostSince = Date.now();
      log?.warn({ err }, 'the database notification connection was lost; reconnecting');
    }
    c.removeAllListeners('notification');
    void c.end().catch(() => undefined);
    scheduleReconnect();
  };

  const connect = (): Promise<void> => {
    if (closed || client) return Promise.resolve();
    connecting ??= (async () => {
      const c = newClient();
      c.on('error', (err) => lose(c, err));
      c.on('end', () => lose(c));
      c.on('notification', (message) => registry.deliver(message.channel, message.payload ?? ''));
      try {
        await c.connect();
        client = c;
        for (const channel of registry.channels()) await c.query(`LISTEN ${quote(channel)}`);
        if (closed) {
          await c.end();
          return;
        }
        delayMs = minMs;
        if (lostSince !== null) {
          log?.info(
            { lostMs: Date.now() - lostSince },
            'the database notification connection is back',
          );
          lostSince = null;
        }
        registry.resync();
      } catch (err) {
        client = null;
        c.removeAllListeners('notification');
        void c.end().catch(() => undefined);
        if (lostSince === null) {
          lostSince = Date.now();
          log?.warn({ err }, 'could not open the database notification connection; retrying');
        }
        scheduleReconnect();
      }
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  };

  return {
    crossProcess: true,
    async notify(db, channel, payload) {
      checkPayload(payload);
      await sql`select pg_notify(${channel}, ${payload})`.execute(db);
    },
    listen(channel, listener) {
      const first = registry.add(channel, listener);
      const resync = (): void => {
        try {
          listener.onResync?.();
        } catch {
          // The listener's own failure; it keeps listening.
        }
      };
      if (client && first) {
        const c = client;
        c.query(`LISTEN ${quote(channel)}`).then(resync, (err: unknown) => lose(c, err));
      } else if (client) setImmediate(resync);
      // Not connected (yet): connecting listens on every channel and resyncs every listener.
      else void connect();
      return () => {
        if (registry.remove(channel, listener) && client) {
          const c = client;
          c.query(`UNLISTEN ${quote(channel)}`).catch((err: unknown) => lose(c, err));
        }
      };
    },
    async close() {
      closed = true;
      registry.clear();
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      await connecting;
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners('end');
        await c.end().catch(() => undefined);
      }
    },
  };
}
