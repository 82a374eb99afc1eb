// The small event surface every SIP transport shares: message and error listeners, with a
// listener's exception reported as an error instead of tearing down the socket handler.
import type { SipParseError } from '../message/index.js';
import type {
  SipRefusal,
  SipSource,
  SipTransportErrorListener,
  SipTransportMessageListener,
  SipTransportRefusalListener,
} from './sip-transport.js';

export interface TransportListeners {
  on(this: void, event: 'message', listener: SipTransportMessageListener): void;
  on(this: void, event: 'error', listener: SipTransportErrorListener): void;
  on(this: void, event: 'refused', listener: SipTransportRefusalListener): void;
  emitMessage(bytes: Uint8Array, source: SipSource, failure?: SipParseError): void;
  emitError(error: unknown): void;
  emitRefused(refusal: SipRefusal): void;
}

export function createTransportListeners(): TransportListeners {
  const messageListeners: SipTransportMessageListener[] = [];
  const errorListeners: SipTransportErrorListener[] = [];
  const refusalListeners: SipTransportRefusalListener[] = [];
  const emitError = (error: unknown): void => {
    const err = error instanceof Error ? error : new Error(String(error));
    for (const listener of errorListeners) listener(err);
  };
  return {
    on(
      event: 'message' | 'error' | 'refused',
      listener:
        SipTransportMessageListener | SipTransportErrorListener | SipTransportRefusalListener,
    ) {
      if (event === 'message') messageListeners.push(listener as SipTransportMessageListener);
      else if (event === 'error') errorListeners.push(listener as SipTransportErrorListener);
      else refusalListeners.push(listener as SipTransportRefusalListener);
    },
    emitMessage(bytes, source, failure) {
      for (const listener of messageListeners) {
        try {
          listener(bytes, source, failure);
        } catch (err) {
          emitError(err);
        }
      }
    },
    emitError,
    emitRefused(refusal) {
      for (const listener of refusalListeners) {
        try {
          listener(refusal);
        } catch (err) {
          emitError(err);
        }
      }
    },
  };
}

/** "::ffff:192.0.2.1" (a dual-stack socket's view of an IPv4 peer) → "192.0.2.1". */
export function normalizeAddress(address: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return m?.[1] ?? address;
}
