export * from './codecs/index.js';
export * from './jitter-buffer.js';
export * from './timeline.js';
