// A fake transaction user for tests of the UAS core and the layers wired to it: it records every
// call and lets the test decide when and how each INVITE, re-INVITE and UPDATE is answered.
import type { SipRequest } from '../message/index.js';
import type { SipDialogContext, SipUasAnswer, SipUserAgentHandler } from './sip-user-agent-core.js';

export type FakeHandlerEvent =
  | {
      readonly kind: 'invite' | 'reinvite' | 'update';
      readonly request: SipRequest;
      readonly ctx: SipDialogContext;
    }
  | {
      readonly kind: 'ack' | 'bye' | 'cancel';
      readonly request: SipRequest;
      readonly ctx: SipDialogContext;
    }
  | { readonly kind: 'ack-timeout'; readonly ctx: SipDialogContext };

export interface PendingAnswer {
  readonly kind: 'invite' | 'reinvite' | 'update';
  readonly request: SipRequest;
  readonly ctx: SipDialogContext;
  resolve(answer: SipUasAnswer): void;
  reject(error: Error): void;
}

export interface FakeUserAgentHandler extends SipUserAgentHandler {
  readonly events: FakeHandlerEvent[];
  /** Requests waiting for an answer, oldest first (only when no auto answer is set). */
  readonly pending: PendingAnswer[];
  /** Answer every later INVITE / re-INVITE / UPDATE at once with this (or undefined: wait). */
  autoAnswer: ((request: SipRequest) => SipUasAnswer) | undefined;
}

export function createFakeUserAgentHandler(
  autoAnswer?: (request: SipRequest) => SipUasAnswer,
): FakeUserAgentHandler {
  const events: FakeHandlerEvent[] = [];
  const pending: PendingAnswer[] = [];
  const handler: FakeUserAgentHandler = {
    events,
    pending,
    autoAnswer,
    onInvite: (request, ctx) => answer('invite', request, ctx),
    onReinvite: (request, ctx) => answer('reinvite', request, ctx),
    onUpdate: (request, ctx) => answer('update', request, ctx),
    onAck: (request, ctx) => events.push({ kind: 'ack', request, ctx }),
    onBye: (request, ctx) => events.push({ kind: 'bye', request, ctx }),
    onCancel: (request, ctx) => events.push({ kind: 'cancel', request, ctx }),
    onAckTimeout: (ctx) => events.push({ kind: 'ack-timeout', ctx }),
  };

  function answer(
    kind: 'invite' | 'reinvite' | 'update',
    request: SipRequest,
    ctx: SipDialogContext,
  ): Promise<SipUasAnswer> {
    events.push({ kind, request, ctx });
    const auto = handler.autoAnswer;
    if (auto) return Promise.resolve(auto(request));
    return new Promise((resolve, reject) => {
      pending.push({ kind, request, ctx, resolve, reject });
    });
  }

  return handler;
}
