export * from './capture-finalize.js';
export * from './capture-failure-catalogue.js';
export * from './capture-provenance.js';
export * from './capture-encoder.js';
export * from './capture.jobs.js';
export * from './capture-controls.js';
export * from './finalize-backlog.js';
