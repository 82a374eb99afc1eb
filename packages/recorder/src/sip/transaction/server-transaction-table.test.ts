import { describe, expect, it } from 'vitest';
import { parseDatagram, type SipRequest } from '../message/index.js';
import type { ServerTransaction } from './server-transaction.js';
import { createServerTransactionTable } from './server-transaction-table.js';
import { getServerTransactionKey } from './transaction-key.js';

function request(method: string, branch: string, toTag?: string): SipRequest {
  const head = [
    `${method} sip:srs@192.0.2.5 SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.9:5060${branch ? `;branch=${branch}` : ''}`,
    'Max-Forwards: 70',
    `To: <sip:srs@192.0.2.5>${toTag ? `;tag=${toTag}` : ''}`,
    'From: <sip:src@192.0.2.9>;tag=a',
    'Call-ID: c1',
    `CSeq: 1 ${method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const message = parseDatagram(Buffer.from(head));
  if (message.kind !== 'request') throw new Error('request expected');
  return message;
}

function fakeTx(lastToTag?: string): ServerTransaction & { terminated: boolean } {
  const tx = {
    terminated: false,
    lastResponse: lastToTag
      ? (parseDatagram(
          Buffer.from(
            `SIP/2.0 486 Busy\r\nVia: SIP/2.0/UDP 192.0.2.9:5060\r\nTo: <sip:srs@192.0.2.5>;tag=${lastToTag}\r\nFrom: <sip:src@192.0.2.9>;tag=a\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`,
          ),
        ) as ServerTransaction['lastResponse'])
      : undefined,
    terminate() {
      tx.terminated = true;
    },
  };
  return tx as unknown as ServerTransaction & { terminated: boolean };
}

describe('server-transaction-table: matching requests to transactions (RFC 3261 §17.2.3)', () => {
  it('RFC 3261 branch: a retransmission finds its transaction, CANCEL finds its INVITE, ACK of a 2xx is another branch', () => {
    const table = createServerTransactionTable();
    const invite = request('INVITE', 'z9hG4bKone');
    const tx = fakeTx();
    table.add(getServerTransactionKey(invite), tx);
    expect(table.find(request('INVITE', 'z9hG4bKone'), 'INVITE')).toBe(tx);
    expect(table.find(request('CANCEL', 'z9hG4bKone'), 'INVITE')).toBe(tx);
    expect(table.find(request('CANCEL', 'z9hG4bKone'), 'CANCEL')).toBeUndefined();
    expect(table.find(request('ACK', 'z9hG4bKtwo', 'l1'), 'ACK')).toBeUndefined();
    expect(table.size).toBe(1);
  });

  it('RFC 2543 (no magic cookie): the ACK matches by the To tag of the response the transaction sent', () => {
    const table = createServerTransactionTable();
    const tx = fakeTx('l7');
    table.add(getServerTransactionKey(request('INVITE', '')), tx);
    expect(table.find(request('ACK', '', 'l7'), 'ACK')).toBe(tx);
    expect(table.find(request('ACK', '', 'other'), 'ACK')).toBeUndefined();
    expect(table.find(request('INVITE', ''), 'INVITE')).toBe(tx);
  });

  it('remove forgets only the transaction named; terminateAll ends every one', () => {
    const table = createServerTransactionTable();
    const key = getServerTransactionKey(request('INVITE', 'z9hG4bKone'));
    const old = fakeTx();
    const newer = fakeTx();
    table.add(key, old);
    table.add(key, newer);
    table.remove(key, old);
    expect(table.size).toBe(1);
    const legacyKey = getServerTransactionKey(request('INVITE', ''));
    const legacy = fakeTx();
    table.add(legacyKey, legacy);
    expect(table.size).toBe(2);
    table.terminateAll();
    expect([newer.terminated, legacy.terminated, old.terminated]).toEqual([true, true, false]);
    table.remove(legacyKey, legacy);
    table.remove(key, newer);
    expect(table.size).toBe(0);
  });
});
