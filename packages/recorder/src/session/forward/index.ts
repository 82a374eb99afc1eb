// Forwarding a recorded call to an external recorder (Callvault as SRC, RFC 7866): the outbound
// leg (createForwardLeg: INVITE with offer and metadata, re-INVITE mirroring, BYE/CANCEL, coded
// failures), its requests (forward-requests.ts), and the vendor's health by OPTIONS probes
// (createVendorProbe).
export * from './forward-requests.js';
export * from './forward-leg.js';
export * from './vendor-probe.js';
export * from './forward-session.js';
export * from './session-forwarding.js';
