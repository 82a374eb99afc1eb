// The SIP side of the end-to-end capacity benchmark: an SRC (RFC 7866 client) of our own over UDP
// that places SIPREC calls at a set rate from one socket: the e2e SIPp scenario's INVITE
// (e2e/sip/fixtures/siprec_uac.xml: Require siprec, two labelled sendonly PCMU streams and
// RFC 7865 metadata of two participants), ACK, the call's media from the media generator for its
// length, then BYE. UDP reliability as RFC 3261 §17.1 has it: the INVITE again after 500 ms,
// doubling, until a provisional or final answer, given up at Timer B (32 s); BYE again after
// 500 ms doubling to 4 s, given up at Timer F (32 s). Requests the recorder sends in a dialog
// (its BYE, an OPTIONS probe) are answered 200. Each call's times are kept for the report.
import crypto from 'node:crypto';
import dgram from 'node:dgram';

export interface CallRecord {
  readonly id: number;
  readonly callId: string;
  invitedAt: number;
  answeredAt: number | null;
  /** The final status of the INVITE (0: none came in time). */
  status: number;
  /** Why the call did not complete (null: answered, and our BYE answered 200). */
  failure: string | null;
  byeAt: number | null;
  byeAnsweredAt: number | null;
  /** Packets the media generator sent for the call (both streams). */
  packetsSent: number;
}

export interface CallMedia {
  add(id: number, host: string, port1: number, port2: number): void;
  del(id: number): Promise<number>;
}

interface Pending {
  readonly method: 'INVITE' | 'BYE';
  readonly text: Buffer;
  readonly resolve: (response: { status: number; headers: string; body: string }) => void;
  timer: NodeJS.Timeout | null;
  interval: number;
  readonly deadline: number;
  provisional: boolean;
}

const T1 = 500;
const T2 = 4000;
const TIMER_B = 32_000;

const randomId = (): string => crypto.randomBytes(16).toString('base64');

/** The multipart body of the e2e SIPp scenario, with this call's ids. */
function siprecBody(localIp: string, sdpVersion: number): string {
  const [group, session, p1, p2, s1, s2] = Array.from({ length: 6 }, randomId);
  const sipSessionId = crypto.randomBytes(16).toString('hex');
  const sdp = [
    'v=0',
    `o=SRC ${sdpVersion} 1 IN IP4 ${localIp}`,
    's=SIPREC recording session',
    `c=IN IP4 ${localIp}`,
    't=0 0',
    'm=audio 6000 RTP/AVP 0',
    'a=rtpmap:0 PCMU/8000',
    'a=ptime:20',
    'a=label:1',
    'a=sendonly',
    'm=audio 6002 RTP/AVP 0',
    'a=rtpmap:0 PCMU/8000',
    'a=ptime:20',
    'a=label:2',
    'a=sendonly',
    '',
  ].join('\r\n');
  const at = '2024-06-03T09:30:00Z';
  const metadata = `<?xml version="1.0" encoding="UTF-8"?>
<recording xmlns="urn:ietf:params:xml:ns:recording:1">
  <datamode>complete</datamode>
  <group group_id="${group}"><associate-time>${at}</associate-time></group>
  <session session_id="${session}">
    <sipSessionID>${sipSessionId};remote=00000000000000000000000000000000</sipSessionID>
    <group-ref>${group}</group-ref>
    <start-time>${at}</start-time>
  </session>
  <participant participant_id="${p1}"><nameID aor="sip:alice@example.com"><name xml:lang="en">Alice Caller</name></nameID></participant>
  <participant participant_id="${p2}"><nameID aor="sip:bob@example.net"><name xml:lang="en">Bob Trader</name></nameID></participant>
  <stream stream_id="${s1}" session_id="${session}"><label>1</label></stream>
  <stream stream_id="${s2}" session_id="${session}"><label>2</label></stream>
  <sessionrecordingassoc session_id="${session}"><associate-time>${at}</associate-time></sessionrecordingassoc>
  <participantsessionassoc participant_id="${p1}" session_id="${session}"><associate-time>${at}</associate-time></participantsessionassoc>
  <participantsessionassoc participant_id="${p2}" session_id="${session}"><associate-time>${at}</associate-time></participantsessionassoc>
  <participantstreamassoc participant_id="${p1}"><send>${s1}</send><recv>${s2}</recv></participantstreamassoc>
  <participantstreamassoc participant_id="${p2}"><send>${s2}</send><recv>${s1}</recv></participantstreamassoc>
</recording>
`;
  return [
    '--siprec-boundary-7866',
    'Content-Type: application/sdp',
    '',
    sdp,
    '--siprec-boundary-7866',
    'Content-Type: application/rs-metadata+xml',
    'Content-Disposition: recording-session',
    '',
    metadata,
    '--siprec-boundary-7866--',
    '',
  ].join('\r\n');
}

