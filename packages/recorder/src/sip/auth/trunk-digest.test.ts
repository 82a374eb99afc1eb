import { describe, expect, it } from 'vitest';
import {
  checkDigestNonce,
  computeDigestHa1,
  computeDigestResponse,
  createDigestNonce,
} from './digest-auth.js';
import { authenticateTrunk, type DigestAccount } from './trunk-digest.js';

const secret = Buffer.alloc(32, 3);
const NOW = 1_700_000_000_000;
const URI = 'sip:srs@192.0.2.1';
const account: DigestAccount = {
  username: 'sbc',
  realm: 'rec.example',
  ha1: computeDigestHa1('sbc', 'rec.example', 's3cret'),
};
const open: { name: string; digest?: DigestAccount } = { name: 'open' };
const guarded = { name: 'guarded', digest: account };

function authorization(
  password: string,
  nonce: string,
  username = 'sbc',
  realm = 'rec.example',
): string {
  const response = computeDigestResponse({
    ha1: computeDigestHa1(username, realm, password),
    algorithm: 'MD5',
    method: 'INVITE',
    uri: URI,
    nonce,
    qop: 'auth',
    nc: '00000001',
    cnonce: 'abc',
  });
  return `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${URI}", response="${response}", qop=auth, nc=00000001, cnonce="abc"`;
}

const input = (authorizationValue?: string, nowMs = NOW) => ({
  ...(authorizationValue === undefined ? {} : { authorization: authorizationValue }),
  method: 'INVITE',
  secret: () => secret,
  nowMs,
  nonceMaxAgeMs: 300_000,
});

describe('authenticateTrunk: the trunk an INVITE comes on, by digest (RFC 3261 §22.4)', () => {
  it('a trunk without credentials admits on its source network alone, and no nonce key is asked for', () => {
    let asked = 0;
    const verdict = authenticateTrunk([open], {
      ...input(),
      secret: () => {
        asked++;
        return secret;
      },
    });
    expect(verdict).toEqual({ ok: true, trunk: open });
    expect(asked).toBe(0);
  });

  it('RFC 7616 §3.3: without credentials a credentialed trunk is challenged with its realm and a nonce of ours', () => {
    const verdict = authenticateTrunk([guarded], input());
    expect(verdict).toMatchObject({
      ok: false,
      status: 401,
      reason: 'the trunk requires credentials',
    });
    if (verdict.ok || verdict.status !== 401) throw new Error('401 expected');
    const nonce = /nonce="([^"]+)"/.exec(verdict.challenge)?.[1] ?? '';
    expect(verdict.challenge).toBe(
      `Digest realm="rec.example", nonce="${nonce}", algorithm=MD5, qop="auth"`,
    );
    expect(checkDigestNonce(secret, 'rec.example', nonce, NOW, 300_000)).toBe('valid');
  });

  it('RFC 7616 §3.4: the right response with a fresh nonce picks the trunk whose username and realm it names', () => {
    const nonce = createDigestNonce(secret, 'rec.example', NOW);
    const other = { name: 'other', digest: { ...account, username: 'someone' } };
    expect(authenticateTrunk([other, guarded], input(authorization('s3cret', nonce)))).toEqual({
      ok: true,
      trunk: guarded,
    });
  });

  it('RFC 3261 §22.4: a wrong password is refused 403 for good', () => {
    const nonce = createDigestNonce(secret, 'rec.example', NOW);
    expect(authenticateTrunk([guarded], input(authorization('guess', nonce)))).toEqual({
      ok: false,
      status: 403,
      reason: 'digest authentication failed: digest response does not match',
    });
  });

  it('RFC 7616 §3.3: the right response with an old nonce is challenged again with stale=true', () => {
    const nonce = createDigestNonce(secret, 'rec.example', NOW - 301_000);
    const verdict = authenticateTrunk([guarded], input(authorization('s3cret', nonce)));
    expect(verdict).toMatchObject({ ok: false, status: 401, reason: 'digest nonce is stale' });
    if (!verdict.ok && verdict.status === 401) expect(verdict.challenge).toMatch(/stale=true$/);
  });

  it('a nonce under another key (another recorder, a restart) is challenged again, not refused', () => {
    const nonce = createDigestNonce(Buffer.alloc(32, 4), 'rec.example', NOW);
    expect(authenticateTrunk([guarded], input(authorization('s3cret', nonce)))).toMatchObject({
      ok: false,
      status: 401,
      reason: 'nonce was not issued by this recorder',
    });
  });

  it('credentials for an unknown user: an open trunk still admits, otherwise 401', () => {
    const nonce = createDigestNonce(secret, 'rec.example', NOW);
    const stranger = authorization('s3cret', nonce, 'nobody');
    expect(authenticateTrunk([guarded, open], input(stranger))).toEqual({ ok: true, trunk: open });
    expect(authenticateTrunk([guarded], input(stranger))).toMatchObject({
      ok: false,
      status: 401,
      reason: 'credentials for an unknown user or realm',
    });
  });

  it('no trunk at all is a 403', () => {
    expect(authenticateTrunk([], input())).toEqual({
      ok: false,
      status: 403,
      reason: 'no usable recording trunk',
    });
  });
});
