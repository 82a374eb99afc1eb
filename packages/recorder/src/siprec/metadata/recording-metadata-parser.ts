// SIPREC recording metadata reader: RFC 7865 §6 (model) and §9 (XML schema), RFC 7866 §9
// (metadata in the SIP body), with the dialects real Session Recording Clients send.
//
// One tolerant reader serves every dialect because the vendors mix them freely:
//   - RFC 7865 (`urn:ietf:params:xml:ns:recording:1`): `participant_id`/`session_id`/`stream_id`
//     attributes, `nameID aor=`, streams in separate `participantstreamassoc` elements;
//   - the pre-RFC draft (`urn:ietf:params:xml:ns:recording`): `id=`/`session=` attributes and
//     `send`/`recv` inline in `participant` (Acme/Oracle, AudioCodes);
//   - prefixed hybrids (Sonus/Ribbon `tns:`) mixing the draft namespace with RFC 7865 structure;
//   - BroadWorks/Webex `recording_metadata` (`urn:ietf:params:xml:ns:siprec`) with `<aor>`,
//     `<send><id>` and the `broadWorksRecordingMetadata` extension.
// Elements are matched on their local name (case-insensitively: `dataMode` vs `datamode`),
// whatever the prefix. Elements in a foreign namespace, or unknown ones, are extensions and are
// kept verbatim (RFC 7865 §6.7: "extension data ... MUST be preserved").

import type {
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
  SiprecExtension,
  SiprecMetadataDialect,
} from './recording-metadata.js';
import { SiprecMetadataError } from './siprec-metadata-error.js';
import type { XmlDocument, XmlElement, XmlReadLimits } from './safe-xml-reader.js';
import { DEFAULT_XML_READ_LIMITS, readSafeXmlDocument } from './safe-xml-reader.js';

export const RECORDING_NAMESPACE_RFC7865 = 'urn:ietf:params:xml:ns:recording:1';
export const RECORDING_NAMESPACE_DRAFT = 'urn:ietf:params:xml:ns:recording';
export const RECORDING_NAMESPACE_BROADWORKS = 'urn:ietf:params:xml:ns:siprec';

const RECORDING_NAMESPACES: ReadonlySet<string> = new Set([
  RECORDING_NAMESPACE_RFC7865,
  RECORDING_NAMESPACE_DRAFT,
  RECORDING_NAMESPACE_BROADWORKS,
]);

export type SiprecMetadataParseOptions = Partial<XmlReadLimits>;

// ---------------------------------------------------------------------------------------------
// Element helpers

/** A recording-vocabulary element: in one of the recording namespaces, or in none at all. */
function isRecordingVocabulary(element: XmlElement): boolean {
  return element.namespace === undefined || RECORDING_NAMESPACES.has(element.namespace);
}

function is(element: XmlElement, ...localNames: string[]): boolean {
  if (!isRecordingVocabulary(element)) return false;
  const name = element.localName.toLowerCase();
  return localNames.some((candidate) => candidate.toLowerCase() === name);
}

/** Attribute by local name (prefix ignored, case-insensitive), first of the given names present. */
function attribute(element: XmlElement, ...names: string[]): string | undefined {
  const wanted = names.map((name) => name.toLowerCase());
  for (const target of wanted) {
    for (const [key, value] of Object.entries(element.attributes)) {
      if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
      const colon = key.indexOf(':');
      const local = (colon < 0 ? key : key.slice(colon + 1)).toLowerCase();
      if (local === target && value.trim() !== '') return value.trim();
    }
  }
  return undefined;
}

function textOf(element: XmlElement): string | undefined {
  const text = element.text.trim();
  return text === '' ? undefined : text;
}

/** Session-ID values may be folded over lines (RFC 7865 §8.1 example); drop the folding. */
function normaliseSipSessionId(value: string): string {
  return value
    .replace(/\s*;\s*/g, ';')
    .replace(/\s+/g, ' ')
    .trim();
}

function verbatim(document: XmlDocument, element: XmlElement): string {
  return document.source.slice(element.start, element.end);
}

// ---------------------------------------------------------------------------------------------
// Mutable builders, frozen into the model at the end

interface ParticipantBuilder {
  id: string;
  nameIds: RecordingNameId[];
  sessionIds: string[];
  send: string[];
  recv: string[];
  streamsDeclared: boolean;
  associateTime?: string;
  disassociateTime?: string;
}

