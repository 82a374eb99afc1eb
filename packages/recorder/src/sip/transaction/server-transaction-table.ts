// The server transactions in progress, found by the key of RFC 3261 §17.2.3: by branch, sent-by
// and method for RFC 3261 requests, and for RFC 2543 requests (no magic cookie) by the legacy key
// plus the To tag — the request's own for a request, the one of the response the transaction
// sent for an ACK.
import type { SipRequest, SipResponse } from '../message/index.js';
import { getTo } from '../message/index.js';
import type { ServerTransaction } from './server-transaction.js';
import { getServerTransactionKey, type ServerTransactionKey } from './transaction-key.js';

export interface ServerTransactionTable {
  /** The transaction `request` belongs to when its method is taken as `asMethod`. */
  find(request: SipRequest, asMethod: string): ServerTransaction | undefined;
  add(key: ServerTransactionKey, tx: ServerTransaction): void;
  /** Forgets `tx` under `key` (a newer transaction under the same key stays). */
  remove(key: ServerTransactionKey, tx: ServerTransaction): void;
  readonly size: number;
  /** Terminates every transaction (they remove themselves as they end). */
  terminateAll(): void;
}

interface Rfc2543Entry {
  readonly tx: ServerTransaction;
  readonly requestToTag: string | undefined;
}

export function toTagOf(message: SipRequest | SipResponse | undefined): string | undefined {
  if (!message) return undefined;
  const tag = getTo(message)?.params.tag;
  return typeof tag === 'string' ? tag : undefined;
}

export function createServerTransactionTable(): ServerTransactionTable {
  const rfc3261 = new Map<string, ServerTransaction>();
  const rfc2543 = new Map<string, Rfc2543Entry[]>();
  let rfc2543Count = 0;
  return {
    find(request, asMethod) {
      const key = getServerTransactionKey(request, asMethod);
      if (key.kind === 'rfc3261') return rfc3261.get(key.key);
      const entries = rfc2543.get(key.key) ?? [];
      if (request.method === 'ACK') {
        // §17.2.3: the ACK's To tag equals the tag of the response the transaction sent.
        return entries.find((e) => toTagOf(e.tx.lastResponse) === key.toTag)?.tx;
      }
      return entries.find((e) => e.requestToTag === key.toTag)?.tx;
    },
    add(key, tx) {
      if (key.kind === 'rfc3261') {
        rfc3261.set(key.key, tx);
        return;
      }
      const entries = rfc2543.get(key.key) ?? [];
      entries.push({ tx, requestToTag: key.toTag });
      rfc2543.set(key.key, entries);
      rfc2543Count++;
    },
    remove(key, tx) {
      if (key.kind === 'rfc3261') {
        if (rfc3261.get(key.key) === tx) rfc3261.delete(key.key);
        return;
      }
      const entries = rfc2543.get(key.key) ?? [];
      const rest = entries.filter((e) => e.tx !== tx);
      rfc2543Count -= entries.length - rest.length;
      if (rest.length > 0) rfc2543.set(key.key, rest);
      else rfc2543.delete(key.key);
    },
    get size() {
      return rfc3261.size + rfc2543Count;
    },
    terminateAll() {
      for (const tx of [...rfc3261.values()]) tx.terminate();
      for (const entries of [...rfc2543.values()]) for (const e of entries) e.tx.terminate();
    },
  };
}
