export * from './rtp-packet.js';
export * from './rtcp-packet.js';
export * from './telephone-event.js';
export * from './srtp-suites.js';
export * from './srtp-kdf.js';
export * from './srtp-replay.js';
export * from './srtp.js';
export * from './pcap-reader.js';
