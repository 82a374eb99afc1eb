import {
  createRefusalCounters,
  type SipServerStats,
  type SipTransportStats,
} from '@callvault/recorder';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerSipServerMetrics } from './sip-server.metrics.js';

function transportStats(
  transport: 'udp' | 'tcp' | 'tls',
  refused: Partial<SipTransportStats['refused']>,
): SipTransportStats {
  return {
    transport,
    messagesIn: 0,
    messagesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    framingErrors: 0,
    pings: 0,
    connectionsOpen: transport === 'tcp' ? 3 : 0,
    connectionsAccepted: 0,
    connectionsRefused: 0,
    connectionsIdleClosed: 0,
    sendErrors: 0,
    refused: { ...createRefusalCounters(), ...refused },
  };
}

describe('SIP server metrics', () => {
  it('exposes the recorder counters by reason when scraped', async () => {
    const registry = new Registry();
    let unknown = 4;
    registerSipServerMetrics(
      registry,
      () =>
        ({
          parseErrorCounts: [
            { reason: 'header-value', header: 'Route', count: 2 },
            { reason: 'start-line', header: '', count: 1 },
          ],
          connectionsOpen: 3,
          transports: [
            transportStats('udp', { 'unknown-source': unknown }),
            transportStats('tcp', { 'unknown-source': 1, 'message-timeout': 5 }),
            transportStats('tls', { 'handshake-timeout': 7, 'peer-certificate': 2 }),
          ],
        }) as unknown as SipServerStats,
    );
    const first = await registry.metrics();
    expect(first).toContain(
      'callvault_sip_parse_errors_total{reason="header-value",header="Route"} 2',
    );
    expect(first).toContain('callvault_sip_parse_errors_total{reason="start-line",header=""} 1');
    expect(first).toContain(
      'callvault_sip_refused_total{transport="udp",reason="unknown-source"} 4',
    );
    expect(first).toContain(
      'callvault_sip_refused_total{transport="tcp",reason="message-timeout"} 5',
    );
    expect(first).toContain(
      'callvault_sip_refused_total{transport="tls",reason="handshake-timeout"} 7',
    );
    expect(first).toContain(
      'callvault_sip_refused_total{transport="tls",reason="peer-certificate"} 2',
    );
    expect(first).toContain('callvault_sip_connections_open 3');
    unknown = 9;
    expect(await registry.metrics()).toContain(
      'callvault_sip_refused_total{transport="udp",reason="unknown-source"} 9',
    );
  });
});
