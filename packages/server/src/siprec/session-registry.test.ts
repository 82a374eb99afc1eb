import type { RecordingSessionSnapshot, SdpAnsweredStream } from '@callvault/recorder';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../observability/metrics.js';
import { createSessionRegistry } from './session-registry.js';

function stream(index: number, srtp: boolean): SdpAnsweredStream {
  const codec = { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 } as const;
  return {
    index,
    media: 'audio',
    accepted: true,
    localPort: 40000 + 2 * index,
    protocol: srtp ? 'RTP/SAVP' : 'RTP/AVP',
    direction: 'recvonly',
    offeredDirection: 'sendonly',
    codec,
    codecs: [codec],
    payloadTypes: [{ payloadType: 0, encodingName: 'PCMU', clockRate: 8000, channels: 1 }],
    remote: { address: '192.0.2.1', port: 5000, rtcpPort: 5001 },
    onHold: false,
    ...(srtp
      ? {
          srtp: {
            suite: 'AEAD_AES_128_GCM' as const,
            tag: 1,
            remote: { method: 'inline', keySalt: Buffer.alloc(28, 1).toString('base64') },
            local: { keySalt: Buffer.alloc(28, 2).toString('base64') },
          },
        }
      : {}),
  };
}

function session(
  id: string,
  transport: 'udp' | 'tcp' | 'tls',
  srtp: boolean,
): RecordingSessionSnapshot {
  return {
    id,
    callId: `${id}@test`,
    orgId: 'org',
    trunkId: 'trunk',
    trunkName: 'trunk',
    source: { transport, address: '192.0.2.1', port: 5060 },
    state: 'active',
    ownership: 'owned',
    startedAt: 0,
    parties: [],
    owners: [],
    streams: [stream(0, srtp), stream(1, srtp)],
    metadataRevisions: [],
    siprecIndicators: { srcFeatureTag: true, requireSiprec: true, metadataPart: true },
  };
}

async function keysInClear(metrics: ReturnType<typeof createMetrics>): Promise<string> {
  const text = await metrics.registry.getSingleMetricAsString('callvault_srtp_keys_in_clear_total');
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
}

describe('session registry: SDES keys signalled without TLS (RFC 4568 §8.3)', () => {
  it('counts each SRTP session over UDP or TCP once, by transport; not TLS and not plain RTP', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const registry = createSessionRegistry({ metrics });
    registry.sessionOpened(session('a', 'udp', true));
    registry.sessionUpdated(session('a', 'udp', true)); // a re-INVITE: the same session
    registry.sessionOpened(session('b', 'tcp', true));
    registry.sessionOpened(session('c', 'tls', true));
    registry.sessionOpened(session('d', 'udp', false));
    // A session that turns to SRTP on a re-INVITE is counted then.
    registry.sessionUpdated(session('d', 'udp', true));
    expect(await keysInClear(metrics)).toBe(
      'callvault_srtp_keys_in_clear_total{transport="udp"} 2\n' +
        'callvault_srtp_keys_in_clear_total{transport="tcp"} 1',
    );
  });
});
