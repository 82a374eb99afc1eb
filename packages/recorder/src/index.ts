// Public surface of the recorder package, export by export: the server (and bench/, e2e/) import
// only from here (STYLE.md "Packages and boundaries"). A name the host needs is added here.

// SIP: transports (UDP, TCP, TLS) and server, the UAS core, timers, URIs, digest authentication
export {
  buildDigestChallenge,
  computeDigestResponse,
  createDigestNonce,
  parseDigestCredentials,
  verifyDigestCredentials,
} from './sip/auth/digest-auth.js';
export { authenticateTrunk } from './sip/auth/trunk-digest.js';
export { createSipUserAgentCore } from './sip/dialog/sip-user-agent-core.js';
export { parseUri } from './sip/message/sip-uri.js';
export { createSystemTimerService } from './sip/transaction/sip-timers.js';
export {
  createSipServer,
  listenOnTls,
  listenOnUdpAndTcp,
  type SipListenAddress,
  type SipServerStats,
} from './sip/transport/sip-server.js';
export {
  anySourceAdmission,
  createOpenedPeers,
  type OpenedPeer,
  type OpenedPeers,
} from './sip/transport/opened-peers.js';
export {
  createRefusalCounters,
  type SipSource,
  type SipTlsPeer,
  type SipTlsPeerVerdict,
  type SipTransportName,
  type SipTransportStats,
} from './sip/transport/sip-transport.js';

// SIPREC metadata (RFC 7865)
export { callDirectionOf, callDirectionOfRevisions } from './siprec/metadata/call-direction.js';
export {
  buildParticipantHistory,
  streamPartiesOf,
  type ParticipantHistory,
  type ParticipantHistoryEntry,
  type ParticipantHistoryRevision,
  type StreamParties,
} from './siprec/metadata/participant-history.js';
export { parseRecordingMetadata } from './siprec/metadata/recording-metadata-parser.js';
export {
  applyRecordingMetadataBody,
  createRecordingMetadataState,
} from './siprec/metadata/recording-metadata-state.js';
export { type RecordingMetadata } from './siprec/metadata/recording-metadata.js';
export {
  rfc4458VoicemailTarget,
  voicemailLegOf,
  type VoicemailEvidence,
  type VoicemailLeg,
} from './siprec/metadata/voicemail-leg.js';

// SDP
export { type SdpAnsweredStream } from './sdp/sdp-answer.js';
export { sdesKeyExposure, type SdesKeyExposure } from './sdp/sdes-exposure.js';

// RTP
export { readPcapUdpDatagrams, type PcapUdpDatagram } from './rtp/pcap-reader.js';
export { parseRtpPacket, serializeRtpPacket } from './rtp/rtp-packet.js';
export { serializeTelephoneEvent } from './rtp/telephone-event.js';
export { isSrtpCryptoSuite, srtpInlineKeyLength, type SrtpCryptoSuite } from './rtp/srtp-suites.js';

// Recording sessions: the SIPREC user agent, its ports, port pairs, live controls
export { validateDtmfFeatureCodes } from './session/dtmf-feature-codes.js';
export { createPortPairAllocator, type PortPairAllocator } from './session/port-pair-allocator.js';
export {
  type Clock,
  type Logger,
  type RecordingCallScope,
  type RecordingForwardLegState,
  type RecordingForwardState,
  type RecordingForwardTarget,
  type RecordingLegFacts,
  type RecordingOwner,
  type RecordingOwnerDecision,
  type RecordingOwnerKind,
  type RecordingOwnership,
  type RecordingPartyCandidate,
  type RecordingPolicy,
  type RecordingRequestOutcome,
  type RecordingSessionClosed,
  type RecordingSessionParty,
  type RecordingSessionSnapshot,
  type RecordingSessionState,
  type RecordingSink,
  type RecordingTrunk,
  type RecordingTrunkLookup,
  type RecordingTrunkRequest,
} from './session/ports.js';
export {
  allowedRecordingControls,
  applyRecordingControl,
  initialRecordingState,
  type LiveRecordingState,
  type RecordingControl,
  type RecordingControlRefusal,
  type RecordingControlResult,
} from './session/recording-control-state.js';
export {
  type RecordingAction,
  type RecordingActionSource,
  type RecordingSegmentPlan,
} from './session/recording-segments.js';
export {
  createSessionForwarding,
  type SessionForwarding,
  type SessionForwardingOptions,
} from './session/forward/index.js';
export {
  createSiprecSessionHandler,
  type SiprecSessionHandler,
} from './session/siprec-session-handler.js';
export {
  DEFAULT_RTP_INACTIVITY_TIMEOUT_MS,
  startRtpInactivityWatcher,
} from './session/rtp-inactivity.js';
export {
  DEFAULT_DIALOG_PROBE_INTERVAL_MS,
  startDialogLivenessWatcher,
  type DialogEndReason,
} from './session/dialog-liveness.js';
export { DEFAULT_SESSION_MIN_SE_SECONDS } from './session/session-timer.js';

