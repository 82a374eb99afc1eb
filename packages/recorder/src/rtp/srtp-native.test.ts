// The native SRTP receive path (srtp-unprotect.c through srtp-native.ts) against the TypeScript
// SrtpContext, its reference: the known-answer packets of srtp.test.ts and srtp-profiles.test.ts,
// then the same packet sequences through both receivers, compared result by result and byte for
// byte — across sequence-number wraps (ROC), with MKI, forged, replayed, too old, truncated,
// malformed and unknown-MKI packets, in every suite.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeRtpPacket } from './rtp-packet.js';
import { SrtpContext, type SrtpMasterKey, type SrtpUnprotectResult } from './srtp.js';
import {
  createNativeSrtpContext,
  createSrtpReceiveContext,
  NativeSrtpContext,
  type SrtpReceiveContext,
} from './srtp-native.js';
import { SRTP_CRYPTO_SUITES, srtpInlineKeyLength, type SrtpCryptoSuite } from './srtp-suites.js';

function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Not skipped when missing: `make deps` builds it, and without it SRTP capture is slower. */
function native(key: ConstructorParameters<typeof SrtpContext>[0]): NativeSrtpContext {
  const context = createNativeSrtpContext(key);
  if (!context) throw new Error('the srtp-unprotect addon is not built: run `make deps`');
  return context;
}

/** Results as comparable values (the native packet is a view of the input: copy it). */
function outcome(result: SrtpUnprotectResult): unknown {
  return result.ok
    ? { ok: true, packet: toHex(result.packet), index: result.index }
    : { ok: false, reason: result.reason };
}

describe('native SRTP: the known-answer packets', () => {
  const B3 = {
    masterKey: hex('E1F97A0D3E018BE0D64FA32C06DE4139'),
    masterSalt: hex('0EC675AD498AFEEBB6960B3AABE6'),
  };
  const KEY_256 = hex('f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6');
  const SALT_256 = hex('3b04803de51ee7c96423ab5b78d2');
  const PLAIN = '800f1234decafbadcafebabe' + 'ab'.repeat(16);

  it('libsrtp srtp_driver.c AES_CM_128_HMAC_SHA1_80 reference packet (RFC 3711 B.3 key), index 0x1234', () => {
    const cipher = '800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb';
    const result = native({ suite: 'AES_CM_128_HMAC_SHA1_80', ...B3 }).unprotectRtp(hex(cipher));
    expect(outcome(result)).toEqual({ ok: true, packet: PLAIN, index: 0x1234 });
  });

  it('RFC 6188: the libsrtp AES_256_CM_HMAC_SHA1_80 reference packet', () => {
    const cipher =
      '800f1234decafbadcafebabe' + 'f1d9de17ff251ff1aa007774b0b4b40d' + 'a08d9d9a5b3a55d8873b';
    const context = native({
      suite: 'AES_256_CM_HMAC_SHA1_80',
      masterKey: KEY_256,
      masterSalt: SALT_256,
    });
    expect(outcome(context.unprotectRtp(hex(cipher)))).toEqual({
      ok: true,
      packet: PLAIN,
      index: 0x1234,
    });
  });

  const GCM_RTP =
    '8040f17b8041f8d35501a0b2' +
    '47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573';
  it.each([
    [
      'RFC 7714 §16.1.1',
      'AEAD_AES_128_GCM',
      '000102030405060708090a0b0c0d0e0f',
      '8040f17b8041f8d35501a0b2' +
        'f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833' +
        '899d7f27beb16a9152cf765ee4390cce',
    ],
    [
      'RFC 7714 §16.2.1',
      'AEAD_AES_256_GCM',
      '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
      '8040f17b8041f8d35501a0b2' +
        '32b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b' +
        '7aa3db36dfffd6b0f9bb7878d7a76c13',
    ],
  ] as const)('%s: %s SRTP decryption byte for byte', (_, suite, key, srtp) => {
    const keys = {
      encryptionKey: Buffer.from(hex(key)),
      authenticationKey: Buffer.alloc(0),
      salt: Buffer.from(hex('517569642070726f2071756f')),
    };
    const context = native({ suite, rtp: keys, rtcp: keys });
    expect(outcome(context.unprotectRtp(hex(srtp)))).toEqual({
      ok: true,
      packet: GCM_RTP,
      index: 0xf17b,
    });
    // RFC 7714 §8: the header is associated data, so a flipped header bit fails the tag.
    const forged = hex(srtp);
    forged[1]! ^= 0x01;
    expect(outcome(native({ suite, rtp: keys, rtcp: keys }).unprotectRtp(forged))).toEqual({
      ok: false,
      reason: 'auth-failed',
    });
  });
});

