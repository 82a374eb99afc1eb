// The small event surface every SIP transport shares: message and error listeners, with a
// listener's exception reported as an error instead of tearing down the socket handler.
import type {
  SipSource,
  SipTransportErrorListener,
  SipTransportMessageListener,
} from './sip-transport.js';

export interface TransportListeners {
  on(this: void, event: 'message', listener: SipTransportMessageListener): void;
  on(this: void, event: 'error', listener: SipTransportErrorListener): void;
  emitMessage(bytes: Uint8Array, source: SipSource): void;
  emitError(error: unknown): void;
}

export function createTransportListeners(): TransportListeners {
  const messageListeners: SipTransportMessageListener[] = [];
  const errorListeners: SipTransportErrorListener[] = [];
  const emitError = (error: unknown): void => {
    const err = error instanceof Error ? error : new Error(String(error));
    for (const listener of errorListeners) listener(err);
  };
  return {
    on(
      event: 'message' | 'error',
      listener: SipTransportMessageListener | SipTransportErrorListener,
    ) {
      if (event === 'message') messageListeners.push(listener as SipTransportMessageListener);
      else errorListeners.push(listener as SipTransportErrorListener);
    },
    emitMessage(bytes, source) {
      for (const listener of messageListeners) {
        try {
          listener(bytes, source);
        } catch (err) {
          emitError(err);
        }
      }
    },
    emitError,
  };
}

/** "::ffff:192.0.2.1" (a dual-stack socket's view of an IPv4 peer) → "192.0.2.1". */
export function normalizeAddress(address: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return m?.[1] ?? address;
}
