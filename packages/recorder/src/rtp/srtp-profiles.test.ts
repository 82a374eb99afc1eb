// Known answers for the AES-256 and AES-GCM suites: RFC 6188 §7.1/§7.2 (AES_256_CM keystream and
// key derivation), libsrtp's AES_256_CM_HMAC_SHA1_80 reference packet (its srtp_driver test with
// the RFC 6188 master key), RFC 7714 §16.1.1/§16.2.1 (SRTP) and §17.1/§17.2/§17.3 (SRTCP).
import { describe, expect, it } from 'vitest';
import { serializeRtpPacket } from './rtp-packet.js';
import { createSrtpContextFromSdes, decodeSrtpInlineKey, SrtpContext } from './srtp.js';
import {
  AesCmCipher,
  deriveSrtpKey,
  deriveSrtpSessionKeys,
  generateSrtpKeystream,
} from './srtp-kdf.js';
import { SRTP_CRYPTO_SUITES, srtpInlineKeyLength, type SrtpCryptoSuite } from './srtp-suites.js';

function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

const KEY_256 = hex('f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6');
const SALT_256 = hex('3b04803de51ee7c96423ab5b78d2');

describe('AES_256_CM_HMAC_SHA1_80 (RFC 6188)', () => {
  it('RFC 6188 §7.1: AES_256_CM keystream for the given session key and IV', () => {
    const keystream = generateSrtpKeystream(
      hex('57f82fe3613fd170a85ec93c40b1f0922ec4cb0dc025b58272147cc438944a98'),
      hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000'),
      48,
    );
    expect(toHex(keystream)).toBe(
      '92bdd28a93c3f52511c677d08b5515a4' +
        '9da71b2378a854f67050756ded165bac' +
        '63c4868b7096d88421b563b8c94c9a31',
    );
  });

  it('the per-packet AES-CM cipher (ECB of the counter blocks) gives the RFC 3711 B.2 and RFC 6188 §7.1 keystreams', () => {
    const iv = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000');
    expect(
      toHex(
        new AesCmCipher(hex('2B7E151628AED2A6ABF7158809CF4F3C')).transform(iv, new Uint8Array(48)),
      ),
    ).toBe(
      'e03ead0935c95e80e166b16dd92b4eb4d23513162b02d0f72a43a2fe4a5f97ab41e95b3bb0a2e8dd477901e4fca894c0',
    );
    const key256 = hex('57f82fe3613fd170a85ec93c40b1f0922ec4cb0dc025b58272147cc438944a98');
    const cipher = new AesCmCipher(key256);
    // Long and odd lengths (300 blocks and a partial block) match the CTR keystream too.
    const data = Uint8Array.from({ length: 4801 }, (_, i) => i & 0xff);
    const expected = Buffer.from(generateSrtpKeystream(key256, iv, data.length)).map(
      (k, i) => k ^ data[i]!,
    );
    expect(toHex(cipher.transform(iv, data))).toBe(toHex(expected));
    expect(toHex(cipher.transform(iv, new Uint8Array(16)))).toBe(
      '92bdd28a93c3f52511c677d08b5515a4',
    );
  });

  it('RFC 6188 §7.2: AES_256_CM_PRF gives the cipher key, cipher salt and auth key', () => {
    expect(toHex(deriveSrtpKey(KEY_256, SALT_256, 0x00, 32))).toBe(
      '5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4',
    );
    const keys = deriveSrtpSessionKeys(KEY_256, SALT_256);
    expect(toHex(keys.salt)).toBe('fa31791685ca444a9e07c6c64e93');
    expect(toHex(keys.authenticationKey)).toBe('fd9c32d39ed5fbb5a9dc96b30818454d1313dc05');
  });

  // libsrtp test/srtp_driver.c: srtp_aes256_icm_hmac_sha1_80 with the RFC 6188 master key.
  const PLAIN = '800f1234decafbadcafebabe' + 'ab'.repeat(16);
  const CIPHER =
    '800f1234decafbadcafebabe' + 'f1d9de17ff251ff1aa007774b0b4b40d' + 'a08d9d9a5b3a55d8873b';

  it('protects and unprotects the libsrtp AES-256 reference packet byte for byte', () => {
    const context = (): SrtpContext =>
      new SrtpContext({
        suite: 'AES_256_CM_HMAC_SHA1_80',
        masterKey: KEY_256,
        masterSalt: SALT_256,
      });
    expect(toHex(context().protectRtp(hex(PLAIN)))).toBe(CIPHER);
    const result = context().unprotectRtp(hex(CIPHER));
    expect(result.ok && toHex(result.packet)).toBe(PLAIN);
  });
});

