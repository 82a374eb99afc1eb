// Public surface of the SDP layer: offer parsing (RFC 8866, RFC 4568) and the recorder's answer
// (RFC 3264, RFC 7866 §8.1.1), and the offer of a session forwarded to another recorder (§8.1).
export type {
  SdpAddressType,
  SdpAttribute,
  SdpConnection,
  SdpCryptoAttribute,
  SdpCryptoKeyParam,
  SdpDirection,
  SdpMediaDescription,
  SdpOrigin,
  SdpPayloadType,
  SdpSessionDescription,
  SdpTransportProtocol,
} from './sdp-session-description.js';
export type { SdpErrorCode } from './sdp-error.js';
export { SdpError, isSdpError } from './sdp-error.js';
export type { SdpParseOptions } from './sdp-parser.js';
export { DEFAULT_SDP_MAX_BYTES, parseSdp } from './sdp-parser.js';
export { parseSdpCryptoAttribute } from './sdp-crypto.js';
export type {
  SdpAnswer,
  SdpAnswerOptions,
  SdpAnswerState,
  SdpAnsweredStream,
  SdpAudioCodecName,
  SdpChosenCodec,
  SdpPortRequest,
  SdpRejectReason,
  SdpSrtpParameters,
  SdpSrtpSuite,
  SdpTelephoneEvent,
} from './sdp-answer.js';
export { SDP_SRTP_KEY_SALT_BYTES, buildSdpAnswer } from './sdp-answer.js';
export { sdesKeyExposure, type SdesKeyExposure } from './sdes-exposure.js';
export type { SdpOffer, SdpOfferOptions } from './sdp-offer.js';
export { DEFAULT_OFFER_LABELS, buildSdpOffer, readSdpAnswerToOffer } from './sdp-offer.js';
export type { ForwardSdpOfferOptions, ForwardSdpStream } from './sdp-forward-offer.js';
export { buildForwardSdpOffer } from './sdp-forward-offer.js';
