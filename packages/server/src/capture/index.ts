export * from './capture-journal.js';
export * from './capture-sink.js';
export * from './capture-finalize.js';
export * from './capture.jobs.js';
export * from './capture-controls.js';