function keyFor(suite: SrtpCryptoSuite, seed: number, mki?: Uint8Array): SrtpMasterKey {
  const material = Uint8Array.from(
    { length: srtpInlineKeyLength(suite) },
    (_, i) => (i * 13 + seed * 7 + 3) & 0xff,
  );
  const keyLength = suite.includes('256') ? 32 : 16;
  return {
    suite,
    masterKey: material.subarray(0, keyLength),
    masterSalt: material.subarray(keyLength),
    ...(mki ? { mkiLength: mki.length, mki } : {}),
  };
}

/** An RTP packet with the optional CSRCs and header extension a receiver must step over. */
function rtp(
  seq: number,
  ssrc: number,
  payloadLength: number,
  extras: { csrcs?: number[]; extension?: boolean } = {},
): Uint8Array {
  return serializeRtpPacket({
    payloadType: 0,
    sequenceNumber: seq,
    timestamp: (seq * 160) >>> 0,
    ssrc,
    ...(extras.csrcs ? { csrcs: extras.csrcs } : {}),
    ...(extras.extension
      ? { headerExtension: { profile: 0xbede, data: Uint8Array.of(0x10, 0xaa, 0, 0) } }
      : {}),
    payload: Uint8Array.from({ length: payloadLength }, (_, i) => (i * 31 + seq) & 0xff),
  });
}

/** Runs the packets through both receivers (each its own copy) and compares every result. */
function compare(
  key: SrtpMasterKey,
  packets: readonly Uint8Array[],
): { results: unknown[]; reference: SrtpReceiveContext; nativeContext: SrtpReceiveContext } {
  const reference = new SrtpContext(key);
  const nativeContext = native(key);
  const results: unknown[] = [];
  for (const packet of packets) {
    const expected = outcome(reference.unprotectRtp(Uint8Array.from(packet)));
    const copy = Uint8Array.from(packet);
    const got = outcome(nativeContext.unprotectRtp(copy));
    expect(got).toEqual(expected);
    if (!(expected as { ok: boolean }).ok) {
      // A dropped packet is left as it was.
      expect(toHex(copy)).toBe(toHex(packet));
    }
    results.push(got);
  }
  expect(nativeContext.stats).toEqual(reference.stats);
  return { results, reference, nativeContext };
}

