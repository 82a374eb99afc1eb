import { describe, expect, it } from 'vitest';
import { serializeRtpPacket } from './rtp-packet.js';
import { createSrtpContextFromSdes, decodeSrtpInlineKey, SrtpContext } from './srtp.js';
import { deriveSrtpKey, deriveSrtpSessionKeys, generateSrtpKeystream } from './srtp-kdf.js';
import { estimateSrtpRoc, SrtpReplayWindow } from './srtp-replay.js';
import type { SrtpCryptoSuite } from './srtp-suites.js';

function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

// RFC 3711 Appendix B.3 master key and salt, also used by libsrtp's srtp_driver.c test vectors.
const MASTER_KEY = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
const MASTER_SALT = hex('0EC675AD498AFEEBB6960B3AABE6');

function createContext(suite: SrtpCryptoSuite = 'AES_CM_128_HMAC_SHA1_80'): SrtpContext {
  return new SrtpContext({ suite, masterKey: MASTER_KEY, masterSalt: MASTER_SALT });
}

function rtp(seq: number, payload = 'abababababababababababababababab', ssrc = 0xcafebabe) {
  return serializeRtpPacket({
    payloadType: 15,
    sequenceNumber: seq,
    timestamp: 0xdecafbad,
    ssrc,
    payload: hex(payload),
  });
}

describe('SRTP key derivation and keystream (RFC 3711 Appendix B)', () => {
  it('RFC 3711 B.2: AES-CM keystream for the given session key and IV', () => {
    const keystream = generateSrtpKeystream(
      hex('2B7E151628AED2A6ABF7158809CF4F3C'),
      hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000'),
      48,
    );
    expect(toHex(keystream)).toBe(
      'e03ead0935c95e80e166b16dd92b4eb4' +
        'd23513162b02d0f72a43a2fe4a5f97ab' +
        '41e95b3bb0a2e8dd477901e4fca894c0',
    );
  });

  it('RFC 3711 B.3: cipher key, cipher salt and auth key derived with labels 0, 2 and 1', () => {
    expect(toHex(deriveSrtpKey(MASTER_KEY, MASTER_SALT, 0x00, 16))).toBe(
      'c61e7a93744f39ee10734afe3ff7a087',
    );
    expect(toHex(deriveSrtpKey(MASTER_KEY, MASTER_SALT, 0x02, 14))).toBe(
      '30cbbc08863d8c85d49db34a9ae1',
    );
    const keys = deriveSrtpSessionKeys(MASTER_KEY, MASTER_SALT);
    expect(toHex(keys.authenticationKey)).toBe('cebe321f6ff7716b6fd4ab49af256a156d38baa4');
    expect(toHex(keys.encryptionKey)).toBe('c61e7a93744f39ee10734afe3ff7a087');
    expect(toHex(keys.salt)).toBe('30cbbc08863d8c85d49db34a9ae1');
  });
});

