// Public surface of the SIPREC layer: metadata (RFC 7865/7866), its revisions, and body picking.
export type {
  BroadWorksRecordingInfo,
  MetaswitchRecordingInfo,
  RecordingDataMode,
  RecordingGroup,
  RecordingMetadata,
  RecordingNameId,
  RecordingParticipant,
  RecordingRequestInfo,
  RecordingSession,
  RecordingStream,
  RecordingVendorInfo,
  SiprecExtension,
  SiprecMetadataDialect,
} from './metadata/recording-metadata.js';
export type { SiprecMetadataErrorCode } from './metadata/siprec-metadata-error.js';
export { SiprecMetadataError, isSiprecMetadataError } from './metadata/siprec-metadata-error.js';
export type { XmlReadLimits as SiprecXmlReadLimits } from './metadata/safe-xml-reader.js';
export { DEFAULT_XML_READ_LIMITS as DEFAULT_SIPREC_XML_READ_LIMITS } from './metadata/safe-xml-reader.js';
export type { SiprecMetadataParseOptions } from './metadata/recording-metadata-parser.js';
export {
  RECORDING_NAMESPACE_BROADWORKS,
  RECORDING_NAMESPACE_DRAFT,
  RECORDING_NAMESPACE_RFC7865,
  parseRecordingMetadata,
} from './metadata/recording-metadata-parser.js';
export type {
  RecordingMetadataRevision,
  RecordingMetadataState,
} from './metadata/recording-metadata-state.js';
export {
  DEFAULT_PLACEHOLDER_AOR_PATTERNS,
  applyRecordingMetadata,
  applyRecordingMetadataBody,
  createRecordingMetadataState,
  hasOnlyPlaceholderParticipants,
  isPlaceholderRecordingParticipant,
  listActiveRecordingParticipants,
  listActiveRecordingStreams,
  mergeRecordingMetadata,
} from './metadata/recording-metadata-state.js';
export type { SiprecBodyPart, SiprecBodySelection } from './siprec-body-parts.js';
export {
  SIPREC_METADATA_CONTENT_TYPES,
  isSdpPart,
  isSiprecMetadataPart,
  pickSiprecBodyParts,
  readSiprecPartMediaType,
} from './siprec-body-parts.js';
export type { SiprecRequestHints, SiprecRequestIndicators } from './siprec-request-recogniser.js';
export { isSiprecRequest, readSiprecRequestIndicators } from './siprec-request-recogniser.js';
export type { SiprecCallDirection } from './metadata/call-direction.js';
export { callDirectionOf, callDirectionOfRevisions } from './metadata/call-direction.js';
export type {
  ParticipantHistory,
  ParticipantHistoryEntry,
  ParticipantHistoryRevision,
  StreamParties,
} from './metadata/participant-history.js';
export {
  buildParticipantHistory,
  participantIdentityKey,
  streamPartiesOf,
} from './metadata/participant-history.js';
export type { VoicemailEvidence, VoicemailLeg } from './metadata/voicemail-leg.js';
export { rfc4458VoicemailTarget, voicemailLegOf } from './metadata/voicemail-leg.js';
