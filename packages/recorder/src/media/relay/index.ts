// Relaying the media of a forwarded session to the vendor's recorder, packet by packet without
// decoding (SRTP re-keyed per leg): createRtpRelayStream (pure) and bindUdpRelaySocket (I/O).
export * from './rtp-relay-stream.js';
export * from './udp-relay-socket.js';
