// The recorder's SRTP against an independent implementation: Debian's libsrtp2, driven by the C
// tool in test-fixtures/srtp/libsrtp-protect.c (built here), protects RTP and RTCP for every
// suite, across a sequence-number wrap, with and without an MKI; the recorder must decrypt each
// packet back to the original bytes, with the TypeScript transform and with the native one the
// capture uses (srtp-native.ts). Without a C compiler or libsrtp2-dev the suite is skipped
// with a warning, except in CI (CI=true) where that is an error.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeRtpPacket } from './rtp-packet.js';
import { createSrtpContextFromSdes, decodeSrtpInlineKey } from './srtp.js';
import { createNativeSrtpContext, type SrtpReceiveContext } from './srtp-native.js';
import { SRTP_CRYPTO_SUITES, srtpInlineKeyLength, type SrtpCryptoSuite } from './srtp-suites.js';

const SOURCE = path.resolve(__dirname, '../../test-fixtures/srtp/libsrtp-protect.c');

function missing(): string | null {
  try {
    execFileSync('cc', ['--version'], { stdio: 'pipe' });
  } catch {
    return 'no C compiler (cc)';
  }
  if (!fs.existsSync('/usr/include/srtp2/srtp.h')) return 'libsrtp2-dev is not installed';
  return null;
}

const problem = missing();
if (problem && process.env.CI === 'true')
  throw new Error(`CI: ${problem}; libsrtp interop may not skip`);
if (problem) console.warn(`libsrtp interop NOT run: ${problem} (required in CI)`);

function buildTool(): string {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cv-libsrtp-')), 'libsrtp-protect');
  execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', out, SOURCE, '-lsrtp2']);
  return out;
}

interface Frame {
  rtcp: boolean;
  bytes: Uint8Array;
}

/** Protect the frames with libsrtp: the tool's framing is kind (1 byte), length (2), packet. */
function libsrtpProtect(
  tool: string,
  suite: SrtpCryptoSuite,
  keySalt: Uint8Array,
  frames: readonly Frame[],
  mki?: Uint8Array,
): Uint8Array[] {
  const input = Buffer.concat(
    frames.flatMap((f) => {
      const head = Buffer.alloc(3);
      head[0] = f.rtcp ? 1 : 0;
      head.writeUInt16BE(f.bytes.length, 1);
      return [head, Buffer.from(f.bytes)];
    }),
  );
  const args = [suite, Buffer.from(keySalt).toString('hex')];
  if (mki) args.push(Buffer.from(mki).toString('hex'));
  const output = execFileSync(tool, args, { input, maxBuffer: 16 << 20 });
  const packets: Uint8Array[] = [];
  for (let offset = 0; offset < output.length;) {
    const length = output.readUInt16BE(offset + 1);
    packets.push(new Uint8Array(output.subarray(offset + 3, offset + 3 + length)));
    offset += 3 + length;
  }
  return packets;
}

/** 300 RTP packets on two SSRCs across the 16-bit wrap, sizes varying, with RTCP among them. */
function traffic(): Frame[] {
  const frames: Frame[] = [];
  for (let i = 0; i < 300; i++) {
    for (const ssrc of [0x0badcafe, 0x12345678]) {
      const payload = Uint8Array.from(
        { length: 20 + ((i * 37) % 160) },
        (_, k) => (k * 13 + i) & 0xff,
      );
      frames.push({
        rtcp: false,
        bytes: serializeRtpPacket({
          payloadType: 0,
          sequenceNumber: (65400 + i) & 0xffff,
          timestamp: (i * 160) >>> 0,
          ssrc,
          marker: i === 0,
          payload,
        }),
      });
    }
    if (i % 50 === 0) {
      // A receiver report (RFC 3550 §6.4.2) with one report block.
      const rr = Buffer.alloc(32);
      rr.writeUInt32BE(0x81c90007, 0);
      rr.writeUInt32BE(0x0badcafe, 4);
      rr.writeUInt32BE(0x12345678, 8);
      rr.writeUInt32BE(i, 12);
      frames.push({ rtcp: true, bytes: new Uint8Array(rr) });
    }
  }
  return frames;
}

/** The receive contexts under test for an SDES key: TypeScript, then native. */
function receiversFor(
  suite: SrtpCryptoSuite,
  keyParams: string,
): Array<[string, SrtpReceiveContext]> {
  const made = createSrtpContextFromSdes(suite, keyParams);
  const key = decodeSrtpInlineKey(keyParams, suite);
  if (!made.ok || !key.ok) throw new Error(`key refused: ${keyParams}`);
  const native = createNativeSrtpContext({ suite, ...key });
  // Not skipped when missing: `make deps` builds it, and the capture uses it.
  if (!native) throw new Error('the srtp-unprotect addon is not built: run `make deps`');
  return [
    ['TypeScript', made.context],
    ['native', native],
  ];
}

describe.skipIf(problem !== null)('SRTP against libsrtp2 (an independent implementation)', () => {
  const tool = problem === null ? buildTool() : '';
  const frames = traffic();

  describe.each(SRTP_CRYPTO_SUITES)('%s', (suite) => {
    const keySalt = Uint8Array.from(
      { length: srtpInlineKeyLength(suite) },
      (_, i) => (i * 29 + suite.length) & 0xff,
    );
    const inline = `inline:${Buffer.from(keySalt).toString('base64')}`;

    it.each([
      ['without an MKI', undefined, ''],
      ['with a 4-byte MKI (RFC 4568 §6.1 "258:4")', Uint8Array.of(0, 0, 1, 2), '|258:4'],
    ])(
      'libsrtp-protected RTP and RTCP, %s, across the sequence wrap, decrypt byte for byte',
      (_, mki, mkiParam) => {
        const protectedPackets = libsrtpProtect(tool, suite, keySalt, frames, mki);
        expect(protectedPackets).toHaveLength(frames.length);
        for (const [name, receiver] of receiversFor(suite, inline + mkiParam)) {
          let rtpCount = 0;
          protectedPackets.forEach((protectedPacket, i) => {
            const frame = frames[i]!;
            // The native receiver decrypts in place: each receiver gets its own copy.
            const packet = Uint8Array.from(protectedPacket);
            const result = frame.rtcp
              ? receiver.unprotectRtcp(packet)
              : receiver.unprotectRtp(packet);
            if (!result.ok) {
              throw new Error(
                `${name}: packet ${i} (${frame.rtcp ? 'RTCP' : 'RTP'}): ${result.reason}`,
              );
            }
            expect(Buffer.from(result.packet).equals(Buffer.from(frame.bytes))).toBe(true);
            if (!frame.rtcp) rtpCount++;
          });
          expect(rtpCount).toBe(600);
          // The last packets are past the wrap: their index carries ROC 1 (RFC 3711 §3.3.1).
          const last = receiver.unprotectRtp(Uint8Array.from(protectedPackets.at(-1)!));
          expect(last).toEqual({ ok: false, reason: 'replayed' });
        }
      },
    );

    it('a libsrtp packet with one bit flipped is refused', () => {
      const [first] = libsrtpProtect(tool, suite, keySalt, frames.slice(0, 1));
      const forged = Uint8Array.from(first!);
      forged[forged.length - 1]! ^= 0x20;
      for (const [, receiver] of receiversFor(suite, inline)) {
        expect(receiver.unprotectRtp(Uint8Array.from(forged))).toEqual({
          ok: false,
          reason: 'auth-failed',
        });
      }
    });
  });
});
