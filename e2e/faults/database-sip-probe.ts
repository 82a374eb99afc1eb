// One SIPREC-shaped INVITE (or an out-of-dialog OPTIONS, a dispatcher's probe) over UDP from the
// test itself, to read the recorder's final answer (status and headers such as Retry-After) when
// SIPp's scenarios only know success. A non-2xx final answer to the INVITE is acknowledged
// (RFC 3261 §17.1.1.3) so the server stops retransmitting it.
import crypto from 'node:crypto';
import dgram from 'node:dgram';

export interface SipAnswer {
  readonly status: number;
  readonly reason: string;
  /** Header names lower-cased; the first value of each. */
  readonly headers: Readonly<Record<string, string>>;
}

const SDP = [
  'v=0',
  'o=src 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 40000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'a=label:1',
  'a=sendonly',
  '',
].join('\r\n');

function parseResponse(text: string): SipAnswer | null {
  const [head] = text.split('\r\n\r\n');
  const lines = (head ?? '').split('\r\n');
  const match = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(lines[0] ?? '');
  if (!match) return null;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] ??= line.slice(colon + 1).trim();
  }
  return { status: Number(match[1]), reason: match[2] ?? '', headers };
}

/** Sends an INVITE to `host:port` and resolves with the final answer (or rejects at the timeout). */
export function sendInvite(
  target: { host: string; port: number },
  timeoutMs = 15_000,
): Promise<SipAnswer> {
  return sendRequest(target, 'INVITE', timeoutMs);
}

/** Sends an OPTIONS outside any dialog and resolves with the final answer. */
export function sendOptions(
  target: { host: string; port: number },
  timeoutMs = 15_000,
): Promise<SipAnswer> {
  return sendRequest(target, 'OPTIONS', timeoutMs);
}

async function sendRequest(
  target: { host: string; port: number },
  method: 'INVITE' | 'OPTIONS',
  timeoutMs: number,
): Promise<SipAnswer> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const localPort = socket.address().port;
  const branch = `z9hG4bK-${crypto.randomBytes(6).toString('hex')}`;
  const tag = crypto.randomBytes(4).toString('hex');
  const callId = `cv-fault-probe-${crypto.randomBytes(6).toString('hex')}@127.0.0.1`;
  const uri = `sip:srs@${target.host}:${target.port}`;
  const common = (method: string, toTag?: string) => [
    `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:src@127.0.0.1>;tag=${tag}`,
    `To: <sip:srs@${target.host}>${toTag ? `;tag=${toTag}` : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
  ];
  const invite =
    method === 'INVITE'
      ? [
          `INVITE ${uri} SIP/2.0`,
          ...common('INVITE'),
          `Contact: <sip:src@127.0.0.1:${localPort}>;+sip.src`,
          'Content-Type: application/sdp',
          `Content-Length: ${Buffer.byteLength(SDP)}`,
          '',
          SDP,
        ].join('\r\n')
      : [`OPTIONS ${uri} SIP/2.0`, ...common('OPTIONS'), 'Content-Length: 0', '', ''].join('\r\n');
  const send = (text: string) =>
    new Promise<void>((resolve, reject) =>
      socket.send(text, target.port, target.host, (err) => (err ? reject(err) : resolve())),
    );
  try {
    return await new Promise<SipAnswer>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no final answer to the ${method} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      socket.on('message', (data) => {
        const answer = parseResponse(data.toString('utf8'));
        if (!answer || answer.status < 200) return;
        clearTimeout(timer);
        const toTag = /;tag=([^;>\s]+)/.exec(answer.headers.to ?? '')?.[1];
        const ack =
          method === 'INVITE' && answer.status >= 300
            ? [`ACK ${uri} SIP/2.0`, ...common('ACK', toTag), 'Content-Length: 0', '', ''].join(
                '\r\n',
              )
            : null;
        void (ack ? send(ack) : Promise.resolve()).then(() => resolve(answer), reject);
      });
      send(invite).catch(reject);
    });
  } finally {
    socket.close();
  }
}
