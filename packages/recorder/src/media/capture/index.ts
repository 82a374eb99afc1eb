export * from './rtp-journal-format.js';
export * from './rtp-journal-writer.js';
export * from './rtp-stream-capture.js';
export * from './inband-dtmf-detector.js';
export * from './udp-receiver.js';
export * from './rtp-source-latch.js';
