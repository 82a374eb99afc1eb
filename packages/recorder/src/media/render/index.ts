export * from './read-journal.js';
export * from './decode-stream.js';
export * from './align-streams.js';
export * from './cut-recording.js';
export * from './interleave.js';
export * from './render-session.js';
