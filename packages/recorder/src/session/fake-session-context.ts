// A SessionContext for tests of the per-method modules: a policy and a sink that record what
// they are asked and told, a real port-pair allocator, a fixed clock and a log kept in memory.
import { parseDatagram, type SipRequest } from '../sip/message/index.js';
import type { SipDialogContext } from '../sip/dialog/sip-user-agent-core.js';
import { createPortPairAllocator } from './port-pair-allocator.js';
import type {
  RecordingOwnerDecision,
  RecordingPartyCandidate,
  RecordingPolicy,
  RecordingRequestOutcome,
  RecordingSessionClosed,
  RecordingSessionSnapshot,
  RecordingTrunkLookup,
} from './ports.js';
import {
  createSessionContext,
  type SessionContext,
  type SiprecSessionHandlerOptions,
} from './session-context.js';

export interface FakeSessionContextOptions {
  readonly trunks?: RecordingTrunkLookup;
  readonly decision?: RecordingOwnerDecision | (() => Promise<RecordingOwnerDecision>);
  readonly handler?: Partial<SiprecSessionHandlerOptions>;
}

export function createFakeSessionContext(o: FakeSessionContextOptions = {}) {
  const asked: RecordingPartyCandidate[][] = [];
  const answered: RecordingRequestOutcome[] = [];
  const updated: RecordingSessionSnapshot[] = [];
  const opened: RecordingSessionSnapshot[] = [];
  const closed: RecordingSessionClosed[] = [];
  const logs: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  const policy: RecordingPolicy = {
    findTrunks: () =>
      Promise.resolve(
        o.trunks ?? { ok: true, trunks: [{ orgId: 'org-1', trunkId: 't-1', trunkName: 'trunk' }] },
      ),
    decideOwners(_scope, participants) {
      asked.push([...participants]);
      const decision = o.decision ?? { owners: [], waitingForParticipants: false, notes: [] };
      return typeof decision === 'function' ? decision() : Promise.resolve(decision);
    },
  };
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      logs.push({ level, message, fields });
    };
  const ports = createPortPairAllocator({ min: 30000, max: 30019 });
  let random = 0;
  const context: SessionContext = createSessionContext({
    policy,
    sink: {
      sessionOpened: (s) => opened.push(s),
      sessionUpdated: (s) => updated.push(s),
      sessionClosed: (s) => closed.push(s),
      requestAnswered: (a) => answered.push(a),
    },
    clock: { now: () => 1_700_000_000_000 },
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    ports,
    mediaAddress: '192.0.2.5',
    randomBytes: (n) => Uint8Array.from({ length: n }, () => (random++ * 41) % 256),
    ...o.handler,
  });
  return { context, ports, asked, answered, updated, opened, closed, logs };
}

export const FAKE_DIALOG: SipDialogContext = {
  dialogId: 'call-1;local-tag=l1;remote-tag=r1',
  callId: 'call-1',
  localTag: 'l1',
  remoteTag: 'r1',
  source: { transport: 'udp', address: '192.0.2.9', port: 5060 },
};

/** A request as the parser gives it: head lines, then the body with its Content-Type. */
export function fakeRequest(
  o: {
    method?: string;
    cseq?: number;
    extra?: string[];
    body?: string | Uint8Array;
    contentType?: string;
  } = {},
): SipRequest {
  const method = o.method ?? 'INVITE';
  const body = Buffer.from(o.body ?? '');
  const head = [
    `${method} sip:srs@192.0.2.5 SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKfake1',
    'Max-Forwards: 70',
    'To: <sip:srs@192.0.2.5>',
    'From: <sip:src@192.0.2.9>;tag=r1',
    'Call-ID: call-1',
    `CSeq: ${o.cseq ?? 1} ${method}`,
    'Contact: <sip:src@192.0.2.9:5060>',
    ...(o.extra ?? []),
    ...(body.length > 0 ? [`Content-Type: ${o.contentType ?? 'application/sdp'}`] : []),
    `Content-Length: ${body.length}`,
    '',
    '',
  ].join('\r\n');
  const message = parseDatagram(Buffer.concat([Buffer.from(head), body]));
  if (message.kind !== 'request') throw new Error('request expected');
  return message;
}
