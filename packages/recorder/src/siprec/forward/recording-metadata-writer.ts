// Writes the normalised recording metadata as a SIPREC metadata body (RFC 7866 §9) for a session
// Callvault starts towards another recorder, in the dialect that recorder reads:
//
//   rfc7865     <recording xmlns="urn:ietf:params:xml:ns:recording:1"> with the objects of
//               RFC 7865 §6 (group, session, participant, stream) and the associations of §6.2.1,
//               §6.3.1, §6.4.1 and §6.4.2 as separate elements (RFC 7865 §8.1 layout);
//   broadworks  <recording_metadata xmlns="urn:ietf:params:xml:ns:siprec"> as BroadWorks sends it:
//               camel-case dataMode, `id`/`session`/`group` attributes, inline aor, send and recv.
//
// Extension elements the reader kept (vendor data such as broadWorksRecordingMetadata, RFC 7865
// §7 extensions) are written back verbatim under the object they came with, or under the root
// when that object is not written. An extension whose namespace came from an ancestor gets its
// namespace declared on itself, so it keeps its meaning under another root.
import type {
  RecordingMetadata,
  RecordingParticipant,
  SiprecExtension,
} from '../metadata/recording-metadata.js';
import {
  RECORDING_NAMESPACE_BROADWORKS,
  RECORDING_NAMESPACE_RFC7865,
} from '../metadata/recording-metadata-parser.js';

export type ForwardMetadataDialect = 'rfc7865' | 'broadworks';

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}

function element(name: string, text: string | undefined): string {
  return text === undefined ? '' : `<${name}>${escapeText(text)}</${name}>`;
}

/**
 * The extension's XML with its namespace declared on its own start tag when the original relied
 * on an ancestor's declaration (default namespace or prefix).
 */
export function withOwnNamespace(extension: SiprecExtension): string {
  const { xml, namespace } = extension;
  if (namespace === undefined) return xml;
  const start = /^<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)/.exec(xml);
  if (!start?.[1]) return xml;
  const name = start[1];
  const colon = name.indexOf(':');
  const declaration = colon < 0 ? 'xmlns' : `xmlns:${name.slice(0, colon)}`;
  const tagEnd = xml.indexOf('>');
  const startTag = xml.slice(0, tagEnd < 0 ? xml.length : tagEnd);
  if (new RegExp(`\\s${declaration.replace(':', '\\:')}\\s*=`).test(startTag)) return xml;
  return `<${name} ${declaration}="${escapeAttribute(namespace)}"${xml.slice(name.length + 1)}`;
}

function extensionsOf(
  metadata: RecordingMetadata,
  parent: string,
  parentId: string | undefined,
  written: Set<SiprecExtension>,
): string {
  let out = '';
  for (const ext of metadata.extensions) {
    if (ext.parent !== parent || ext.parentId !== parentId || written.has(ext)) continue;
    written.add(ext);
    out += withOwnNamespace(ext);
  }
  return out;
}

function remainingExtensions(metadata: RecordingMetadata, written: Set<SiprecExtension>): string {
  return metadata.extensions
    .filter((ext) => !written.has(ext))
    .map(withOwnNamespace)
    .join('');
}

function writeRfc7865(metadata: RecordingMetadata): string {
  const written = new Set<SiprecExtension>();
  let out = `<recording xmlns="${RECORDING_NAMESPACE_RFC7865}">`;
  out += element('datamode', metadata.dataMode);
  for (const group of metadata.groups) {
    out += `<group group_id="${escapeAttribute(group.id)}">`;
    out += element('associate-time', group.associateTime);
    out += element('disassociate-time', group.disassociateTime);
    out += extensionsOf(metadata, 'group', group.id, written);
    out += '</group>';
  }
  for (const session of metadata.sessions) {
    out += `<session session_id="${escapeAttribute(session.id)}">`;
    for (const id of session.sipSessionIds) out += element('sipSessionID', id);
    out += element('group-ref', session.groupRef);
    out += extensionsOf(metadata, 'session', session.id, written);
    out += '</session>';
  }
  for (const participant of metadata.participants) {
    out += `<participant participant_id="${escapeAttribute(participant.id)}">`;
    out += nameIdsOf(participant);
    out += extensionsOf(metadata, 'participant', participant.id, written);
    out += '</participant>';
  }
  for (const stream of metadata.streams) {
    const session =
      stream.sessionId === undefined ? '' : ` session_id="${escapeAttribute(stream.sessionId)}"`;
    out += `<stream stream_id="${escapeAttribute(stream.id)}"${session}>`;
    out += element('label', stream.label);
    out += extensionsOf(metadata, 'stream', stream.id, written);
    out += '</stream>';
  }
  for (const session of metadata.sessions) {
    // RFC 7865 has no start-time of its own: the association with the recording session is it.
    const associate = session.associateTime ?? session.startTime;
    const disassociate = session.disassociateTime ?? session.stopTime;
    if (associate === undefined && disassociate === undefined) continue;
    out += `<sessionrecordingassoc session_id="${escapeAttribute(session.id)}">`;
    out += element('associate-time', associate);
    out += element('disassociate-time', disassociate);
    out += '</sessionrecordingassoc>';
  }
  for (const participant of metadata.participants) {
    for (const sessionId of participant.sessionIds) {
      out += `<participantsessionassoc participant_id="${escapeAttribute(participant.id)}" session_id="${escapeAttribute(sessionId)}">`;
      out += element('associate-time', participant.associateTime);
      out += element('disassociate-time', participant.disassociateTime);
      out += '</participantsessionassoc>';
    }
  }
  for (const participant of metadata.participants) {
    if (!participant.streamsDeclared) continue;
    out += `<participantstreamassoc participant_id="${escapeAttribute(participant.id)}">`;
    for (const id of participant.send) out += element('send', id);
    for (const id of participant.recv) out += element('recv', id);
    out += '</participantstreamassoc>';
  }
  out += remainingExtensions(metadata, written);
  return `${out}</recording>`;
}

