// The requests of a recording session Callvault starts towards another recorder, as an SRC
// (RFC 7866 §6.1.1): the initial INVITE, the UAC dialog its 2xx creates (RFC 3261 §12.1.2), the
// ACK for that 2xx (§13.2.2.4), and CANCEL (§9.1). In-dialog requests (re-INVITE, BYE) are
// built by buildDialogRequest from the dialog here.
//
//   INVITE <vendor URI> SIP/2.0
//   Via: SIP/2.0/<T> <host>:<port>;branch=z9hG4bK...;rport
//   From: <sip:callvault@<host>>;tag=...          To: <vendor URI>
//   Contact: <sip:callvault@<host>:<port>;transport=<t>>;+sip.src    (RFC 7866 §6.1.1)
//   Require: siprec                                                   (RFC 7866 §6.1.1)
//   Content-Type: multipart/mixed;boundary=...
//     application/sdp                            the SRC offer (sdp-forward-offer.ts)
//     application/rs-metadata+xml                Content-Disposition: recording-session
import {
  buildMultipart,
  formatCSeq,
  getCSeq,
  getContacts,
  getHeaderValues,
  getRoutes,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from '../../sip/message/index.js';
import { formatDialogId, type SipDialog } from '../../sip/dialog/sip-dialog.js';
import type { SipDestination, SipTransportName } from '../../sip/transport/sip-transport.js';

export interface ForwardLocalAddress {
  readonly transport: SipTransportName;
  readonly host: string;
  readonly port: number;
}

export interface ForwardSessionBody {
  readonly sdp: string;
  /** The metadata document (recording-metadata-writer.ts), or absent for a media-only change. */
  readonly metadata?: string;
}

export const FORWARD_ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE';

function hostOf(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function viaOf(local: ForwardLocalAddress, branch: string): string {
  return `SIP/2.0/${local.transport.toUpperCase()} ${hostOf(local.host)}:${local.port};branch=${branch};rport`;
}

export function contactOf(local: ForwardLocalAddress): string {
  return `<sip:callvault@${hostOf(local.host)}:${local.port};transport=${local.transport}>;+sip.src`;
}

/** The body headers and octets: multipart with the metadata, or the SDP alone. */
export function forwardBodyOf(body: ForwardSessionBody): {
  readonly contentType: string;
  readonly body: Uint8Array;
} {
  if (body.metadata === undefined) {
    return { contentType: 'application/sdp', body: Buffer.from(body.sdp, 'utf8') };
  }
  return buildMultipart([
    { contentType: 'application/sdp', body: body.sdp },
    {
      contentType: 'application/rs-metadata+xml',
      headers: [{ name: 'Content-Disposition', value: 'recording-session' }],
      body: body.metadata,
    },
  ]);
}

export interface BuildForwardInviteOptions {
  /** The vendor's SIP URI as registered. */
  readonly requestUri: string;
  readonly local: ForwardLocalAddress;
  readonly callId: string;
  readonly localTag: string;
  readonly branch: string;
  readonly cseq: number;
  readonly body: ForwardSessionBody;
  /** Extra headers (Authorization after a challenge). */
  readonly extraHeaders?: readonly SipHeader[];
}

/** RFC 7866 §6.1.1: the INVITE that starts the recording session at the vendor. */
export function buildForwardInvite(options: BuildForwardInviteOptions): SipRequest {
  const { contentType, body } = forwardBodyOf(options.body);
  const headers: SipHeader[] = [
    { name: 'Via', value: viaOf(options.local, options.branch) },
    { name: 'Max-Forwards', value: '70' },
    {
      name: 'From',
      value: `<sip:callvault@${hostOf(options.local.host)}>;tag=${options.localTag}`,
    },
    { name: 'To', value: `<${options.requestUri}>` },
    { name: 'Call-ID', value: options.callId },
    { name: 'CSeq', value: formatCSeq({ seq: options.cseq, method: 'INVITE' }) },
    { name: 'Contact', value: contactOf(options.local) },
    { name: 'Require', value: 'siprec' },
    { name: 'Allow', value: FORWARD_ALLOW },
    ...(options.extraHeaders ?? []),
    { name: 'Content-Type', value: contentType },
  ];
  return {
    kind: 'request',
    method: 'INVITE',
    uri: options.requestUri,
    version: 'SIP/2.0',
    headers,
    body,
  };
}

/**
 * RFC 3261 §12.1.2: the UAC's dialog from a 2xx to its INVITE — remote target from the 2xx
 * Contact, route set from its Record-Route in reverse, remote identity its To (with the tag).
 * Undefined when the 2xx lacks the To tag or a single Contact (§12.1.2 / §13.2.2.4 requirements).
 */
export function createUacDialog(
  invite: SipRequest,
  response: SipResponse,
  destination: SipDestination,
): SipDialog | undefined {
  const to = response.headers.find((h) => h.name === 'To')?.value;
  const from = invite.headers.find((h) => h.name === 'From')?.value;
  const callId = invite.headers.find((h) => h.name === 'Call-ID')?.value;
  const remoteTag = /;\s*tag=([^;\s]+)/i.exec(to ?? '')?.[1];
  const localTag = /;\s*tag=([^;\s]+)/i.exec(from ?? '')?.[1];
  const contacts = getContacts(response);
  const cseq = getCSeq(invite);
  if (!to || !from || !callId || !remoteTag || !localTag || !cseq) return undefined;
  if (contacts === '*' || contacts.length !== 1 || !contacts[0]) return undefined;
  const routeSet = getRoutes(response, 'Record-Route')
    .map((r) => `<${r.uriText}>`)
    .reverse();
  return {
    id: formatDialogId(callId, localTag, remoteTag),
    callId,
    localTag,
    remoteTag,
    localIdentity: from,
    remoteIdentity: to,
    remoteTarget: contacts[0].uriText,
    routeSet,
    remoteSeq: 0,
    localSeq: cseq.seq,
    secure: invite.uri.startsWith('sips:'),
    source: destination,
    state: 'confirmed',
  };
}

/** RFC 3261 §13.2.2.4: the ACK for a 2xx, in the dialog, with the INVITE's CSeq number. */
export function buildAckForSuccess(
  dialog: SipDialog,
  inviteCseq: number,
  local: ForwardLocalAddress,
  branch: string,
  requestUri: string,
  routes: readonly string[],
): SipRequest {
  const headers: SipHeader[] = [
    { name: 'Via', value: viaOf(local, branch) },
    { name: 'Max-Forwards', value: '70' },
    ...routes.map((value) => ({ name: 'Route', value })),
    { name: 'From', value: dialog.localIdentity },
    { name: 'To', value: dialog.remoteIdentity },
    { name: 'Call-ID', value: dialog.callId },
    { name: 'CSeq', value: formatCSeq({ seq: inviteCseq, method: 'ACK' }) },
  ];
  return {
    kind: 'request',
    method: 'ACK',
    uri: requestUri,
    version: 'SIP/2.0',
    headers,
    body: new Uint8Array(0),
  };
}

/**
 * RFC 3261 §9.1: CANCEL of a pending INVITE — its Request-URI, Call-ID, From, To (without a tag),
 * CSeq number and Route, and only its top Via, so it matches the INVITE's server transaction.
 */
export function buildCancel(invite: SipRequest): SipRequest {
  const copy = (name: string): SipHeader[] => invite.headers.filter((h) => h.name === name);
  const cseq = getCSeq(invite);
  const [topVia] = getHeaderValues(invite, 'Via');
  if (!cseq || topVia === undefined) throw new RangeError('INVITE without CSeq or Via');
  const headers: SipHeader[] = [
    { name: 'Via', value: topVia },
    ...copy('Route'),
    { name: 'Max-Forwards', value: '70' },
    ...copy('From'),
    ...copy('To'),
    ...copy('Call-ID'),
    { name: 'CSeq', value: formatCSeq({ seq: cseq.seq, method: 'CANCEL' }) },
  ];
  return {
    kind: 'request',
    method: 'CANCEL',
    uri: invite.uri,
    version: 'SIP/2.0',
    headers,
    body: new Uint8Array(0),
  };
}
