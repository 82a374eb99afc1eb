// UAS dialogs (RFC 3261 §12): the dialog state created by a 2xx to an INVITE, the dialog store,
// and how a request inside a dialog is addressed (§12.2.1.1).
//
//   dialog ID = Call-ID + local tag (our To tag) + remote tag (their From tag)     (§12)
//
// State (the UAS view):
//
//   2xx sent ──► awaiting-ack ──ACK──► confirmed ──BYE sent or received──► terminated
//                     │                                  ▲
//                     └──────── 64*T1 without ACK: BYE ──┘
//
// RFC 3261 calls the dialog "confirmed" as soon as the 2xx is sent; "awaiting-ack" marks that
// the core is still retransmitting that 2xx (§13.3.1.4).
import {
  BRANCH_MAGIC_COOKIE,
  createParams,
  formatUri,
  formatCSeq,
  parseNameAddr,
  parseUri,
  type SipHeader,
  type SipRequest,
} from '../message/index.js';
import type { SipDestination, SipSource, SipTransportName } from '../transport/sip-transport.js';

export type SipDialogState = 'awaiting-ack' | 'confirmed' | 'terminated';

export interface SipDialog {
  readonly id: string;
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** To of the INVITE plus our tag: the From of requests we send. */
  readonly localIdentity: string;
  /** From of the INVITE: the To of requests we send. */
  readonly remoteIdentity: string;
  /** Contact URI of the peer (§12.1.1), refreshed by re-INVITE and UPDATE (§12.2.2). */
  readonly remoteTarget: string;
  /** Record-Route entries of the INVITE, in order (§12.1.1 UAS route set). */
  readonly routeSet: readonly string[];
  /** Highest CSeq number received in the dialog. */
  readonly remoteSeq: number;
  /** CSeq number of the last request we sent (0: none yet). */
  readonly localSeq: number;
  /** The Request-URI was sips and the request came over TLS (§12.1.1). */
  readonly secure: boolean;
  /** Where the dialog-creating INVITE came from. */
  readonly source: SipSource;
  readonly state: SipDialogState;
}

/** A dialog the core can change; readers get the SipDialog view. */
export type MutableSipDialog = { -readonly [K in keyof SipDialog]: SipDialog[K] };

export function formatDialogId(callId: string, localTag: string, remoteTag: string): string {
  return `${callId};local-tag=${localTag};remote-tag=${remoteTag}`;
}

export interface SipDialogStore {
  get(id: string): MutableSipDialog | undefined;
  find(callId: string, localTag: string, remoteTag: string): MutableSipDialog | undefined;
  add(dialog: MutableSipDialog): void;
  remove(id: string): void;
  values(): MutableSipDialog[];
  readonly size: number;
}

export function createDialogStore(): SipDialogStore {
  const dialogs = new Map<string, MutableSipDialog>();
  return {
    get: (id) => dialogs.get(id),
    find: (callId, localTag, remoteTag) => dialogs.get(formatDialogId(callId, localTag, remoteTag)),
    add(dialog) {
      if (dialogs.has(dialog.id)) throw new RangeError(`dialog ${dialog.id} exists`);
      dialogs.set(dialog.id, dialog);
    },
    remove: (id) => {
      dialogs.delete(id);
    },
    values: () => [...dialogs.values()],
    get size() {
      return dialogs.size;
    },
  };
}

/** The URI inside a route-set entry or Contact ("<sip:p1.example.com;lr>" → "sip:p1...;lr"). */
function uriOfEntry(entry: string): string {
  return parseNameAddr(entry).uriText;
}

function isLooseRoute(uriText: string): boolean {
  const uri = parseUri(uriText);
  return uri.kind === 'sip' && 'lr' in uri.params;
}

/** A SIP URI's parameters and headers removed, for a strict-routing Request-URI (§12.2.1.1). */
function stripUri(uriText: string): string {
  const uri = parseUri(uriText);
  if (uri.kind !== 'sip') return uriText;
  return formatUri({ ...uri, params: createParams(), headers: [] });
}

