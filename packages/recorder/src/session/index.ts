// Recording sessions of the SIPREC recorder (RFC 7866): the SIPREC user agent that the UAS core
// hands INVITE/re-INVITE/UPDATE/ACK/BYE/CANCEL to, and the ports its host implements.
//
//   createSiprecSessionHandler({ policy, sink, clock, logger, ports, mediaAddress, randomBytes,
//     nonceSecret?, nonceMaxAgeMs?, maxSessions?, mediaHealthy?, storageHasRoom?,
//     finalizeHasRoom?, retryAfterSeconds?, sessionMinSeSeconds? }) → SiprecSessionHandler (a SipUserAgentHandler); one module per SIP
//     method inside (answer-invite, answer-reoffer, close-session; admit-invite checks digest)
//   createPortPairAllocator({ min, max }) → PortPairAllocator (CALLVAULT_RTP_PORTS)
//   Ports: RecordingPolicy (findTrunks, decideOwners), RecordingSink (opened/updated/closed/answered),
//   Clock, Logger.
//   transitionRecordingSession(state, event): the session state machine.
//   forward/: the SRC leg towards an external recorder and the vendor's OPTIONS health probe.
export * from './ports.js';
export * from './port-pair-allocator.js';
export * from './recording-session-state.js';
export * from './siprec-session-handler.js';
export * from './recording-control-state.js';
export * from './dtmf-feature-codes.js';
export * from './recording-segments.js';
export * from './rtp-inactivity.js';
export * from './session-timer.js';
export * from './forward/index.js';
export * from './dialog-liveness.js';
