// Locating SIP servers (RFC 3263 §4): resolveSipTargets(uri, dns, { transports, random }) gives
// the ordered transport/address/port targets of a SIP or SIPS URI. The DNS it asks is a port,
// SipDnsPort, with createNodeSipDns (node:dns) for hosts and createFakeSipDns for tests.
export * from './sip-dns.js';
export * from './fake-sip-dns.js';
export * from './node-sip-dns.js';
export * from './sip-target-resolver.js';
