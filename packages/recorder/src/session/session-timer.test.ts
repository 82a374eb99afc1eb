import { describe, expect, it } from 'vitest';
import { parseDatagram, type SipRequest } from '../sip/message/index.js';
import {
  negotiateSessionTimer,
  refreshRequestHeaders,
  sessionExpiresAt,
  sessionRefreshDueAt,
  startSessionTimer,
} from './session-timer.js';

const ALLOW = 'Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE';

function invite(headers: string[]): SipRequest {
  const text = [
    'INVITE sip:srs@192.0.2.1 SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1',
    'Max-Forwards: 70',
    'To: <sip:srs@192.0.2.1>',
    'From: <sip:src@example.com>;tag=a',
    'Call-ID: c1',
    'CSeq: 1 INVITE',
    ...headers,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const msg = parseDatagram(Buffer.from(text));
  if (msg.kind !== 'request') throw new Error('request expected');
  return msg;
}

describe('RFC 4028 §9: the UAS answer to a session timer', () => {
  it('RFC 4028 §9: no Session-Expires in the request, no session timer', () => {
    expect(negotiateSessionTimer(invite(['Supported: timer', ALLOW]))).toEqual({ kind: 'none' });
  });

  it('RFC 4028 §9: the UAC supports timer and names no refresher: the UAC refreshes, Require: timer', () => {
    expect(
      negotiateSessionTimer(invite(['Supported: timer', 'Session-Expires: 1800', 'Min-SE: 90'])),
    ).toEqual({
      kind: 'timer',
      intervalSeconds: 1800,
      refresher: 'uac',
      headers: [
        { name: 'Session-Expires', value: '1800;refresher=uac' },
        { name: 'Require', value: 'timer' },
      ],
    });
  });

  it('RFC 4028 §9: a refresher the UAC names is kept as it is (k is Supported, x is Session-Expires)', () => {
    const uas = negotiateSessionTimer(invite(['k: timer, 100rel', 'x: 600;refresher=uas', ALLOW]));
    expect(uas).toMatchObject({ kind: 'timer', refresher: 'uas', intervalSeconds: 600 });
    expect(uas.kind === 'timer' && uas.headers).toEqual([
      { name: 'Session-Expires', value: '600;refresher=uas' },
      { name: 'Require', value: 'timer' },
    ]);
  });

  it('RFC 4028 §9: a UAC without timer support (a proxy added Session-Expires) leaves the refreshing to the UAS, without Require', () => {
    expect(negotiateSessionTimer(invite(['Session-Expires: 1800', ALLOW]))).toEqual({
      kind: 'timer',
      intervalSeconds: 1800,
      refresher: 'uas',
      headers: [{ name: 'Session-Expires', value: '1800;refresher=uas' }],
    });
  });

  it('we refresh with UPDATE only: when the SRC does not allow UPDATE the timer is declined', () => {
    expect(negotiateSessionTimer(invite(['Session-Expires: 1800', 'Allow: INVITE, BYE']))).toEqual({
      kind: 'none',
      declined: 'we would refresh, and the SRC does not allow UPDATE',
    });
  });

  it('RFC 4028 §9: an interval below our Min-SE gets 422 with Min-SE (90 s, or the configured larger one)', () => {
    expect(negotiateSessionTimer(invite(['Supported: timer', 'Session-Expires: 89']))).toEqual({
      kind: 'too-small',
      headers: [{ name: 'Min-SE', value: '90' }],
    });
    expect(
      negotiateSessionTimer(invite(['Supported: timer', 'Session-Expires: 1000']), 1800),
    ).toEqual({ kind: 'too-small', headers: [{ name: 'Min-SE', value: '1800' }] });
    // RFC 4028 §4: nothing below 90 s, whatever the configuration says.
    expect(negotiateSessionTimer(invite(['Supported: timer', 'Session-Expires: 60']), 30)).toEqual({
      kind: 'too-small',
      headers: [{ name: 'Min-SE', value: '90' }],
    });
    expect(
      negotiateSessionTimer(invite(['Supported: timer', 'Session-Expires: 90'])),
    ).toMatchObject({ kind: 'timer', intervalSeconds: 90 });
  });

  it('a UAC that would not understand 422 (no timer support) is not sent one: no timer', () => {
    expect(negotiateSessionTimer(invite(['Session-Expires: 30', ALLOW]))).toEqual({
      kind: 'none',
      declined: 'interval 30 s below 90 s',
    });
  });

  it('an unreadable Session-Expires or Min-SE is reported for a 400', () => {
    expect(negotiateSessionTimer(invite(['Session-Expires: soon']))).toMatchObject({
      kind: 'malformed',
    });
    expect(
      negotiateSessionTimer(invite(['Session-Expires: 1800', 'Min-SE: ninety'])),
    ).toMatchObject({ kind: 'malformed' });
  });
});

describe('RFC 4028 §10: when a session expires', () => {
  it('RFC 4028 §10: the non-refresher ends the session at the interval less min(32 s, interval/3)', () => {
    const timer90 = startSessionTimer(
      negotiateSessionTimer(invite(['Supported: timer', 'Session-Expires: 90'])),
      1_000,
    )!;
    expect(timer90).toEqual({ intervalMs: 90_000, refresher: 'uac', refreshedAt: 1_000 });
    // 90 s: a third (30 s) is less than 32 s.
    expect(sessionExpiresAt(timer90)).toBe(61_000);
    expect(sessionRefreshDueAt(timer90)).toBeUndefined();
    // 1800 s: 32 s is less than a third.
    expect(sessionExpiresAt({ intervalMs: 1_800_000, refresher: 'uac', refreshedAt: 0 })).toBe(
      1_768_000,
    );
  });

  it('RFC 4028 §10: as refresher we refresh at half the interval, with our Session-Expires', () => {
    const timer = { intervalMs: 600_000, refresher: 'uas' as const, refreshedAt: 5_000 };
    expect(sessionRefreshDueAt(timer)).toBe(305_000);
    expect(refreshRequestHeaders(timer)).toEqual([
      { name: 'Session-Expires', value: '600;refresher=uas' },
      { name: 'Supported', value: 'timer' },
    ]);
    expect(startSessionTimer({ kind: 'none' }, 0)).toBeUndefined();
  });
});
