// How this recorder receives RTP (the batch addon or Node's dgram, see the recorder's
// udp-receiver.ts) and what the batch receiver dropped for being too long. An operator who sees
// `kind="dgram"` on a busy recorder knows the addon was not built (`make deps` builds it). The same
// for SRTP decryption: the srtp-unprotect addon (`native`) or the TypeScript transform.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { UdpReceiver } from '@callvault/recorder';

export function registerUdpReceiverMetrics(registry: Registry, receiver: UdpReceiver): void {
  if (registry.getSingleMetric('callvault_capture_udp_receiver')) return;
  new Gauge({
    name: 'callvault_capture_udp_receiver',
    help: 'The UDP receiver the media capture uses (1 for the kind in use)',
    labelNames: ['kind'],
    registers: [registry],
  }).set({ kind: receiver.kind }, 1);
  new Counter({
    name: 'callvault_capture_udp_truncated_datagrams_total',
    help: 'Datagrams dropped by the media capture for being longer than it takes (over 8 KiB)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(receiver.truncatedDatagrams);
    },
  });
  new Counter({
    name: 'callvault_capture_udp_datagrams_total',
    help: 'Datagrams (RTP and RTCP) the media capture read from its sockets',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(receiver.receivedDatagrams);
    },
  });
}

export function registerSrtpDecryptionMetric(registry: Registry, native: boolean): void {
  if (registry.getSingleMetric('callvault_capture_srtp_decryption')) return;
  new Gauge({
    name: 'callvault_capture_srtp_decryption',
    help: 'How the media capture decrypts SRTP (1 for the kind in use: native or typescript)',
    labelNames: ['kind'],
    registers: [registry],
  }).set({ kind: native ? 'native' : 'typescript' }, 1);
}
