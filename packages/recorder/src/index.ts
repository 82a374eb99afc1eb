// Public surface of the recorder package. The server imports only from here (STYLE.md).
// Each protocol area keeps its own index; add one `export *` line per area.
export {};

export * from './sip/index.js';
export * from './siprec/index.js';
export * from './sdp/index.js';
export * from './rtp/index.js';
export * from './media/index.js';
export * from './sip/auth/index.js';
export * from './session/index.js';
