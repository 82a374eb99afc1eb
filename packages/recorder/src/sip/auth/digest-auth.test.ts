import { describe, expect, it } from 'vitest';
import {
  buildDigestChallenge,
  checkDigestNonce,
  computeDigestHa1,
  computeDigestResponse,
  createDigestNonce,
  parseDigestCredentials,
  verifyDigestCredentials,
} from './digest-auth.js';

const secret = Buffer.from('0123456789abcdef0123456789abcdef');

describe('digest credentials', () => {
  it('RFC 2617 §3.5: the example Authorization header gives response 6629fae4…', () => {
    const credentials = parseDigestCredentials(
      'Digest username="Mufasa", realm="testrealm@host.com", ' +
        'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, ' +
        'nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", ' +
        'opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    expect(credentials).toMatchObject({
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      algorithm: 'MD5',
      qop: 'auth',
      nc: '00000001',
      opaque: '5ccc069c403ebaf9f0171e9517f40e41',
    });
    const ha1 = computeDigestHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life');
    expect(
      computeDigestResponse({
        ha1,
        algorithm: 'MD5',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        qop: 'auth',
        nc: '00000001',
        cnonce: '0a4f113b',
      }),
    ).toBe(credentials?.response);
  });

  it('RFC 7616 §3.9.1: SHA-256 and MD5 example responses', () => {
    const common = {
      method: 'GET',
      uri: '/dir/index.html',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    };
    const realm = 'http-auth@example.org';
    expect(
      computeDigestResponse({
        ...common,
        algorithm: 'SHA-256',
        ha1: computeDigestHa1('Mufasa', realm, 'Circle of Life', 'SHA-256'),
      }),
    ).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    expect(
      computeDigestResponse({
        ...common,
        algorithm: 'MD5',
        ha1: computeDigestHa1('Mufasa', realm, 'Circle of Life'),
      }),
    ).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('RFC 3261 §22.4: other schemes, missing parameters and unknown algorithms are not credentials', () => {
    expect(parseDigestCredentials('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toBeUndefined();
    expect(parseDigestCredentials('Digest username="a", realm="r", nonce="n"')).toBeUndefined();
    expect(
      parseDigestCredentials(
        'Digest username="a", realm="r", nonce="n", uri="sip:x", response="0", algorithm=SHA-999',
      ),
    ).toBeUndefined();
    expect(
      parseDigestCredentials(
        'Digest username="a", username="b", realm="r", nonce="n", uri="u", response="0"',
      ),
    ).toBeUndefined();
    expect(parseDigestCredentials('Digest username="unterminated')).toBeUndefined();
  });

  it('RFC 3261 §25.1: quoted-pairs in quoted values are unescaped', () => {
    const credentials = parseDigestCredentials(
      'Digest username="a\\"b", realm="r", nonce="n", uri="sip:x@y", response="ABC"',
    );
    expect(credentials?.username).toBe('a"b');
    expect(credentials?.response).toBe('abc');
    expect(credentials?.qop).toBeUndefined();
  });
});

describe('stateless nonces', () => {
  it('a nonce is valid for its realm until it is older than the maximum age, then stale', () => {
    const nonce = createDigestNonce(secret, 'callvault', 1_000_000);
    expect(checkDigestNonce(secret, 'callvault', nonce, 1_000_000 + 1000, 60_000)).toBe('valid');
    expect(checkDigestNonce(secret, 'callvault', nonce, 1_000_000 + 60_001, 60_000)).toBe('stale');
    expect(checkDigestNonce(secret, 'other', nonce, 1_000_000, 60_000)).toBe('invalid');
    expect(
      checkDigestNonce(Buffer.from('x'.repeat(32)), 'callvault', nonce, 1_000_000, 60_000),
    ).toBe('invalid');
    const tampered = (nonce[0] === 'A' ? 'B' : 'A') + nonce.slice(1);
    expect(checkDigestNonce(secret, 'callvault', tampered, 1_000_000, 60_000)).toBe('invalid');
    expect(checkDigestNonce(secret, 'callvault', 'short', 1_000_000, 60_000)).toBe('invalid');
  });

  it('RFC 7616 §3.3: the challenge names realm, nonce, algorithm and qop, and stale when asked', () => {
    expect(buildDigestChallenge({ realm: 'trunk "a"', nonce: 'n1' })).toBe(
      'Digest realm="trunk \\"a\\"", nonce="n1", algorithm=MD5, qop="auth"',
    );
    expect(buildDigestChallenge({ realm: 'r', nonce: 'n', stale: true })).toMatch(/, stale=true$/);
  });
});

describe('verifying against a stored HA1', () => {
  const realm = 'callvault';
  const ha1 = computeDigestHa1('sbc', realm, 's3cret');
  const now = 5_000_000;

  function authorize(password: string, nonce: string, uri = 'sip:callvault@127.0.0.1') {
    const response = computeDigestResponse({
      ha1: computeDigestHa1('sbc', realm, password),
      algorithm: 'MD5',
      method: 'INVITE',
      uri,
      nonce,
      qop: 'auth',
      nc: '00000001',
      cnonce: 'abc',
    });
    return parseDigestCredentials(
      `Digest username="sbc", realm="${realm}", nonce="${nonce}", uri="${uri}", ` +
        `response="${response}", qop=auth, nc=00000001, cnonce="abc", algorithm=MD5`,
    )!;
  }

  const verify = (credentials: ReturnType<typeof authorize>, nowMs = now) =>
    verifyDigestCredentials({
      credentials,
      method: 'INVITE',
      username: 'sbc',
      realm,
      ha1,
      secret,
      nowMs,
    });

  it('RFC 3261 §22.4: the right password with our fresh nonce is accepted', () => {
    expect(verify(authorize('s3cret', createDigestNonce(secret, realm, now)))).toEqual({
      ok: true,
    });
  });

  it('RFC 3261 §22.4: a wrong password, a forged nonce or another user is refused', () => {
    const nonce = createDigestNonce(secret, realm, now);
    expect(verify(authorize('wrong', nonce))).toMatchObject({ ok: false, stale: false });
    expect(
      verify(authorize('s3cret', createDigestNonce(Buffer.from('k'), realm, now))),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/nonce/),
    });
    const other = verifyDigestCredentials({
      credentials: authorize('s3cret', nonce),
      method: 'INVITE',
      username: 'someone-else',
      realm,
      ha1,
      secret,
      nowMs: now,
    });
    expect(other).toMatchObject({ ok: false, reason: 'unknown digest username' });
  });

  it('RFC 7616 §3.3: correct credentials on an expired nonce are stale, not wrong', () => {
    const nonce = createDigestNonce(secret, realm, now);
    expect(verify(authorize('s3cret', nonce), now + 301_000)).toEqual({
      ok: false,
      stale: true,
      reason: 'nonce is stale',
    });
  });

  it('RFC 2617 §3.2.2: the method is part of the digest (an ACK digest does not authorise INVITE)', () => {
    const nonce = createDigestNonce(secret, realm, now);
    const credentials = authorize('s3cret', nonce);
    expect(
      verifyDigestCredentials({
        credentials,
        method: 'BYE',
        username: 'sbc',
        realm,
        ha1,
        secret,
        nowMs: now,
      }),
    ).toMatchObject({ ok: false, reason: 'digest response does not match' });
  });
});