function header(headers: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(headers);
  return m?.[1]?.trim();
}

/** The SRC: one UDP socket, any number of calls. */
export class SiprecLoad {
  private readonly pending = new Map<string, Pending>();
  private readonly socket = dgram.createSocket({
    type: 'udp4',
    recvBufferSize: 8 << 20,
    sendBufferSize: 8 << 20,
  });
  private local = '';
  private nextId = 0;
  /** Calls the recorder ended itself (its BYE), by Call-ID. */
  readonly remoteByes = new Set<string>();

  constructor(
    private readonly target: { host: string; port: number },
    private readonly media: CallMedia,
    /** How long after a call's last packet its BYE leaves (0: at once, as an SBC does). */
    private readonly byeGapMs = 0,
  ) {}

  async open(): Promise<void> {
    this.socket.on('message', (msg, rinfo) => this.receive(msg.toString('latin1'), rinfo));
    this.socket.on('error', () => undefined);
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', () => resolve()));
    this.local = `127.0.0.1:${this.socket.address().port}`;
  }

  close(): void {
    for (const p of this.pending.values()) if (p.timer) clearTimeout(p.timer);
    this.socket.close();
  }

  private send(text: Buffer): void {
    this.socket.send(text, this.target.port, this.target.host);
  }

  private receive(text: string, rinfo: dgram.RemoteInfo): void {
    const split = text.indexOf('\r\n\r\n');
    const head = split >= 0 ? text.slice(0, split) : text;
    const body = split >= 0 ? text.slice(split + 4) : '';
    const first = head.slice(0, head.indexOf('\r\n'));
    if (!first.startsWith('SIP/2.0 ')) {
      // A request in one of our dialogs (the recorder's BYE, an OPTIONS probe): 200.
      const method = first.split(' ')[0] ?? '';
      if (method === 'ACK') return;
      if (method === 'BYE') this.remoteByes.add(header(head, 'Call-ID') ?? '');
      const copied = head
        .split('\r\n')
        .filter((line) => /^(Via|From|To|Call-ID|CSeq):/i.test(line));
      const ok = ['SIP/2.0 200 OK', ...copied, 'Content-Length: 0', '', ''].join('\r\n');
      this.socket.send(Buffer.from(ok, 'latin1'), rinfo.port, rinfo.address);
      return;
    }
    const status = Number(first.slice(8, 11));
    const key = `${header(head, 'Call-ID')} ${header(head, 'CSeq')}`;
    const p = this.pending.get(key);
    if (!p) return; // a retransmitted final answer: our ACK was sent for the first one
    if (status < 200) {
      // A provisional answer ends the INVITE's retransmission (§17.1.1.2); Timer B runs on.
      p.provisional = true;
      return;
    }
    if (p.timer) clearTimeout(p.timer);
    this.pending.delete(key);
    p.resolve({ status, headers: head, body });
  }

  /** Sends a request and its retransmissions until a final answer or Timer B / F. */
  private transact(
    method: 'INVITE' | 'BYE',
    key: string,
    text: string,
  ): Promise<{ status: number; headers: string; body: string }> {
    return new Promise((resolve) => {
      const p: Pending = {
        method,
        text: Buffer.from(text, 'latin1'),
        resolve,
        timer: null,
        interval: T1,
        deadline: Date.now() + TIMER_B,
        provisional: false,
      };
      const again = (): void => {
        if (Date.now() >= p.deadline) {
          this.pending.delete(key);
          resolve({ status: 0, headers: '', body: '' });
          return;
        }
        if (!(p.method === 'INVITE' && p.provisional)) this.send(p.text);
        p.interval = p.method === 'INVITE' ? p.interval * 2 : Math.min(p.interval * 2, T2);
        p.timer = setTimeout(again, Math.min(p.interval, p.deadline - Date.now()));
      };
      this.pending.set(key, p);
      this.send(p.text);
      p.timer = setTimeout(again, p.interval);
    });
  }

  /**
   * One call: INVITE, ACK, media for `seconds` from the answer, BYE. Resolves when the call is
   * over (its BYE answered, or it failed); `onAnswered` is told the moment it is up.
   */
  async call(seconds: number, onEnded?: (call: CallRecord) => void): Promise<CallRecord> {
    return this.callUntil(() => seconds * 1000, onEnded);
  }

