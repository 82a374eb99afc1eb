import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RecordingMetadata } from '../metadata/recording-metadata.js';
import { parseRecordingMetadata } from '../metadata/recording-metadata-parser.js';
import {
  withOwnNamespace,
  writeRecordingMetadata,
  type ForwardMetadataDialect,
} from './recording-metadata-writer.js';

const FIXTURES = fileURLToPath(new URL('../../../test-fixtures/siprec/', import.meta.url));

function listXml(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listXml(path);
    return name.endsWith('.xml') ? [path] : [];
  });
}

/** What a recorder reading the forwarded metadata must find again. */
function meaning(m: RecordingMetadata) {
  return {
    dataMode: m.dataMode,
    sessions: m.sessions.map((s) => ({ id: s.id, sipSessionIds: s.sipSessionIds })),
    participants: m.participants.map((p) => ({
      id: p.id,
      aor: p.aor,
      name: p.name,
      send: [...p.send].sort(),
      recv: [...p.recv].sort(),
    })),
    streams: m.streams.map((s) => ({ id: s.id, label: s.label })),
    extensions: m.extensions.map((e) => ({ localName: e.localName, namespace: e.namespace })),
    vendor: m.vendor,
  };
}

const fixtures = listXml(FIXTURES).map((path) => [relative(FIXTURES, path), path] as const);

describe.each<ForwardMetadataDialect>(['rfc7865', 'broadworks'])(
  'forwarded metadata in the %s dialect',
  (dialect) => {
    it.each(fixtures)(
      'RFC 7866 §9: %s read back from the forwarded body names the same sessions, participants, streams, stream associations and extension data',
      (_name, path) => {
        const original = parseRecordingMetadata(readFileSync(path));
        const forwarded = parseRecordingMetadata(writeRecordingMetadata(original, dialect));
        expect(forwarded.dialect).toBe(dialect);
        expect(meaning(forwarded)).toEqual(meaning(original));
      },
    );
  },
);

const SMALL: RecordingMetadata = {
  dialect: 'rfc7865',
  dataMode: 'complete',
  sessions: [
    {
      id: 's1',
      sipSessionIds: ['ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2'],
      groupRef: 'g1',
      startTime: '2026-12-05T10:00:00Z',
    },
  ],
  groups: [{ id: 'g1', associateTime: '2026-12-05T10:00:00Z' }],
  participants: [
    {
      id: 'p1',
      aor: 'sip:alice@example.com',
      name: 'Alice & Co',
      nameIds: [{ aor: 'sip:alice@example.com', name: 'Alice & Co', lang: 'sv' }],
      sessionIds: ['s1'],
      send: ['st1'],
      recv: ['st2'],
      streamsDeclared: true,
    },
  ],
  streams: [
    { id: 'st1', label: '1', sessionId: 's1', mode: 'separate' },
    { id: 'st2', label: '2', sessionId: 's1', mode: 'separate' },
  ],
  extensions: [
    {
      parent: 'participant',
      parentId: 'p1',
      localName: 'mydata',
      namespace: 'http://example.com/my',
      xml: '<mydata><x>1</x></mydata>',
    },
  ],
};

describe('recording metadata writer', () => {
  it('RFC 7865 §8.1: objects first, then sessionrecordingassoc, participantsessionassoc and participantstreamassoc; text and attributes escaped', () => {
    expect(writeRecordingMetadata(SMALL, 'rfc7865')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>complete</datamode>' +
        '<group group_id="g1"><associate-time>2026-12-05T10:00:00Z</associate-time></group>' +
        '<session session_id="s1"><sipSessionID>ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2</sipSessionID><group-ref>g1</group-ref></session>' +
        '<participant participant_id="p1"><nameID aor="sip:alice@example.com"><name xml:lang="sv">Alice &amp; Co</name></nameID><mydata xmlns="http://example.com/my"><x>1</x></mydata></participant>' +
        '<stream stream_id="st1" session_id="s1"><label>1</label></stream>' +
        '<stream stream_id="st2" session_id="s1"><label>2</label></stream>' +
        '<sessionrecordingassoc session_id="s1"><associate-time>2026-12-05T10:00:00Z</associate-time></sessionrecordingassoc>' +
        '<participantsessionassoc participant_id="p1" session_id="s1"></participantsessionassoc>' +
        '<participantstreamassoc participant_id="p1"><send>st1</send><recv>st2</recv></participantstreamassoc>' +
        '</recording>',
    );
  });

  it('BroadWorks form: dataMode, id attributes, inline aor and name, send/recv with <id> children', () => {
    expect(writeRecordingMetadata(SMALL, 'broadworks')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<recording_metadata xmlns="urn:ietf:params:xml:ns:siprec"><dataMode>complete</dataMode>' +
        '<group id="g1"><associate-time>2026-12-05T10:00:00Z</associate-time></group>' +
        '<session id="s1" group="g1"><sipSessionID>ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2</sipSessionID><start-time>2026-12-05T10:00:00Z</start-time></session>' +
        '<participant id="p1" session="s1"><aor>sip:alice@example.com</aor><name>Alice &amp; Co</name><send><id>st1</id></send><recv><id>st2</id></recv><mydata xmlns="http://example.com/my"><x>1</x></mydata></participant>' +
        '<stream id="st1" session="s1"><label>1</label><mode>separate</mode></stream>' +
        '<stream id="st2" session="s1"><label>2</label><mode>separate</mode></stream>' +
        '</recording_metadata>',
    );
  });

  it.each([
    ['<ext:a><ext:b/></ext:a>', '<ext:a xmlns:ext="urn:x"><ext:b/></ext:a>'],
    ['<a xmlns="urn:x"/>', '<a xmlns="urn:x"/>'],
    ["<ext:a xmlns:ext='urn:x'/>", "<ext:a xmlns:ext='urn:x'/>"],
    ['<a attr="1">t</a>', '<a xmlns="urn:x" attr="1">t</a>'],
  ])('an extension %s relying on an ancestor namespace is written as %s', (xml, expected) => {
    expect(withOwnNamespace({ parent: 'recording', localName: 'a', namespace: 'urn:x', xml })).toBe(
      expected,
    );
  });
});
