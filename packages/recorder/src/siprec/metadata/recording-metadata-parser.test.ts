import { describe, expect, it } from 'vitest';
import { parseRecordingMetadata } from './recording-metadata-parser.js';
import { SiprecMetadataError } from './siprec-metadata-error.js';

function codeOf(body: string): string {
  try {
    parseRecordingMetadata(body);
    return 'no error';
  } catch (error) {
    return error instanceof SiprecMetadataError ? error.code : 'untyped error';
  }
}

describe('recording metadata reader (RFC 7865 §6, §9)', () => {
  it('RFC 7865 §9: a document without datamode is complete; an unknown datamode is METADATA_INVALID', () => {
    const ns = 'urn:ietf:params:xml:ns:recording:1';
    expect(parseRecordingMetadata(`<recording xmlns="${ns}"/>`).dataMode).toBe('complete');
    expect(
      parseRecordingMetadata(`<recording xmlns="${ns}"><DataMode> Partial </DataMode></recording>`)
        .dataMode,
    ).toBe('partial');
    expect(codeOf(`<recording xmlns="${ns}"><datamode>sometimes</datamode></recording>`)).toBe(
      'METADATA_INVALID',
    );
  });

  it('refuses a well-formed document whose root is not a recording with METADATA_NOT_RECORDING', () => {
    expect(codeOf('<html><body/></html>')).toBe('METADATA_NOT_RECORDING');
    expect(codeOf('<x:recording xmlns:x="http://example.com/other"/>')).toBe(
      'METADATA_NOT_RECORDING',
    );
  });

  it('reads a recording root in no namespace with the same tolerant rules (dialect unknown)', () => {
    const metadata = parseRecordingMetadata(
      '<recording><session session_id="s"><sipSessionID>a;remote=b</sipSessionID>' +
        '<sipSessionID>c</sipSessionID><stop-time>2024-01-01T00:00:10Z</stop-time></session>' +
        '<participant participant_id="p"><aor>sip:p@example.com</aor><name xml:lang="sv">Per</name></participant></recording>',
    );
    expect(metadata.dialect).toBe('unknown');
    expect(metadata.session).toEqual({
      id: 's',
      sipSessionIds: ['a;remote=b', 'c'],
      stopTime: '2024-01-01T00:00:10Z',
    });
    expect(metadata.participants[0]).toMatchObject({
      aor: 'sip:p@example.com',
      name: 'Per',
      nameIds: [{ aor: 'sip:p@example.com', name: 'Per', lang: 'sv' }],
    });
  });

  it('keeps elements it cannot attach (no id) and unknown root children as extensions', () => {
    const metadata = parseRecordingMetadata(
      '<recording xmlns="urn:ietf:params:xml:ns:recording:1"><participant><nameID aor="sip:x@y"/></participant>' +
        '<vendor-thing a="1">v</vendor-thing></recording>',
    );
    expect(metadata.participants).toEqual([]);
    expect(metadata.extensions.map((e) => [e.parent, e.localName, e.xml])).toEqual([
      ['participant', 'participant', '<participant><nameID aor="sip:x@y"/></participant>'],
      ['recording', 'vendor-thing', '<vendor-thing a="1">v</vendor-thing>'],
    ]);
  });

  it('a participant may carry several nameIDs; the first non-empty AOR and name are the primary ones', () => {
    const metadata = parseRecordingMetadata(
      '<recording xmlns="urn:ietf:params:xml:ns:recording:1"><participant participant_id="p">' +
        '<nameID aor=""><name> </name></nameID><nameID aor="tel:+46812345"><name>Desk</name></nameID>' +
        '</participant></recording>',
    );
    expect(metadata.participants[0]).toMatchObject({ aor: 'tel:+46812345', name: 'Desk' });
    expect(metadata.participants[0]?.nameIds).toHaveLength(2);
  });

  it('BroadWorks termCall extension fills caller and callee from the terminating side', () => {
    const metadata = parseRecordingMetadata(
      '<recording_metadata xmlns="urn:ietf:params:xml:ns:siprec"><dataMode>complete</dataMode>' +
        '<extensiondata id="e" parent="s"><broadWorksRecordingMetadata xmlns="http://schema.broadsoft.com/broadworksCallRecording" version="1.0">' +
        '<serviceProviderID>sp</serviceProviderID><groupID>g</groupID><userID>u@example.com</userID>' +
        '<callType><termCall><callingPartyNumber>sip:238@10.0.0.1</callingPartyNumber>' +
        '<calledPartyNumber>sip:+441133023237@10.0.0.1</calledPartyNumber></termCall></callType>' +
        '</broadWorksRecordingMetadata></extensiondata></recording_metadata>',
    );
    expect(metadata.vendor?.broadworks).toEqual({
      version: '1.0',
      serviceProviderId: 'sp',
      groupId: 'g',
      userId: 'u@example.com',
      callType: {
        kind: 'termCall',
        callingPartyNumber: 'sip:238@10.0.0.1',
        calledPartyNumber: 'sip:+441133023237@10.0.0.1',
      },
    });
  });
  it('RFC 7865 §6.5: a stream without label is representable (SRCs that do not send a=label)', () => {
    const metadata = parseRecordingMetadata(
      '<recording xmlns="urn:ietf:params:xml:ns:recording:1"><stream stream_id="s1" session_id="x"/>' +
        '<participantstreamassoc participant_id="p"><send>s1</send></participantstreamassoc></recording>',
    );
    expect(metadata.streams).toEqual([{ id: 's1', sessionId: 'x' }]);
    expect(metadata.participants[0]).toMatchObject({ id: 'p', send: ['s1'], recv: [] });
    expect(metadata.participants[0]?.aor).toBeUndefined();
  });
});
