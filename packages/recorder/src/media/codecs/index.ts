export * from './audio-decoder.js';
export * from './g711-decoder.js';
export * from './g722-decoder.js';
export * from './g726-decoder.js';
export * from './g729-decoder.js';
export * from './opus-decoder.js';
export * from './opus-encoder.js';