interface SessionBuilder {
  id: string;
  sipSessionIds: string[];
  groupRef?: string;
  startTime?: string;
  stopTime?: string;
  associateTime?: string;
  disassociateTime?: string;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

interface ReaderState {
  readonly document: XmlDocument;
  dataMode?: RecordingDataMode;
  recording?: RecordingRequestInfo;
  readonly groups: Map<string, Writable<RecordingGroup>>;
  readonly sessions: Map<string, SessionBuilder>;
  readonly participants: Map<string, ParticipantBuilder>;
  readonly streams: Map<string, Writable<RecordingStream>>;
  readonly extensions: SiprecExtension[];
  broadworks?: BroadWorksRecordingInfo;
  metaswitch?: MetaswitchRecordingInfo;
}

function pushUnique(list: string[], value: string | undefined): void {
  if (value !== undefined && !list.includes(value)) list.push(value);
}

function participantOf(state: ReaderState, id: string): ParticipantBuilder {
  let participant = state.participants.get(id);
  if (participant === undefined) {
    participant = { id, nameIds: [], sessionIds: [], send: [], recv: [], streamsDeclared: false };
    state.participants.set(id, participant);
  }
  return participant;
}

function sessionOf(state: ReaderState, id: string): SessionBuilder {
  let session = state.sessions.get(id);
  if (session === undefined) {
    session = { id, sipSessionIds: [] };
    state.sessions.set(id, session);
  }
  return session;
}

function keepExtension(
  state: ReaderState,
  element: XmlElement,
  parent: XmlElement,
  parentId: string | undefined,
): void {
  const extension: Writable<SiprecExtension> = {
    parent: parent.localName,
    localName: element.localName,
    xml: verbatim(state.document, element),
  };
  if (parentId !== undefined) extension.parentId = parentId;
  if (element.namespace !== undefined) extension.namespace = element.namespace;
  state.extensions.push(extension);
  findBroadWorks(state, element);
  findMetaswitch(state, element);
}

// ---------------------------------------------------------------------------------------------
// BroadWorks extension

function childText(element: XmlElement, localName: string): string | undefined {
  const wanted = localName.toLowerCase();
  const child = element.children.find((c) => c.localName.toLowerCase() === wanted);
  return child === undefined ? undefined : textOf(child);
}

function readBroadWorks(element: XmlElement): BroadWorksRecordingInfo {
  const info: Writable<BroadWorksRecordingInfo> = {};
  const set = <K extends keyof BroadWorksRecordingInfo>(
    key: K,
    value: BroadWorksRecordingInfo[K] | undefined,
  ): void => {
    if (value !== undefined) info[key] = value;
  };
  set('version', attribute(element, 'version'));
  set('extTrackingId', childText(element, 'extTrackingID'));
  set('serviceProviderId', childText(element, 'serviceProviderID'));
  set('groupId', childText(element, 'groupID'));
  set('userId', childText(element, 'userID'));
  set('callId', childText(element, 'callID'));
  set('recordingType', childText(element, 'recordingType'));
  const callType = element.children.find((c) => c.localName.toLowerCase() === 'calltype');
  const call = callType?.children[0];
  if (call !== undefined) {
    const details: Writable<NonNullable<BroadWorksRecordingInfo['callType']>> = {
      kind: call.localName,
    };
    const calling = childText(call, 'callingPartyNumber');
    const called = childText(call, 'calledPartyNumber');
    const dialed = childText(call, 'dialedDigits');
    if (calling !== undefined) details.callingPartyNumber = calling;
    if (called !== undefined) details.calledPartyNumber = called;
    if (dialed !== undefined) details.dialedDigits = dialed;
    info.callType = details;
  }
  return info;
}

function findBroadWorks(state: ReaderState, element: XmlElement): void {
  if (state.broadworks !== undefined) return;
  if (element.localName === 'broadWorksRecordingMetadata') {
    state.broadworks = readBroadWorks(element);
    return;
  }
  for (const child of element.children) findBroadWorks(state, child);
}

// ---------------------------------------------------------------------------------------------
// Metaswitch extension: the element holding `recordedParty` also holds the call's direction.

function findMetaswitch(state: ReaderState, element: XmlElement): void {
  if (state.metaswitch !== undefined) return;
  const recorded = element.children.find((c) => c.localName.toLowerCase() === 'recordedparty');
  if (recorded !== undefined) {
    const info: Writable<MetaswitchRecordingInfo> = {};
    // The party as text, or as an `aor`/`number` child.
    const party = textOf(recorded) ?? childText(recorded, 'aor') ?? childText(recorded, 'number');
    if (party !== undefined) info.recordedParty = party;
    const direction = childText(element, 'direction') ?? childText(element, 'callDirection');
    if (direction !== undefined) info.direction = direction;
    state.metaswitch = info;
    return;
  }
  for (const child of element.children) findMetaswitch(state, child);
}

// ---------------------------------------------------------------------------------------------
// Objects of RFC 7865 §6

function readGroup(state: ReaderState, element: XmlElement): void {
  const id = attribute(element, 'group_id', 'id');
  if (id === undefined) {
    keepExtension(state, element, element, undefined);
    return;
  }
  const group: Writable<RecordingGroup> = state.groups.get(id) ?? { id };
  state.groups.set(id, group);
  for (const child of element.children) {
    if (is(child, 'associate-time')) group.associateTime = textOf(child) ?? group.associateTime;
    else if (is(child, 'disassociate-time'))
      group.disassociateTime = textOf(child) ?? group.disassociateTime;
    else if (is(child, 'initiator')) group.initiator = textOf(child) ?? group.initiator;
    else keepExtension(state, child, element, id);
  }
}

function readSession(state: ReaderState, element: XmlElement): void {
  const id = attribute(element, 'session_id', 'id');
  if (id === undefined) {
    keepExtension(state, element, element, undefined);
    return;
  }
  const session = sessionOf(state, id);
  session.groupRef = attribute(element, 'group') ?? session.groupRef;
  for (const child of element.children) {
    if (is(child, 'sipSessionID')) {
      const value = textOf(child);
      if (value !== undefined) pushUnique(session.sipSessionIds, normaliseSipSessionId(value));
    } else if (is(child, 'group-ref')) session.groupRef = textOf(child) ?? session.groupRef;
    else if (is(child, 'start-time')) session.startTime = textOf(child) ?? session.startTime;
    else if (is(child, 'stop-time')) session.stopTime = textOf(child) ?? session.stopTime;
    else if (is(child, 'associate-time'))
      session.associateTime = textOf(child) ?? session.associateTime;
    else if (is(child, 'disassociate-time'))
      session.disassociateTime = textOf(child) ?? session.disassociateTime;
    else keepExtension(state, child, element, id);
  }
}

/** Stream references: text (`<send>id</send>`) or BroadWorks' `<send><id>id</id></send>`. */
function streamRefs(element: XmlElement): string[] {
  const direct = textOf(element);
  if (direct !== undefined) return [direct];
  return element.children
    .filter((child) => is(child, 'id'))
    .map(textOf)
    .filter((id): id is string => id !== undefined);
}

function readNameId(element: XmlElement): RecordingNameId {
  const nameId: Writable<RecordingNameId> = {};
  const aor = attribute(element, 'aor');
  if (aor !== undefined) nameId.aor = aor;
  const name = element.children.find((child) => is(child, 'name'));
  if (name !== undefined) {
    const text = textOf(name);
    if (text !== undefined) nameId.name = text;
    const lang = attribute(name, 'lang');
    if (lang !== undefined) nameId.lang = lang;
  }
  return nameId;
}

function readParticipant(state: ReaderState, element: XmlElement): void {
  const id = attribute(element, 'participant_id', 'id');
  if (id === undefined) {
    keepExtension(state, element, element, undefined);
    return;
  }
  const participant = participantOf(state, id);
  pushUnique(participant.sessionIds, attribute(element, 'session', 'session_id'));
  // Old drafts put `aor` and `name` straight under the participant.
  let looseAor: string | undefined;
  let looseName: XmlElement | undefined;
  for (const child of element.children) {
    if (is(child, 'nameID')) participant.nameIds.push(readNameId(child));
    else if (is(child, 'aor')) looseAor = textOf(child) ?? looseAor;
    else if (is(child, 'name')) looseName = child;
    else if (is(child, 'send', 'recv')) {
      const list = is(child, 'send') ? participant.send : participant.recv;
      for (const ref of streamRefs(child)) pushUnique(list, ref);
      participant.streamsDeclared = true;
    } else if (is(child, 'associate-time'))
      participant.associateTime = textOf(child) ?? participant.associateTime;
    else if (is(child, 'disassociate-time'))
      participant.disassociateTime = textOf(child) ?? participant.disassociateTime;
    else keepExtension(state, child, element, id);
  }
  if (looseAor !== undefined || looseName !== undefined) {
    const nameId: Writable<RecordingNameId> = {};
    if (looseAor !== undefined) nameId.aor = looseAor;
    const nameText = looseName === undefined ? undefined : textOf(looseName);
    if (nameText !== undefined) nameId.name = nameText;
    const lang = looseName === undefined ? undefined : attribute(looseName, 'lang');
    if (lang !== undefined) nameId.lang = lang;
    participant.nameIds.push(nameId);
  }
}

function readStream(state: ReaderState, element: XmlElement): void {
  const id = attribute(element, 'stream_id', 'id');
  if (id === undefined) {
    keepExtension(state, element, element, undefined);
    return;
  }
  const stream: Writable<RecordingStream> = state.streams.get(id) ?? { id };
  state.streams.set(id, stream);
  stream.sessionId = attribute(element, 'session_id', 'session') ?? stream.sessionId;
  for (const child of element.children) {
    if (is(child, 'label')) stream.label = textOf(child) ?? stream.label;
    else if (is(child, 'mode')) stream.mode = textOf(child) ?? stream.mode;
    else if (is(child, 'associate-time'))
      stream.associateTime = textOf(child) ?? stream.associateTime;
    else if (is(child, 'disassociate-time'))
      stream.disassociateTime = textOf(child) ?? stream.disassociateTime;
    else keepExtension(state, child, element, id);
  }
}

function readAssociationTimes(
  state: ReaderState,
  element: XmlElement,
  target: { associateTime?: string; disassociateTime?: string },
  parentId: string,
): void {
  for (const child of element.children) {
    if (is(child, 'associate-time')) target.associateTime = textOf(child) ?? target.associateTime;
    else if (is(child, 'disassociate-time'))
      target.disassociateTime = textOf(child) ?? target.disassociateTime;
    else keepExtension(state, child, element, parentId);
  }
}

function readRecordingRequest(state: ReaderState, element: XmlElement): void {
  const info: Writable<RecordingRequestInfo> = {};
  const id = attribute(element, 'id');
  if (id !== undefined) info.id = id;
  for (const child of element.children) {
    if (is(child, 'requestor')) {
      const value = textOf(child);
      if (value !== undefined) info.requestor = value;
    } else if (is(child, 'type')) {
      const value = textOf(child);
      if (value !== undefined) info.type = value;
    } else keepExtension(state, child, element, id);
  }
  state.recording = info;
}

function readDataMode(element: XmlElement): RecordingDataMode {
  const value = (textOf(element) ?? '').toLowerCase();
  if (value === 'complete' || value === 'partial') return value;
  throw new SiprecMetadataError(
    'METADATA_INVALID',
    `datamode must be "complete" or "partial" (RFC 7865 §9), got "${value}"`,
  );
}

function readRootChild(state: ReaderState, root: XmlElement, child: XmlElement): void {
  if (is(child, 'datamode')) {
    state.dataMode = readDataMode(child);
  } else if (is(child, 'group')) readGroup(state, child);
  else if (is(child, 'session')) readSession(state, child);
  else if (is(child, 'participant')) readParticipant(state, child);
  else if (is(child, 'stream')) readStream(state, child);
  else if (is(child, 'recording')) readRecordingRequest(state, child);
  else if (is(child, 'sessionrecordingassoc')) {
    const id = attribute(child, 'session_id', 'session');
    if (id === undefined) keepExtension(state, child, root, undefined);
    else readAssociationTimes(state, child, sessionOf(state, id), id);
  } else if (is(child, 'participantsessionassoc')) {
    const id = attribute(child, 'participant_id', 'participant');
    if (id === undefined) {
      keepExtension(state, child, root, undefined);
      return;
    }
    const participant = participantOf(state, id);
    pushUnique(participant.sessionIds, attribute(child, 'session_id', 'session'));
    readAssociationTimes(state, child, participant, id);
  } else if (is(child, 'participantstreamassoc')) {
    const id = attribute(child, 'participant_id', 'participant');
    if (id === undefined) {
      keepExtension(state, child, root, undefined);
      return;
    }
    const participant = participantOf(state, id);
    participant.streamsDeclared = true;
    for (const ref of child.children) {
      if (is(ref, 'send')) for (const s of streamRefs(ref)) pushUnique(participant.send, s);
      else if (is(ref, 'recv')) for (const s of streamRefs(ref)) pushUnique(participant.recv, s);
      else keepExtension(state, ref, child, id);
    }
  } else keepExtension(state, child, root, undefined);
}

function dialectOf(root: XmlElement): SiprecMetadataDialect {
  switch (root.namespace) {
    case RECORDING_NAMESPACE_RFC7865:
      return 'rfc7865';
    case RECORDING_NAMESPACE_DRAFT:
      return 'draft';
    case RECORDING_NAMESPACE_BROADWORKS:
      return 'broadworks';
    case undefined:
    default:
      return root.localName === 'recording_metadata' ? 'broadworks' : 'unknown';
  }
}

function freezeParticipant(builder: ParticipantBuilder): RecordingParticipant {
  const participant: Writable<RecordingParticipant> = {
    id: builder.id,
    nameIds: builder.nameIds,
    sessionIds: builder.sessionIds,
    send: builder.send,
    recv: builder.recv,
    streamsDeclared: builder.streamsDeclared,
  };
  const aor = builder.nameIds.find((n) => n.aor !== undefined && n.aor.trim() !== '')?.aor;
  const name = builder.nameIds.find((n) => n.name !== undefined && n.name.trim() !== '')?.name;
  if (aor !== undefined) participant.aor = aor;
  if (name !== undefined) participant.name = name;
  if (builder.associateTime !== undefined) participant.associateTime = builder.associateTime;
  if (builder.disassociateTime !== undefined)
    participant.disassociateTime = builder.disassociateTime;
  return participant;
}

/**
 * Turn a parsed XML document into the recording model. Exposed for callers that already hold an
 * `XmlDocument`; most callers use `parseRecordingMetadata`.
 */
export function readRecordingMetadata(document: XmlDocument): RecordingMetadata {
  const { root } = document;
  if (!is(root, 'recording', 'recording_metadata')) {
    throw new SiprecMetadataError(
      'METADATA_NOT_RECORDING',
      `root element <${root.qualifiedName}> is not a SIPREC recording document`,
    );
  }
  const state: ReaderState = {
    document,
    groups: new Map(),
    sessions: new Map(),
    participants: new Map(),
    streams: new Map(),
    extensions: [],
  };
  for (const child of root.children) readRootChild(state, root, child);

  const sessions: RecordingSession[] = [...state.sessions.values()];
  const metadata: Writable<RecordingMetadata> = {
    dialect: dialectOf(root),
    // RFC 7865 §9 schema: datamode is optional and a document without it is a complete one.
    dataMode: state.dataMode ?? 'complete',
    sessions,
    groups: [...state.groups.values()],
    participants: [...state.participants.values()].map(freezeParticipant),
    streams: [...state.streams.values()],
    extensions: state.extensions,
  };
  if (root.namespace !== undefined) metadata.namespace = root.namespace;
  if (sessions[0] !== undefined) metadata.session = sessions[0];
  if (state.recording !== undefined) metadata.recording = state.recording;
  if (state.broadworks !== undefined || state.metaswitch !== undefined) {
    metadata.vendor = {
      ...(state.broadworks === undefined ? {} : { broadworks: state.broadworks }),
      ...(state.metaswitch === undefined ? {} : { metaswitch: state.metaswitch }),
    };
  }
  return metadata;
}

/**
 * Parse a SIPREC metadata body (RFC 7866 §9; `application/rs-metadata+xml`, RFC 7865 §9 schema or
 * any supported dialect) into the normalised model. Throws only `SiprecMetadataError`.
 */
export function parseRecordingMetadata(
  body: string | Uint8Array,
  options: SiprecMetadataParseOptions = {},
): RecordingMetadata {
  const limits: XmlReadLimits = { ...DEFAULT_XML_READ_LIMITS, ...options };
  return readRecordingMetadata(readSafeXmlDocument(body, limits));
}