describe('SrtpContext (RFC 3711 §3, AES_CM_128_HMAC_SHA1_80 / _32)', () => {
  // libsrtp srtp_driver.c reference packets for AES_CM_128_HMAC_SHA1_80 with the B.3 key.
  const SRTP_PLAIN = '800f1234decafbadcafebabe' + 'ab'.repeat(16);
  const SRTP_CIPHER =
    '800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb';
  const SRTCP_PLAIN = '81c8000bcafebabe' + 'ab'.repeat(16);
  const SRTCP_CIPHER =
    '81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798';

  it('protects an RTP packet exactly as the libsrtp reference vector', () => {
    expect(toHex(createContext().protectRtp(hex(SRTP_PLAIN)))).toBe(SRTP_CIPHER);
  });

  it('unprotects the libsrtp reference SRTP packet', () => {
    const result = createContext().unprotectRtp(hex(SRTP_CIPHER));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(toHex(result.packet)).toBe(SRTP_PLAIN);
      expect(result.index).toBe(0x1234);
    }
  });

  it('RFC 3711 §3.4: protects and unprotects SRTCP as the libsrtp reference (E=1, index 1)', () => {
    expect(toHex(createContext().protectRtcp(hex(SRTCP_PLAIN)))).toBe(SRTCP_CIPHER);
    const result = createContext().unprotectRtcp(hex(SRTCP_CIPHER));
    expect(result.ok && toHex(result.packet)).toBe(SRTCP_PLAIN);
  });

  it('RFC 3711 §3.3: every truncation of a valid packet fails authentication or length checks', () => {
    const cipher = hex(SRTP_CIPHER);
    for (let length = cipher.length - 1; length > 0; length--) {
      expect(createContext().unprotectRtp(cipher.subarray(0, length)).ok).toBe(false);
    }
    const rtcp = hex(SRTCP_CIPHER);
    for (let length = rtcp.length - 1; length > 0; length--) {
      expect(createContext().unprotectRtcp(rtcp.subarray(0, length)).ok).toBe(false);
    }
  });

  it('RFC 3711 §3.3: a packet with a flipped bit is dropped with reason auth-failed', () => {
    for (const position of [1, 12, 20, 30, 37]) {
      const forged = hex(SRTP_CIPHER);
      forged[position]! ^= 0x01;
      const receiver = createContext();
      expect(receiver.unprotectRtp(forged)).toEqual({ ok: false, reason: 'auth-failed' });
      expect(receiver.stats['auth-failed']).toBe(1);
    }
  });

  it('a forged packet changes no state: the genuine one is still accepted afterwards', () => {
    const receiver = createContext();
    const forged = hex(SRTP_CIPHER);
    forged[15]! ^= 0x80;
    expect(receiver.unprotectRtp(forged).ok).toBe(false);
    expect(receiver.unprotectRtp(hex(SRTP_CIPHER)).ok).toBe(true);
  });

  it('RFC 3711 §3.3.2: a replayed packet is rejected', () => {
    const receiver = createContext();
    expect(receiver.unprotectRtp(hex(SRTP_CIPHER)).ok).toBe(true);
    expect(receiver.unprotectRtp(hex(SRTP_CIPHER))).toEqual({ ok: false, reason: 'replayed' });
    expect(receiver.unprotectRtcp(hex(SRTCP_CIPHER)).ok).toBe(true);
    expect(receiver.unprotectRtcp(hex(SRTCP_CIPHER))).toEqual({ ok: false, reason: 'replayed' });
    expect(receiver.stats.replayed).toBe(2);
  });

  it('RFC 3711 §3.3.2: packets older than the replay window are rejected, reordered ones inside pass', () => {
    const sender = createContext();
    const receiver = createContext();
    const packets = Array.from({ length: 300 }, (_, i) => sender.protectRtp(rtp(1000 + i)));
    expect(receiver.unprotectRtp(packets[299]!).ok).toBe(true);
    expect(receiver.unprotectRtp(packets[250]!).ok).toBe(true); // 49 behind: inside the window
    expect(receiver.unprotectRtp(packets[10]!)).toEqual({ ok: false, reason: 'too-old' });
  });

  it.each(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const)(
    'round-trips %s across a sequence number wrap (ROC increments, RFC 3711 §3.3.1)',
    (suite) => {
      const sender = createContext(suite);
      const receiver = createContext(suite);
      const tagLength = suite === 'AES_CM_128_HMAC_SHA1_80' ? 10 : 4;
      for (let i = 0; i < 200; i++) {
        const seq = (65436 + i) & 0xffff;
        const plain = rtp(seq, Buffer.from(`frame ${i}`).toString('hex'));
        const protectedPacket = sender.protectRtp(plain);
        expect(protectedPacket.length).toBe(plain.length + tagLength);
        const result = receiver.unprotectRtp(protectedPacket);
        expect(result.ok).toBe(true);
        if (result.ok) {
          expect(toHex(result.packet)).toBe(toHex(plain));
          expect(result.index).toBe(65436 + i);
        }
      }
    },
  );

  it('RFC 3711 §3.3.1: a packet from before the wrap, arriving after it, is decrypted with ROC - 1', () => {
    const sender = createContext();
    const receiver = createContext();
    const [p65534, p65535, p0, p1] = [65534, 65535, 0, 1].map((seq) => sender.protectRtp(rtp(seq)));
    const indexes = [p65534!, p0!, p65535!, p1!].map((packet) => {
      const result = receiver.unprotectRtp(packet);
      return result.ok ? result.index : result.reason;
    });
    expect(indexes).toEqual([65534, 65536, 65535, 65537]);
  });

  it('RFC 3711 §3.3.1: estimateSrtpRoc picks the index closest to the highest one seen', () => {
    expect(estimateSrtpRoc(10, 65530, 0)).toBe(1);
    expect(estimateSrtpRoc(65530, 10, 1)).toBe(0);
    expect(estimateSrtpRoc(200, 100, 3)).toBe(3);
    expect(estimateSrtpRoc(40000, 39000, 3)).toBe(3);
  });

  it('RFC 3711 §3.4: SRTCP arriving first does not disturb the RTP rollover state of its SSRC', () => {
    const sender = createContext();
    const receiver = createContext();
    expect(receiver.unprotectRtcp(sender.protectRtcp(hex(SRTCP_PLAIN))).ok).toBe(true);
    const result = receiver.unprotectRtp(sender.protectRtp(rtp(50000)));
    expect(result.ok && result.index).toBe(50000);
  });

  it('SRTP protects each SSRC with its own index space', () => {
    const sender = createContext();
    const receiver = createContext();
    const a = sender.protectRtp(rtp(7, 'aa', 1));
    const b = sender.protectRtp(rtp(7, 'aa', 2));
    expect(toHex(a.subarray(12))).not.toBe(toHex(b.subarray(12)));
    expect(receiver.unprotectRtp(a).ok).toBe(true);
    expect(receiver.unprotectRtp(b).ok).toBe(true);
  });

  it('RFC 4568 §6.1: an MKI field sits between the payload and the tag and is not authenticated', () => {
    const key = {
      suite: 'AES_CM_128_HMAC_SHA1_80' as const,
      masterKey: MASTER_KEY,
      masterSalt: MASTER_SALT,
      mkiLength: 4,
    };
    const sender = new SrtpContext(key);
    const receiver = new SrtpContext(key);
    const plain = rtp(42);
    const protectedPacket = sender.protectRtp(plain, hex('00000001'));
    expect(protectedPacket.length).toBe(plain.length + 4 + 10);
    expect(toHex(protectedPacket.subarray(plain.length, plain.length + 4))).toBe('00000001');
    const result = receiver.unprotectRtp(protectedPacket);
    expect(result.ok && toHex(result.packet)).toBe(toHex(plain));
    const rtcp = sender.protectRtcp(hex(SRTCP_PLAIN), hex('00000001'));
    expect(receiver.unprotectRtcp(rtcp).ok).toBe(true);
  });
});