export interface DialogRequestAddressing {
  readonly requestUri: string;
  readonly routes: readonly string[];
  /** The URI the request goes to first (§8.1.2): the top Route, or the Request-URI. */
  readonly nextHop: string;
}

/** §12.2.1.1: Request-URI and Route of a request inside the dialog. */
export function addressDialogRequest(dialog: SipDialog): DialogRequestAddressing {
  const [first, ...rest] = dialog.routeSet;
  if (first === undefined) {
    return { requestUri: dialog.remoteTarget, routes: [], nextHop: dialog.remoteTarget };
  }
  const firstUri = uriOfEntry(first);
  if (isLooseRoute(firstUri)) {
    return { requestUri: dialog.remoteTarget, routes: dialog.routeSet, nextHop: firstUri };
  }
  // Strict routing: the first route becomes the Request-URI, the remote target the last Route.
  return {
    requestUri: stripUri(firstUri),
    routes: [...rest, `<${dialog.remoteTarget}>`],
    nextHop: firstUri,
  };
}

/**
 * Where to send a request for a next-hop URI. The recorder resolves no DNS names (RFC 3263):
 * a next hop given as an IP literal is used as it is, and otherwise the request goes back to
 * where the dialog came from — for an SRS that is the SRC or its SBC, the only peer it has.
 */
export function resolveNextHop(nextHop: string, fallback: SipSource): SipDestination {
  const uri = parseUri(nextHop);
  if (uri.kind !== 'sip') return fallback;
  const host = uri.host.startsWith('[') ? uri.host.slice(1, -1) : uri.host;
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
  if (!isIp) return fallback;
  const param = uri.params.transport?.toLowerCase();
  const transport: SipTransportName =
    uri.scheme === 'sips'
      ? 'tls'
      : param === 'tcp' || param === 'tls'
        ? param
        : param === 'udp'
          ? 'udp'
          : fallback.transport;
  const port = uri.port ?? (transport === 'tls' ? 5061 : 5060);
  const sameAsSource =
    transport === fallback.transport && host === fallback.address && port === fallback.port;
  return sameAsSource ? fallback : { transport, address: host, port };
}

export interface BuildDialogRequestOptions {
  readonly method: string;
  readonly cseq: number;
  readonly branch: string;
  /** sent-by of our Via. */
  readonly via: {
    readonly transport: SipTransportName;
    readonly host: string;
    readonly port: number;
  };
  readonly extraHeaders?: readonly SipHeader[];
}

/** A request inside the dialog (§12.2.1.1) with a fresh branch, ready for a client transaction. */
export function buildDialogRequest(
  dialog: SipDialog,
  options: BuildDialogRequestOptions,
): SipRequest {
  if (!options.branch.startsWith(BRANCH_MAGIC_COOKIE))
    throw new RangeError('branch lacks the magic cookie');
  const addressing = addressDialogRequest(dialog);
  const host = options.via.host.includes(':') ? `[${options.via.host}]` : options.via.host;
  const headers: SipHeader[] = [
    {
      name: 'Via',
      value: `SIP/2.0/${options.via.transport.toUpperCase()} ${host}:${options.via.port};branch=${options.branch};rport`,
    },
    { name: 'Max-Forwards', value: '70' },
    ...addressing.routes.map((value) => ({ name: 'Route', value })),
    { name: 'From', value: dialog.localIdentity },
    { name: 'To', value: dialog.remoteIdentity },
    { name: 'Call-ID', value: dialog.callId },
    { name: 'CSeq', value: formatCSeq({ seq: options.cseq, method: options.method }) },
    ...(options.extraHeaders ?? []),
  ];
  return {
    kind: 'request',
    method: options.method,
    uri: addressing.requestUri,
    version: 'SIP/2.0',
    headers,
    body: new Uint8Array(0),
  };
}
