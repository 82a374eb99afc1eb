export * from './rtp-packet.js';
export * from './rtcp-packet.js';
export * from './telephone-event.js';
export * from './srtp.js';
export * from './pcap-reader.js';