function nameIdsOf(participant: RecordingParticipant): string {
  let out = '';
  for (const nameId of participant.nameIds) {
    const aor = nameId.aor === undefined ? '' : ` aor="${escapeAttribute(nameId.aor)}"`;
    out += `<nameID${aor}>`;
    if (nameId.name !== undefined) {
      const lang = nameId.lang === undefined ? '' : ` xml:lang="${escapeAttribute(nameId.lang)}"`;
      out += `<name${lang}>${escapeText(nameId.name)}</name>`;
    }
    out += '</nameID>';
  }
  return out;
}

function writeBroadWorks(metadata: RecordingMetadata): string {
  const written = new Set<SiprecExtension>();
  const recordingId = metadata.recording?.id;
  let out = `<recording_metadata xmlns="${RECORDING_NAMESPACE_BROADWORKS}">`;
  out += element('dataMode', metadata.dataMode);
  if (metadata.recording) {
    const id = recordingId === undefined ? '' : ` id="${escapeAttribute(recordingId)}"`;
    out += `<recording${id}>`;
    out += element('requestor', metadata.recording.requestor);
    out += element('type', metadata.recording.type);
    out += '</recording>';
  }
  for (const group of metadata.groups) {
    const recording =
      recordingId === undefined ? '' : ` recording="${escapeAttribute(recordingId)}"`;
    out += `<group id="${escapeAttribute(group.id)}"${recording}>`;
    out += element('associate-time', group.associateTime);
    out += element('disassociate-time', group.disassociateTime);
    out += element('initiator', group.initiator);
    out += extensionsOf(metadata, 'group', group.id, written);
    out += '</group>';
  }
  for (const session of metadata.sessions) {
    const group =
      session.groupRef === undefined ? '' : ` group="${escapeAttribute(session.groupRef)}"`;
    out += `<session id="${escapeAttribute(session.id)}"${group}>`;
    for (const id of session.sipSessionIds) out += element('sipSessionID', id);
    out += element('start-time', session.startTime ?? session.associateTime);
    out += element('stop-time', session.stopTime ?? session.disassociateTime);
    out += extensionsOf(metadata, 'session', session.id, written);
    out += '</session>';
  }
  for (const participant of metadata.participants) {
    const session = participant.sessionIds[0];
    const sessionAttr = session === undefined ? '' : ` session="${escapeAttribute(session)}"`;
    out += `<participant id="${escapeAttribute(participant.id)}"${sessionAttr}>`;
    out += element('aor', participant.aor);
    out += element('name', participant.name);
    out += element('associate-time', participant.associateTime);
    out += element('disassociate-time', participant.disassociateTime);
    for (const id of participant.send) out += `<send><id>${escapeText(id)}</id></send>`;
    for (const id of participant.recv) out += `<recv><id>${escapeText(id)}</id></recv>`;
    out += extensionsOf(metadata, 'participant', participant.id, written);
    out += '</participant>';
  }
  for (const stream of metadata.streams) {
    const session =
      stream.sessionId === undefined ? '' : ` session="${escapeAttribute(stream.sessionId)}"`;
    out += `<stream id="${escapeAttribute(stream.id)}"${session}>`;
    out += element('label', stream.label);
    out += element('mode', stream.mode);
    out += extensionsOf(metadata, 'stream', stream.id, written);
    out += '</stream>';
  }
  out += remainingExtensions(metadata, written);
  return `${out}</recording_metadata>`;
}

/** The metadata body (application/rs-metadata+xml) in the given dialect, UTF-8 with a prolog. */
export function writeRecordingMetadata(
  metadata: RecordingMetadata,
  dialect: ForwardMetadataDialect,
): string {
  const body = dialect === 'rfc7865' ? writeRfc7865(metadata) : writeBroadWorks(metadata);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}
