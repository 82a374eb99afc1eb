// SIP transports (RFC 3261 §18; RFC 3581 rport; RFC 5626 §3.5.1 keep-alive) — the only SIP
// folder that does I/O.
//
//   SipTransport { name, reliable, local, on('message' | 'error' | 'refused'), addAlias,
//     send(bytes, dest), stats(), close() }
//   listenUdpTransport({ host, port, isAdmissibleSource }) / listenTcpTransport({ host, port,
//     isAdmissibleSource, messageTimeoutMs, idleTimeoutMs, maxConnections,
//     maxConnectionsPerSource, maxBufferedBytes, maxWriteBufferBytes })
//   listenTlsTransport({ ...the TCP options, secureContext, verifyPeer, handshakeTimeoutMs })
//     (stream-transport.ts: TCP and TLS share one implementation)
//   listenSipTransport(name, options)  (factory by name); on('refused') reports turned-away peers
//   stampTopVia(req, source) §18.2.1 · resolveResponseDestination(res, source) §18.2.2
//   createSipServer({ transports: listenOnUdpAndTcp(host, port), core, isAdmissibleSource,
//     onParseError, onRefused }) → { start, stop, stats }
//   createOpenedPeers() / anySourceAdmission(...): sources let in because the recorder opened a
//     leg towards them (an external recorder's responses), beside the trunks' networks
export * from './sip-transport.js';
export * from './response-routing.js';
export * from './udp-transport.js';
export * from './stream-transport.js';
export * from './sip-transport-factory.js';
export * from './sip-server.js';
export * from './opened-peers.js';