  /** One call whose media lasts `msFromAnswer(answeredAt)` ms from its answer. */
  async callUntil(
    msFromAnswer: (answeredAt: number) => number,
    onEnded?: (call: CallRecord) => void,
  ): Promise<CallRecord> {
    const id = this.nextId++;
    const callId = `${crypto.randomBytes(10).toString('hex')}@callvault-bench`;
    const fromTag = crypto.randomBytes(4).toString('hex');
    const target = `sip:srs@${this.target.host}:${this.target.port}`;
    const record: CallRecord = {
      id,
      callId,
      invitedAt: Date.now(),
      answeredAt: null,
      status: 0,
      failure: null,
      byeAt: null,
      byeAnsweredAt: null,
      packetsSent: 0,
    };
    const lines = (
      method: string,
      cseq: number,
      branch: string,
      toTag: string,
      extra: string[],
    ) => [
      `${method} ${target} SIP/2.0`,
      `Via: SIP/2.0/UDP ${this.local};branch=z9hG4bK${branch};rport`,
      `From: "Bench SRC" <sip:src@${this.local}>;tag=${fromTag}`,
      `To: <${target}>${toTag ? `;tag=${toTag}` : ''}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:src@${this.local}>;+sip.src`,
      'Max-Forwards: 70',
      ...extra,
    ];
    const body = siprecBody('127.0.0.1', id);
    const inviteBranch = crypto.randomBytes(8).toString('hex');
    const invite = [
      ...lines('INVITE', 1, inviteBranch, '', [
        'Require: siprec',
        'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE',
        'Accept: application/sdp, application/rs-metadata+xml',
        'Content-Type: multipart/mixed;boundary=siprec-boundary-7866',
        `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
      ]),
      '',
      body,
    ].join('\r\n');
    const answer = await this.transact('INVITE', `${callId} 1 INVITE`, invite);
    record.status = answer.status;
    const toTag = /;tag=([^;>\s]+)/.exec(header(answer.headers, 'To') ?? '')?.[1] ?? '';
    if (answer.status === 0) {
      record.failure = 'INVITE_TIMEOUT';
      onEnded?.(record);
      return record;
    }
    // The ACK: of a 2xx a new transaction; of an error the INVITE's branch (§17.1.1.3).
    const ackBranch = answer.status < 300 ? crypto.randomBytes(8).toString('hex') : inviteBranch;
    this.send(
      Buffer.from(
        [...lines('ACK', 1, ackBranch, toTag, ['Content-Length: 0']), '', ''].join('\r\n'),
        'latin1',
      ),
    );
    if (answer.status >= 300) {
      // The Reason header's text (RFC 3326) says why: session limit, media overload, ...
      const why = /text="([^"]*)"/.exec(header(answer.headers, 'Reason') ?? '')?.[1];
      record.failure = `REJECTED_${answer.status}${why ? ` (${why})` : ''}`;
      onEnded?.(record);
      return record;
    }
    record.answeredAt = Date.now();
    const host = /^c=IN IP4 (\S+)/m.exec(answer.body)?.[1] ?? this.target.host;
    const ports = [...answer.body.matchAll(/^m=audio (\d+) /gm)].map((m) => Number(m[1]));
    if (ports.length !== 2) {
      record.failure = `ANSWER_WITH_${ports.length}_STREAMS`;
    } else {
      this.media.add(id, host, ports[0]!, ports[1]!);
      const ms = Math.max(0, msFromAnswer(record.answeredAt));
      await new Promise((resolve) => setTimeout(resolve, ms));
      record.packetsSent = await this.media.del(id);
      if (this.byeGapMs > 0) await new Promise((resolve) => setTimeout(resolve, this.byeGapMs));
    }
    if (this.remoteByes.has(callId)) {
      record.failure = 'ENDED_BY_RECORDER';
      onEnded?.(record);
      return record;
    }
    record.byeAt = Date.now();
    const bye = [
      ...lines('BYE', 2, crypto.randomBytes(8).toString('hex'), toTag, ['Content-Length: 0']),
      '',
      '',
    ].join('\r\n');
    const ended = await this.transact('BYE', `${callId} 2 BYE`, bye);
    if (ended.status === 200) record.byeAnsweredAt = Date.now();
    else record.failure ??= ended.status === 0 ? 'BYE_TIMEOUT' : `BYE_${ended.status}`;
    onEnded?.(record);
    return record;
  }
}

/**
 * Places `calls` calls at `rate` a second, each `seconds` long from its answer; resolves with
 * every call's record once all are over. With `burst` the calls all end together instead, at
 * `seconds` after the last one was placed: a burst of BYEs.
 */
export async function placeCalls(
  load: SiprecLoad,
  options: { calls: number; rate: number; seconds: number; burst?: boolean },
): Promise<CallRecord[]> {
  const started = performance.now();
  const startedMs = Date.now();
  const endAt = startedMs + ((options.calls - 1) / options.rate + options.seconds) * 1000;
  const running: Array<Promise<CallRecord>> = [];
  for (let i = 0; i < options.calls; i++) {
    const due = started + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(
      options.burst
        ? load.callUntil((answeredAt) => endAt - answeredAt)
        : load.call(options.seconds),
    );
  }
  return Promise.all(running);
}