describe('SrtpReplayWindow', () => {
  it('accepts new indexes, rejects repeats and anything a full window behind', () => {
    const window = new SrtpReplayWindow(64);
    window.record(100);
    expect(window.check(100)).toBe('replayed');
    expect(window.check(99)).toBe('ok');
    expect(window.check(101)).toBe('ok');
    expect(window.check(36)).toBe('too-old');
    window.record(164);
    expect(window.check(100)).toBe('too-old');
    expect(window.check(101)).toBe('ok');
  });
});

describe('decodeSrtpInlineKey (RFC 4568 §6.1)', () => {
  it('splits the 30-byte inline key into master key and salt, with lifetime and MKI', () => {
    const material = Buffer.concat([Buffer.from(MASTER_KEY), Buffer.from(MASTER_SALT)]);
    const result = decodeSrtpInlineKey(`inline:${material.toString('base64')}|2^20|1:4`);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(toHex(result.masterKey)).toBe(toHex(MASTER_KEY));
      expect(toHex(result.masterSalt)).toBe(toHex(MASTER_SALT));
      expect(result.mkiLength).toBe(4);
    }
  });

  it('RFC 4568 §4: the example key "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz" is 30 bytes', () => {
    const result = decodeSrtpInlineKey('inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4');
    expect(result.ok && result.mkiLength).toBe(4);
  });

  it('rejects other key methods and wrong key lengths', () => {
    expect(decodeSrtpInlineKey('uri:https://example.com/key').ok).toBe(false);
    expect(decodeSrtpInlineKey('inline:AAAA').ok).toBe(false);
  });
});

describe('createSrtpContextFromSdes (RFC 4568 §9.1)', () => {
  const inline = `inline:${Buffer.concat([Buffer.from(MASTER_KEY), Buffer.from(MASTER_SALT)]).toString('base64')}`;

  it('builds a context that decrypts the libsrtp reference packet', () => {
    const result = createSrtpContextFromSdes('AES_CM_128_HMAC_SHA1_80', inline);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const cipher = hex(
      '800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb',
    );
    expect(result.context.unprotectRtp(cipher).ok).toBe(true);
    expect(result.context.suite).toBe('AES_CM_128_HMAC_SHA1_80');
  });

  it('declines suites it does not implement and keys of the wrong length for the suite', () => {
    // 30 bytes is an AES_CM_128 key; AEAD_AES_128_GCM needs 16 + 12 = 28.
    expect(createSrtpContextFromSdes('AEAD_AES_128_GCM', inline)).toEqual({
      ok: false,
      reason: 'key||salt is 30 bytes, expected 28',
    });
    expect(createSrtpContextFromSdes('F8_128_HMAC_SHA1_80', inline).ok).toBe(false);
    expect(createSrtpContextFromSdes('AES_CM_128_HMAC_SHA1_32', 'inline:AAAA').ok).toBe(false);
  });
});
