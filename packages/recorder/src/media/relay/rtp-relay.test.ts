import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { serializeRtpPacket } from '../../rtp/rtp-packet.js';
import { SrtpContext } from '../../rtp/srtp.js';
import { createRtpRelayStream, type RtpRelayTarget } from './rtp-relay-stream.js';
import { bindUdpRelaySocket } from './udp-relay-socket.js';

const VENDOR: RtpRelayTarget = { address: '198.51.100.7', port: 40002 };

function rtp(seq: number, payload = [1, 2, 3, 4, 5, 6, 7, 8]): Uint8Array {
  return serializeRtpPacket({
    payloadType: 8,
    sequenceNumber: seq,
    timestamp: 160 * seq,
    ssrc: 0x1234abcd,
    payload: Uint8Array.from(payload),
  });
}

function context(keyByte: number): SrtpContext {
  return new SrtpContext({
    suite: 'AES_CM_128_HMAC_SHA1_80',
    masterKey: new Uint8Array(16).fill(keyByte),
    masterSalt: new Uint8Array(14).fill(keyByte + 1),
  });
}

function harness(rekey?: { inbound: SrtpContext; outbound: SrtpContext }) {
  const sent: Array<{ packet: Uint8Array; target: RtpRelayTarget }> = [];
  const stream = createRtpRelayStream({
    ...(rekey ? { rekey } : {}),
    send: (packet, target) => sent.push({ packet, target }),
  });
  return { stream, sent };
}

describe('RTP relay of a forwarded stream', () => {
  it('forwards each RTP packet byte for byte (no decoding: SSRC, sequence, timestamp and payload unchanged)', () => {
    const h = harness();
    h.stream.setTarget(VENDOR);
    const packets = [rtp(1), rtp(2), rtp(3)];
    for (const p of packets) h.stream.relay(p);
    expect(h.sent.map((s) => Buffer.from(s.packet).toString('hex'))).toEqual(
      packets.map((p) => Buffer.from(p).toString('hex')),
    );
    expect(h.sent.every((s) => s.target === VENDOR)).toBe(true);
    expect(h.stream.stats().forwarded).toBe(3);
  });

  it('drops packets until the vendor answered with a target, and after the target is removed', () => {
    const h = harness();
    h.stream.relay(rtp(1));
    h.stream.setTarget(VENDOR);
    h.stream.relay(rtp(2));
    h.stream.setTarget(null);
    h.stream.relay(rtp(3));
    expect(h.sent).toHaveLength(1);
    expect(h.stream.stats()).toMatchObject({ forwarded: 1, droppedNoTarget: 2 });
  });

  it('RFC 3550 §5.1: a datagram shorter than the fixed header or not version 2 is not relayed', () => {
    const h = harness();
    h.stream.setTarget(VENDOR);
    h.stream.relay(new Uint8Array(11).fill(0x80));
    const v1 = rtp(1);
    v1[0] = 0x40;
    h.stream.relay(v1);
    expect(h.sent).toHaveLength(0);
    expect(h.stream.stats().droppedMalformed).toBe(2);
  });

  it('RFC 3711 / RFC 4568: over SRTP each leg has its own key: the relayed packet opens with the outbound key to the inbound plaintext, not with the inbound key', () => {
    const srcSender = context(1);
    const vendorReceiver = context(9);
    const h = harness({ inbound: context(1), outbound: context(9) });
    h.stream.setTarget(VENDOR);
    const clear = rtp(7, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const onWire = srcSender.protectRtp(clear);
    h.stream.relay(onWire);
    const relayed = h.sent[0]!.packet;
    expect(Buffer.from(relayed).equals(Buffer.from(onWire))).toBe(false);
    const opened = vendorReceiver.unprotectRtp(relayed);
    expect(opened.ok && Buffer.from(opened.packet).toString('hex')).toBe(
      Buffer.from(clear).toString('hex'),
    );
    expect(context(1).unprotectRtp(relayed).ok).toBe(false);
  });

  it('RFC 3711 §3.3: an SRTP packet that fails authentication on the inbound leg is not relayed', () => {
    const h = harness({ inbound: context(1), outbound: context(9) });
    h.stream.setTarget(VENDOR);
    h.stream.relay(context(2).protectRtp(rtp(1)));
    expect(h.sent).toHaveLength(0);
    expect(h.stream.stats().droppedSrtp).toEqual({ 'auth-failed': 1 });
  });
});

describe('UDP relay socket', () => {
  it('sends relayed packets from its bound port to the target over loopback', async () => {
    const receiver = createSocket('udp4');
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    const got = new Promise<{ data: Buffer; port: number }>((resolve) =>
      receiver.once('message', (data, rinfo) => resolve({ data, port: rinfo.port })),
    );
    const relay = await bindUdpRelaySocket('127.0.0.1');
    try {
      relay.send(rtp(5), { address: '127.0.0.1', port: receiver.address().port });
      const { data, port } = await got;
      expect(data.toString('hex')).toBe(Buffer.from(rtp(5)).toString('hex'));
      expect(port).toBe(relay.port);
      expect(relay.sendErrors).toBe(0);
    } finally {
      await relay.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('a port already in use is an error at bind, before any SDP names it', async () => {
    const first = await bindUdpRelaySocket('127.0.0.1');
    try {
      await expect(bindUdpRelaySocket('127.0.0.1', first.port)).rejects.toThrow();
    } finally {
      await first.close();
    }
  });
});