describe('AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 7714)', () => {
  const KEY_128 = hex('000102030405060708090a0b0c0d0e0f');
  const KEY_GCM_256 = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
  /** "Quid pro quo". */
  const SALT = hex('517569642070726f2071756f');
  /** §16: "Gallia est omnis divisa in partes tres", SSRC 0x5501a0b2, sequence 0xf17b, ROC 0. */
  const RTP =
    '8040f17b8041f8d35501a0b2' +
    '47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573';
  const SRTP_128 =
    '8040f17b8041f8d35501a0b2' +
    'f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833' +
    '899d7f27beb16a9152cf765ee4390cce';
  const SRTP_256 =
    '8040f17b8041f8d35501a0b2' +
    '32b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b' +
    '7aa3db36dfffd6b0f9bb7878d7a76c13';
  /** §17: the SRTCP examples' RTCP packet (SSRC "Mars") and index 0x5d4. */
  const RTCP =
    '81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61' +
    'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef';
  const SRTCP_128 =
    '81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda' +
    '4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4';
  const SRTCP_256 =
    '81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be' +
    '8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4';
  const SRTCP_128_UNENCRYPTED = RTCP + '841dd9683dd78ec92ae58790125f62b3' + '000005d4';
  const SRTCP_INDEX = 0x5d4;

  function vectorContext(suite: 'AEAD_AES_128_GCM' | 'AEAD_AES_256_GCM'): SrtpContext {
    const key = suite === 'AEAD_AES_128_GCM' ? KEY_128 : KEY_GCM_256;
    const keys = {
      encryptionKey: Buffer.from(key),
      authenticationKey: Buffer.alloc(0),
      salt: Buffer.from(SALT),
    };
    return new SrtpContext({ suite, rtp: keys, rtcp: keys });
  }

  it.each([
    ['RFC 7714 §16.1.1', 'AEAD_AES_128_GCM', SRTP_128],
    ['RFC 7714 §16.2.1', 'AEAD_AES_256_GCM', SRTP_256],
  ] as const)('%s: %s SRTP encryption and decryption byte for byte', (_, suite, expected) => {
    expect(toHex(vectorContext(suite).protectRtp(hex(RTP)))).toBe(expected);
    const result = vectorContext(suite).unprotectRtp(hex(expected));
    expect(result.ok && toHex(result.packet)).toBe(RTP);
  });

  it.each([
    ['RFC 7714 §17.1', 'AEAD_AES_128_GCM', SRTCP_128],
    ['RFC 7714 §17.2', 'AEAD_AES_256_GCM', SRTCP_256],
  ] as const)('%s: %s SRTCP encryption and decryption byte for byte', (_, suite, expected) => {
    const result = vectorContext(suite).unprotectRtcp(hex(expected));
    expect(result.ok && toHex(result.packet)).toBe(RTCP);
    expect(result.ok && result.index).toBe(SRTCP_INDEX);
    const sender = vectorContext(suite);
    // The sender counts its SRTCP index from 1: send up to the vector's index.
    for (let i = 1; i < SRTCP_INDEX; i++) sender.protectRtcp(hex(RTCP));
    expect(toHex(sender.protectRtcp(hex(RTCP)))).toBe(expected);
  });

  it('RFC 7714 §17.3: SRTCP with E = 0 is authenticated only, the whole packet as associated data', () => {
    const result = vectorContext('AEAD_AES_128_GCM').unprotectRtcp(hex(SRTCP_128_UNENCRYPTED));
    expect(result.ok && toHex(result.packet)).toBe(RTCP);
    const forged = hex(SRTCP_128_UNENCRYPTED);
    forged[20]! ^= 1;
    expect(vectorContext('AEAD_AES_128_GCM').unprotectRtcp(forged)).toEqual({
      ok: false,
      reason: 'auth-failed',
    });
  });

  it('RFC 7714 §8: a flipped bit anywhere (header = associated data, payload, tag) fails authentication', () => {
    for (const position of [0, 3, 11, 12, 40, 50, 65]) {
      const forged = hex(SRTP_128);
      forged[position]! ^= 0x04;
      expect(vectorContext('AEAD_AES_128_GCM').unprotectRtp(forged)).toEqual({
        ok: false,
        reason: 'auth-failed',
      });
    }
  });

  it('RFC 7714 §11 with erratum 4938: the 12-byte master salt is padded to 14 bytes for the KDF', () => {
    const masterKey = hex('e1f97a0d3e018be0d64fa32c06de4139');
    const salt12 = hex('0ec675ad498afeebb6960b3a');
    const padded = Uint8Array.from([...salt12, 0, 0]);
    expect(toHex(deriveSrtpKey(masterKey, salt12, 0, 16))).toBe(
      toHex(deriveSrtpKey(masterKey, padded, 0, 16)),
    );
    const keys = deriveSrtpSessionKeys(masterKey, salt12, false, false);
    expect(keys.salt.length).toBe(12);
    expect(keys.authenticationKey.length).toBe(0);
  });
});

function rtp(seq: number, payload: string, ssrc = 0x11223344): Uint8Array {
  return serializeRtpPacket({
    payloadType: 0,
    sequenceNumber: seq,
    timestamp: seq * 160,
    ssrc,
    payload: Buffer.from(payload),
  });
}

