export * from './codecs/index.js';
export * from './jitter-buffer.js';
export * from './ogg-opus-writer.js';
export * from './timeline.js';
export * from './capture/index.js';
export * from './render/index.js';
export * from './relay/index.js';
