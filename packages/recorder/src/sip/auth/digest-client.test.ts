import { describe, expect, it } from 'vitest';
import {
  buildDigestChallenge,
  computeDigestHa1,
  createDigestNonce,
  parseDigestCredentials,
  verifyDigestCredentials,
} from './digest-auth.js';
import { answerDigestChallenge, parseDigestChallenge } from './digest-client.js';

describe('digest client: answering a challenge (RFC 3261 §22.2, RFC 7616)', () => {
  it('RFC 2617 §3.5: the Mufasa example gives the published response', () => {
    const challenge = parseDigestChallenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    expect(challenge).toEqual({
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      algorithm: 'MD5',
      opaque: '5ccc069c403ebaf9f0171e9517f40e41',
      qop: ['auth', 'auth-int'],
      stale: false,
    });
    const value = answerDigestChallenge({
      challenge: challenge!,
      username: 'Mufasa',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      cnonce: '0a4f113b',
      nonceCount: 1,
    });
    const credentials = parseDigestCredentials(value);
    expect(credentials).toMatchObject({
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
      opaque: '5ccc069c403ebaf9f0171e9517f40e41',
      response: '6629fae49393a05397450978507c4ef1',
    });
  });

  it('RFC 7616 §3.9.1: the SHA-256 and MD5 examples give the published responses', () => {
    for (const [algorithm, expected] of [
      ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
      ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ] as const) {
      const challenge = parseDigestChallenge(
        `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
      )!;
      const value = answerDigestChallenge({
        challenge,
        username: 'Mufasa',
        password: 'Circle of Life',
        method: 'GET',
        uri: '/dir/index.html',
        cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
        nonceCount: 1,
      });
      expect(parseDigestCredentials(value)?.response).toBe(expected);
    }
  });

  it("answers the recorder's own (MD5) challenge so that its check accepts it, and a wrong password not", () => {
    const secret = new Uint8Array(32).fill(7);
    for (const algorithm of ['MD5'] as const) {
      const nonce = createDigestNonce(secret, 'vendor.example', 1_000);
      const header = buildDigestChallenge({ realm: 'vendor.example', nonce, algorithm });
      const challenge = parseDigestChallenge(header)!;
      const value = answerDigestChallenge({
        challenge,
        username: 'callvault',
        password: 's3cret',
        method: 'INVITE',
        uri: 'sip:srs@vendor.example',
        cnonce: 'abc123',
        nonceCount: 1,
      });
      const verdict = verifyDigestCredentials({
        credentials: parseDigestCredentials(value)!,
        method: 'INVITE',
        username: 'callvault',
        realm: 'vendor.example',
        ha1: computeDigestHa1('callvault', 'vendor.example', 's3cret', algorithm),
        secret,
        nowMs: 2_000,
      });
      expect(verdict).toEqual({ ok: true });
      const wrong = answerDigestChallenge({
        challenge,
        username: 'callvault',
        password: 'wrong',
        method: 'INVITE',
        uri: 'sip:srs@vendor.example',
        cnonce: 'abc123',
        nonceCount: 1,
      });
      expect(
        verifyDigestCredentials({
          credentials: parseDigestCredentials(wrong)!,
          method: 'INVITE',
          username: 'callvault',
          realm: 'vendor.example',
          ha1: computeDigestHa1('callvault', 'vendor.example', 's3cret', algorithm),
          secret,
          nowMs: 2_000,
        }).ok,
      ).toBe(false);
    }
  });

  it('refuses what it cannot answer: another scheme, no nonce, an unknown algorithm', () => {
    expect(parseDigestChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseDigestChallenge('Digest realm="x"')).toBeUndefined();
    expect(
      parseDigestChallenge('Digest realm="x", nonce="n", algorithm=SHA-512-256'),
    ).toBeUndefined();
    expect(parseDigestChallenge('Digest realm="x", nonce="n", stale=TRUE')?.stale).toBe(true);
  });
});
