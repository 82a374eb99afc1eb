// SIP message layer (RFC 3261 §7, §18.3, §19, §20, §25; RFC 2046 §5.1; RFC 5626 §3.5.1): pure,
// sans-I/O parsing and serialization that transports, transactions and dialogs build on.
//
// Receiving
//   parseDatagram(bytes, { limits })        one UDP datagram → SipMessage (octets after
//                                           Content-Length ignored; no Content-Length = to end)
//   createStreamFramer({ limits }).push(chunk) → [{ kind: 'message', bytes } | { kind: 'ping' }]
//   extractMessage(buffer) → message | ping | need-more      (pure form of the same framing)
//   parseFramedMessage(bytes)               one framed stream message → SipMessage
//   Every failure throws SipParseError { code, status?, header?, partial? }.
//   findAnswerableRequest(bytes, err) → the partial request or the salvaged head (or null: drop)
//   buildParseErrorResponse(request, err, { warnAgent }) → 400/505/513 naming the problem in its
//   Reason-Phrase and a Warning 399; describeParseError(err) → { reason, header, status, ... }
//   When the framer throws, answer if possible from framer.peek(), then close the connection.
//   validateRequest(req, capabilities) → SipRejection | null   (400/405/501/416/420/415/406)
//   validateResponse(res) → { discard, detail } | null          (UAC rules of §8.1.3.3)
//
// The message value
//   SipRequest { kind: 'request', method, uri, version, headers, body }
//   SipResponse { kind: 'response', status, reason, version, headers, body }
//   headers: ordered { name, value } with canonical long names (compact forms expanded), values
//   unfolded; body: Uint8Array. Read with getHeader / getHeaders / getHeaderValues, typed views
//   with getVias, getFrom, getTo, getCallId, getCSeq, getContacts, getRoutes, getContentType ...
//   and parseUri / parseNameAddr / parseVia for any value. setHeader / appendHeader /
//   removeHeaders return new messages.
//
// Sending
//   createResponse(request, status, { toTag, headers, body, contentType })   (RFC 3261 §8.2.6)
//   serializeMessage(msg) → canonical octets with a correct Content-Length
//   buildMultipart(parts) / parseMultipart(body, contentType) for SIPREC bodies (RFC 7866 §8.1)
export * from './sip-parse-error.js';
export * from './sip-message.js';
export {
  createParams,
  formatParams,
  getParam,
  isToken,
  quoteString,
  splitHeaderList,
  type SipParams,
} from './sip-grammar.js';
export * from './sip-uri.js';
export * from './sip-header-values.js';
export * from './session-timer-headers.js';
export {
  DEFAULT_SIP_PARSE_LIMITS,
  parseDatagram,
  parseFramedMessage,
  type SipParseLimits,
  type SipParseOptions,
} from './sip-message-parser.js';
export * from './sip-stream-framer.js';
export * from './sip-message-serializer.js';
export * from './sip-response-builder.js';
export * from './sip-request-validator.js';
export * from './sip-parse-error-response.js';
export * from './multipart-body.js';
