// Health of an external recorder, from OPTIONS probes (RFC 3261 §11: any final response shows
// the server is alive and reachable; a 2xx that it also accepts requests). Sans-I/O: each probe
// is a non-INVITE client transaction of the host's transaction layer, time is the TimerService.
//
//   unknown ──probe answered 2xx──► up ──probe: 5xx, 408, timeout──► down (since the first miss)
//                                    ▲                                 │
//                                    └────────probe answered 2xx───────┘
//
// Only a final response below 500 other than 408 counts as up: a 503 means the server is there
// but will not take a session now (RFC 3261 §21.5.4), which is what "down" must tell an operator
// before a call is forwarded to it. A 4xx (405, 404, 403 ...) still shows a server that answers.
import {
  formatCSeq,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from '../../sip/message/index.js';
import type { ClientRequestHandlers, ClientTransaction } from '../../sip/transaction/index.js';
import type { CancelTimer, TimerService } from '../../sip/transaction/sip-timers.js';
import type { SipDestination } from '../../sip/transport/sip-transport.js';
import { viaOf, type ForwardLocalAddress } from './forward-requests.js';

export type VendorHealthState = 'unknown' | 'up' | 'down';

export interface VendorHealth {
  readonly state: VendorHealthState;
  /** Clock time (ms) of the first failed probe of the current outage. */
  readonly downSince?: number;
  /** Clock time of the last probe answered as up. */
  readonly lastUpAt?: number;
  /** The last failure, in words ("503 Service Unavailable", "no response"). */
  readonly lastError?: string;
  readonly probes: number;
}

export interface VendorProbeEnvironment {
  readonly timers: TimerService;
  /** The vendor's SIP URI, the OPTIONS Request-URI. */
  readonly requestUri: string;
  /** Where the probe goes, asked afresh for each probe (DNS may change); null: not resolvable. */
  resolve(): Promise<SipDestination | null>;
  readonly local: ForwardLocalAddress;
  readonly intervalMs: number;
  generateBranch(): string;
  generateTag(): string;
  generateCallId(): string;
  sendRequest(
    request: SipRequest,
    destination: SipDestination,
    handlers: ClientRequestHandlers,
  ): ClientTransaction;
  onChange(health: VendorHealth): void;
}

export interface VendorProbe {
  readonly health: VendorHealth;
  start(): void;
  stop(): void;
}

export function buildOptionsProbe(
  requestUri: string,
  local: ForwardLocalAddress,
  ids: { readonly branch: string; readonly tag: string; readonly callId: string },
): SipRequest {
  const host = local.host.includes(':') ? `[${local.host}]` : local.host;
  const headers: SipHeader[] = [
    { name: 'Via', value: viaOf(local, ids.branch) },
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: `<sip:callvault@${host}>;tag=${ids.tag}` },
    { name: 'To', value: `<${requestUri}>` },
    { name: 'Call-ID', value: ids.callId },
    { name: 'CSeq', value: formatCSeq({ seq: 1, method: 'OPTIONS' }) },
    { name: 'Accept', value: 'application/sdp' },
  ];
  return {
    kind: 'request',
    method: 'OPTIONS',
    uri: requestUri,
    version: 'SIP/2.0',
    headers,
    body: new Uint8Array(0),
  };
}

/** Whether a final response to OPTIONS shows a vendor able to take sessions. */
export function isUpResponse(response: SipResponse): boolean {
  return response.status >= 200 && response.status < 500 && response.status !== 408;
}

export function createVendorProbe(env: VendorProbeEnvironment): VendorProbe {
  let health: VendorHealth = { state: 'unknown', probes: 0 };
  let cancelNext: CancelTimer | undefined;
  let running = false;

  function record(next: VendorHealth): void {
    const changed =
      next.state !== health.state ||
      next.lastError !== health.lastError ||
      next.downSince !== health.downSince;
    health = next;
    if (changed) env.onChange(health);
  }

  function markUp(): void {
    const { downSince: _gone, lastError: _old, ...rest } = health;
    record({ ...rest, state: 'up', lastUpAt: env.timers.now(), probes: health.probes + 1 });
  }

  function markDown(error: string): void {
    record({
      ...health,
      state: 'down',
      downSince: health.state === 'down' ? health.downSince : env.timers.now(),
      lastError: error,
      probes: health.probes + 1,
    });
  }

  function scheduleNext(): void {
    if (!running) return;
    cancelNext = env.timers.setTimer(env.intervalMs, () => {
      cancelNext = undefined;
      void probeOnce();
    });
  }

  async function probeOnce(): Promise<void> {
    if (!running) return;
    let destination: SipDestination | null;
    try {
      destination = await env.resolve();
    } catch (error) {
      markDown(`resolving ${env.requestUri} failed: ${(error as Error).message}`);
      scheduleNext();
      return;
    }
    if (!running) return;
    if (destination === null) {
      markDown(`${env.requestUri} resolves to no address`);
      scheduleNext();
      return;
    }
    const request = buildOptionsProbe(env.requestUri, env.local, {
      branch: env.generateBranch(),
      tag: env.generateTag(),
      callId: env.generateCallId(),
    });
    env.sendRequest(request, destination, {
      onResponse: (response) => {
        if (response.status < 200) return;
        if (isUpResponse(response)) markUp();
        else markDown(`${response.status} ${response.reason}`);
        scheduleNext();
      },
      onTimeout: () => {
        markDown('no response');
        scheduleNext();
      },
    });
  }

  return {
    get health() {
      return health;
    },
    start() {
      if (running) return;
      running = true;
      void probeOnce();
    },
    stop() {
      running = false;
      cancelNext?.();
      cancelNext = undefined;
    },
  };
}
