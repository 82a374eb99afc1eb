// Peers the recorder itself opened a transaction or dialog towards (an external recorder a session
// is forwarded to). Their responses and in-dialog requests arrive from an address that is no
// trunk's, so the source admission, which otherwise lets in only the trunks' networks, has to let
// them in too — for as long as a leg towards them is open. Held per transport and address, counted:
// the last leg to a peer closing takes it out again. An IPv4 peer matches its IPv4-mapped IPv6 form
// (a dual-stack socket reports senders that way).
import { isIPv4 } from 'node:net';
import type { SipSourceAdmission, SipTransportName } from './sip-transport.js';

export interface OpenedPeer {
  readonly transport: SipTransportName;
  readonly address: string;
}

export interface OpenedPeers {
  /** Let the peer in until the returned release is called (calling it again does nothing). */
  open(peer: OpenedPeer): () => void;
  has(address: string, transport: SipTransportName): boolean;
  /** How many distinct peers are let in now. */
  readonly size: number;
}

/** The address as compared: IPv4-mapped IPv6 as plain IPv4, IPv6 in lower case. */
export function normalizePeerAddress(address: string): string {
  const lower = address.toLowerCase();
  const mapped = lower.startsWith('::ffff:') ? lower.slice('::ffff:'.length) : null;
  return mapped !== null && isIPv4(mapped) ? mapped : lower;
}

const keyOf = (transport: SipTransportName, address: string): string =>
  `${transport} ${normalizePeerAddress(address)}`;

export function createOpenedPeers(): OpenedPeers {
  const counts = new Map<string, number>();
  return {
    open(peer) {
      const key = keyOf(peer.transport, peer.address);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (counts.get(key) ?? 1) - 1;
        if (left > 0) counts.set(key, left);
        else counts.delete(key);
      };
    },
    has(address, transport) {
      return counts.has(keyOf(transport, address));
    },
    get size() {
      return counts.size;
    },
  };
}

/** A source is admitted when any of the admissions lets it in (the trunks', the opened peers'). */
export function anySourceAdmission(
  ...admissions: readonly SipSourceAdmission[]
): SipSourceAdmission {
  return (address, transport) => admissions.some((admit) => admit(address, transport));
}
