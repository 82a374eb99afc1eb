// SIP dialogs and the UAS core of the recorder (RFC 3261 §8.2, §12-§15; RFC 3311): sans-I/O.
//
//   createSipUserAgentCore({ timers, handler, advertisedHost?, userAgent? }) → SipUserAgentCore
//     .connect({ send(msg, dest), getLocalAddress(transport) })   wire to transports
//     .receive(msg, source)     parsed messages in (requests with received/rport already set)
//     .terminateDialog(id)      BYE from our side → Promise<final status | 408>
//     .sendInDialog(id, method, headers)  OPTIONS / UPDATE in the dialog → Promise<status | 408>
//     .getDialog(id) / .listDialogs() / .stats() / .close()
//   SipUserAgentHandler: the TU the SIPREC session layer implements
//     onInvite / onReinvite / onUpdate → Promise<SipUasAnswer { status, body?, contentType?, headers? }>
//     onAck / onBye / onCancel / onAckTimeout
//   createFakeUserAgentHandler() — a recording fake TU for tests.
export * from './sip-dialog.js';
export * from './sip-user-agent-core.js';
export * from './fake-user-agent-handler.js';