function keyFor(
  suite: SrtpCryptoSuite,
  seed: number,
): { masterKey: Uint8Array; masterSalt: Uint8Array } {
  const material = Uint8Array.from(
    { length: srtpInlineKeyLength(suite) },
    (_, i) => (i * 7 + seed) & 0xff,
  );
  const keyLength = suite.includes('256') ? 32 : 16;
  return { masterKey: material.subarray(0, keyLength), masterSalt: material.subarray(keyLength) };
}

describe.each(SRTP_CRYPTO_SUITES)('%s round trips', (suite) => {
  it('RFC 3711 §3.3.1: across a sequence-number wrap the ROC advances on both sides', () => {
    const sender = new SrtpContext({ suite, ...keyFor(suite, 1) });
    const receiver = new SrtpContext({ suite, ...keyFor(suite, 1) });
    for (let i = 0; i < 100; i++) {
      const seq = (65500 + i) & 0xffff;
      const plain = rtp(seq, `frame ${i}`);
      const result = receiver.unprotectRtp(sender.protectRtp(plain));
      expect(result.ok && toHex(result.packet)).toBe(toHex(plain));
      expect(result.ok && result.index).toBe(65500 + i);
    }
  });

  it('RFC 3711 §3.4 / RFC 7714 §9: SRTCP round trips and is replay-protected', () => {
    const sender = new SrtpContext({ suite, ...keyFor(suite, 2) });
    const receiver = new SrtpContext({ suite, ...keyFor(suite, 2) });
    const report = hex('80c90001' + '11223344');
    const protectedReport = sender.protectRtcp(report);
    expect(receiver.unprotectRtcp(protectedReport)).toEqual({ ok: true, packet: report, index: 1 });
    expect(receiver.unprotectRtcp(protectedReport)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('a packet under another key fails authentication', () => {
    const sender = new SrtpContext({ suite, ...keyFor(suite, 3) });
    const receiver = new SrtpContext({ suite, ...keyFor(suite, 4) });
    expect(receiver.unprotectRtp(sender.protectRtp(rtp(1, 'x')))).toEqual({
      ok: false,
      reason: 'auth-failed',
    });
  });

  it('RFC 4568 §6.1: the signalled MKI is carried in each packet; another MKI is refused', () => {
    const mki = hex('0007');
    const sender = new SrtpContext({ suite, ...keyFor(suite, 5), mkiLength: 2, mki });
    const receiver = new SrtpContext({ suite, ...keyFor(suite, 5), mkiLength: 2, mki });
    const plain = rtp(9, 'with mki');
    const packet = sender.protectRtp(plain);
    const result = receiver.unprotectRtp(packet);
    expect(result.ok && toHex(result.packet)).toBe(toHex(plain));
    const other = new SrtpContext({ suite, ...keyFor(suite, 5), mkiLength: 2, mki: hex('0008') });
    expect(other.unprotectRtp(sender.protectRtp(rtp(10, 'x')))).toEqual({
      ok: false,
      reason: 'unknown-mki',
    });
    const rtcp = sender.protectRtcp(hex('80c90001' + '11223344'));
    expect(receiver.unprotectRtcp(rtcp).ok).toBe(true);
  });
});

describe('SDES inline keys per suite (RFC 4568 §6.1)', () => {
  it('key||salt lengths: 30 (AES_CM_128), 46 (AES_256_CM), 28 (GCM 128), 44 (GCM 256)', () => {
    expect(SRTP_CRYPTO_SUITES.map((s) => [s, srtpInlineKeyLength(s)])).toEqual([
      ['AEAD_AES_256_GCM', 44],
      ['AES_256_CM_HMAC_SHA1_80', 46],
      ['AEAD_AES_128_GCM', 28],
      ['AES_CM_128_HMAC_SHA1_80', 30],
      ['AES_CM_128_HMAC_SHA1_32', 30],
    ]);
  });

  it('the MKI value is decimal, carried big-endian in mki-length bytes', () => {
    const inline = Buffer.alloc(28, 1).toString('base64');
    const result = decodeSrtpInlineKey(`inline:${inline}|2^31|258:3`, 'AEAD_AES_128_GCM');
    expect(result.ok && toHex(result.mki ?? new Uint8Array())).toBe('000102');
    expect(decodeSrtpInlineKey(`inline:${inline}|256:1`, 'AEAD_AES_128_GCM').ok).toBe(false);
  });

  it('builds a working context for every suite from its inline key', () => {
    for (const suite of SRTP_CRYPTO_SUITES) {
      const { masterKey, masterSalt } = keyFor(suite, 9);
      const inline = `inline:${Buffer.concat([masterKey, masterSalt]).toString('base64')}|1:1`;
      const made = createSrtpContextFromSdes(suite, inline);
      expect(made.ok).toBe(true);
      if (!made.ok) continue;
      const sender = new SrtpContext({
        suite,
        masterKey,
        masterSalt,
        mkiLength: 1,
        mki: hex('01'),
      });
      const plain = rtp(5, suite);
      const result = made.context.unprotectRtp(sender.protectRtp(plain));
      expect(result.ok && toHex(result.packet)).toBe(toHex(plain));
    }
  });
});
