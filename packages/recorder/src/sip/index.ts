// SIP stack of the recorder. The message layer is pure (bytes in, values out); transactions,
// dialogs, transports and the server locator (RFC 3263) live in their own folders beside it and
// build on its API.
export * from './message/index.js';
export * from './transaction/index.js';
export * from './dialog/index.js';
export * from './transport/index.js';
export * from './resolver/index.js';