// External recorders: their health from OPTIONS probes, and locating them (RFC 3263)
export {
  createVendorProbe,
  type VendorHealth,
  type VendorHealthState,
  type VendorProbe,
} from './session/forward/vendor-probe.js';
export { createFakeSipDns } from './sip/resolver/fake-sip-dns.js';
export { createNodeSipDns, type NodeSipDnsOptions } from './sip/resolver/node-sip-dns.js';
export { SipDnsError, type SipDnsPort } from './sip/resolver/sip-dns.js';
export { resolveSipTargets, type SipTarget } from './sip/resolver/sip-target-resolver.js';
export { type SipUserAgentCore } from './sip/dialog/uas-types.js';
export { type TimerService } from './sip/transaction/sip-timers.js';

// Codecs
export {
  encodeOggOpusInProcess,
  loadOpusEncodeAddon,
  OPUS_ENCODER_SAMPLE_RATES,
} from './media/codecs/opus-encoder.js';

// Media capture: sockets, port pairs bound as they are handed out, journals, the capture sink
export {
  type CaptureParty,
  type CaptureSessionFile,
  clearFailedFile,
  FAILED_FILE,
  journalDirFor,
  journalExists,
  journalKeyOf,
  journalRoot,
  listPendingJournals,
  listUnfinishedJournals,
  readFailedFile,
  readSessionFile,
  removeJournal,
  type PendingJournal,
  SESSION_FILE,
  writeFailedFile,
  writeSessionFile,
} from './media/capture/capture-journal.js';
export {
  type CaptureControlSettings,
  type CaptureSink,
  type CaptureSinkOptions,
  createCaptureSink,
  withCapture,
} from './media/capture/capture-sink.js';
export {
  encodeRtpJournalRecord,
  parseRtpJournal,
  RTP_JOURNAL_MAGIC,
  RTP_JOURNAL_RECORD_HEADER,
} from './media/capture/rtp-journal-format.js';
export {
  createRtpJournalWriter,
  type RtpJournalWriter,
  type RtpJournalWriterOptions,
} from './media/capture/rtp-journal-writer.js';
export { createBoundPortPairs } from './media/capture/rtp-port-pairs.js';
export {
  bindUdpRelaySocket,
  createRtpRelayStream,
  type RtpRelayStream,
  type RtpRelayTarget,
  type UdpRelaySocket,
} from './media/relay/index.js';
export {
  encodeJournalSegment,
  parseJournalSegment,
  type JournalSegment,
} from './media/capture/journal-segment-format.js';
export {
  createJournalShipper,
  journalKeyOfDir,
  type JournalShipper,
  type JournalShipTarget,
} from './media/capture/journal-shipper.js';
export { isNativeSrtpAvailable, nativeSrtpLoadError } from './rtp/srtp-native.js';
export {
  batchUdpReceiverLoadError,
  selectUdpReceiver,
  type UdpReceiver,
} from './media/capture/udp-receiver.js';

// Rendering a captured session: journals → aligned PCM per channel, cut per recording, interleaved
export { cutRecording, planOwnerRecordings } from './media/render/cut-recording.js';
export { INTERLEAVE_BLOCK_SAMPLES, interleaveBlock } from './media/render/interleave.js';
export { renderCapturedSession } from './media/render/render-session.js';