describe.each(SRTP_CRYPTO_SUITES)('native SRTP matches the TypeScript SrtpContext: %s', (suite) => {
  it.each([
    ['without MKI', undefined],
    ['with a 2-byte MKI (RFC 4568 §6.1)', hex('0102')],
  ])(
    'RFC 3711 §3.3.1/§3.3.2: wraps, reordering, replays, old, forged, truncated and malformed packets (%s)',
    (_, mki) => {
      const key = keyFor(suite, 1, mki);
      const sender = new SrtpContext(key);
      const protect = (plain: Uint8Array) => sender.protectRtp(plain, mki);
      const ssrc = 0x0badcafe;
      const packets: Uint8Array[] = [];
      const sent: Uint8Array[] = [];
      // Three wraps of the sequence number in steps that keep the ROC estimate unambiguous.
      let seq = 65_000;
      for (let i = 0; i < 40; i++) {
        seq = (seq + (i % 3 === 0 ? 9_000 : 7)) & 0xffff;
        const packet = protect(rtp(seq, ssrc, 160));
        sent.push(packet);
        packets.push(packet);
      }
      // Replays, a reordered packet inside the window and one far behind it.
      packets.push(sent[39]!, sent[38]!, sent[2]!);
      const late = protect(rtp((seq + 40) & 0xffff, ssrc, 20));
      const later = protect(rtp((seq + 41) & 0xffff, ssrc, 20));
      packets.push(later, late, late);
      // RFC 3711 §3.3.1: on a second SSRC, a packet sent just before the wrap arrives after the
      // first ones past it, so it is decrypted with ROC - 1 (and then is a replay).
      const wrapSsrc = 0x0c0ffee0;
      const [w1, w2, held, w3, w4] = [65_520, 65_521, 65_530, 2, 3].map((s) =>
        protect(rtp(s, wrapSsrc, 160)),
      );
      packets.push(w1!, w2!, w3!, w4!, held!, held!);
      // A forged bit in header, payload and tag; every truncation of a genuine packet.
      const genuine = protect(
        rtp((seq + 50) & 0xffff, ssrc, 33, { csrcs: [1, 2], extension: true }),
      );
      for (const position of [1, 12, 30, genuine.length - 1]) {
        const forged = Uint8Array.from(genuine);
        forged[position]! ^= 0x10;
        packets.push(forged);
      }
      for (let cut = 0; cut < genuine.length; cut += 3) packets.push(genuine.subarray(0, cut));
      packets.push(genuine);
      // Not RTP (version 1), an empty payload, and another SSRC whose forged first packet must
      // create no state before its genuine one.
      const v1 = Uint8Array.from(genuine);
      v1[0] = (v1[0]! & 0x3f) | 0x40;
      packets.push(v1, protect(rtp((seq + 51) & 0xffff, ssrc, 0)));
      const other = protect(rtp(40_000, 0x12345678, 160));
      const forgedOther = Uint8Array.from(other);
      forgedOther[20]! ^= 1;
      packets.push(forgedOther, other, protect(rtp(40_001, 0x12345678, 160)));
      // A first packet far ahead of a fresh stream's highest sequence (ROC 0 - 1 wraps to 2^32 - 1).
      packets.push(protect(rtp(39_000, 0x12345678, 10)));
      if (mki) {
        const otherMki = new SrtpContext(keyFor(suite, 1, hex('0103')));
        packets.push(otherMki.protectRtp(rtp((seq + 60) & 0xffff, ssrc, 160)));
      }

      const { results, nativeContext } = compare(key, packets);
      const reasons = new Set(
        results.map((r) => ((r as { ok: boolean }).ok ? 'ok' : (r as { reason: string }).reason)),
      );
      // The sequence exercised every outcome (so the comparison above means something).
      expect([...reasons].sort()).toEqual(
        [
          'ok',
          'auth-failed',
          'bad-header',
          'replayed',
          'too-old',
          'too-short',
          ...(mki ? ['unknown-mki'] : []),
        ].sort(),
      );
      expect(results.filter((r) => (r as { ok: boolean }).ok).length).toBeGreaterThan(40);
      expect(nativeContext.stats['auth-failed']).toBeGreaterThan(0);
    },
  );

  it('random packet sequences (property): every result and decrypted byte is the same', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            step: fc.oneof(
              fc.integer({ min: -200, max: 200 }),
              fc.integer({ min: 20_000, max: 32_000 }),
            ),
            length: fc.integer({ min: 0, max: 300 }),
            replay: fc.boolean(),
            flip: fc.option(fc.nat(), { freq: 5 }),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        (steps) => {
          const key = keyFor(suite, 7);
          const sender = new SrtpContext(key);
          const packets: Uint8Array[] = [];
          let seq = 1_000;
          for (const step of steps) {
            seq = (seq + step.step + 0x10000) & 0xffff;
            const packet = Uint8Array.from(sender.protectRtp(rtp(seq, 0x5555, step.length)));
            if (step.flip !== null) packet[step.flip % packet.length]! ^= 0x80;
            packets.push(packet);
            if (step.replay) packets.push(packet);
          }
          compare(key, packets);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('SRTCP goes through the TypeScript transform and shares the failure counters', () => {
    const key = keyFor(suite, 3);
    const sender = new SrtpContext(key);
    const receiver = native(key);
    const report = hex('80c90001' + '11223344');
    const protectedReport = sender.protectRtcp(report);
    expect(receiver.unprotectRtcp(protectedReport)).toEqual({ ok: true, packet: report, index: 1 });
    expect(receiver.unprotectRtcp(protectedReport)).toEqual({ ok: false, reason: 'replayed' });
    expect(receiver.unprotectRtp(hex('80'))).toEqual({ ok: false, reason: 'bad-header' });
    expect(receiver.stats).toMatchObject({ replayed: 1, 'bad-header': 1 });
  });
});

describe('createSrtpReceiveContext', () => {
  it('is native when the addon is built, and refuses keys of the wrong length as SrtpContext does', () => {
    const key = keyFor('AES_CM_128_HMAC_SHA1_80', 1);
    expect(createSrtpReceiveContext(key)).toBeInstanceOf(NativeSrtpContext);
    const short = { ...key, masterSalt: key.masterSalt.subarray(0, 12) };
    expect(() => createSrtpReceiveContext(short)).toThrow(RangeError);
  });
});
