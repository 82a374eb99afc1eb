// SIP stack of the recorder. The message layer is pure (bytes in, values out); transactions,
// dialogs and transports live in their own folders beside it and build on its API.
export * from './message/index.js';
export * from './transaction/index.js';
export * from './dialog/index.js';
export * from './transport/index.js';
