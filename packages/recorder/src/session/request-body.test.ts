import { describe, expect, it } from 'vitest';
import { createRecordingMetadataState } from '../siprec/index.js';
import { buildMultipart } from '../sip/message/index.js';
import { fakeRequest } from './fake-session-context.js';
import { BodyError, readBodyParts, readSessionBody } from './request-body.js';

const SDP = [
  'v=0',
  'o=SRC 1 1 IN IP4 192.0.2.9',
  's=-',
  'c=IN IP4 192.0.2.9',
  't=0 0',
  'm=audio 16000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'a=label:1',
  'a=sendonly',
  '',
].join('\r\n');

const XML = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<recording xmlns="urn:ietf:params:xml:ns:recording:1">',
  '<datamode>complete</datamode>',
  '<participant participant_id="pa"><nameID aor="sip:alice@example.com"/></participant>',
  '</recording>',
].join('\n');

function caught(run: () => unknown): BodyError {
  try {
    run();
  } catch (err) {
    if (err instanceof BodyError) return err;
    throw err;
  }
  throw new Error('BodyError expected');
}

describe('request-body: the SDP offer and the recording metadata of a request', () => {
  it('an empty body has no part, and a body without Content-Type is read as SDP', () => {
    expect(readBodyParts(fakeRequest())).toEqual({});
    const read = readSessionBody(fakeRequest({ body: SDP }), createRecordingMetadataState(), 1);
    expect(read.offer?.media).toHaveLength(1);
    expect(read.metadata.revisions).toEqual([]);
  });

  it('RFC 7866 §9.1: metadata first, SDP second in multipart/mixed is read all the same', () => {
    const body = buildMultipart([
      {
        contentType: 'application/rs-metadata+xml',
        headers: [{ name: 'Content-Disposition', value: 'recording-session' }],
        body: XML,
      },
      { contentType: 'application/sdp', body: SDP },
    ]);
    const read = readSessionBody(
      fakeRequest({ cseq: 7, body: body.body, contentType: body.contentType }),
      createRecordingMetadataState(),
      1,
    );
    expect(read.parts.sdp).toBe(SDP);
    expect(read.parts.metadataContentType).toBe('application/rs-metadata+xml');
    expect(read.offer?.media).toHaveLength(1);
    // The revision is numbered by the request's CSeq.
    expect(read.metadata.revisions.map((r) => r.seq)).toEqual([7]);
  });

  it('a metadata body alone keeps its own Content-Type', () => {
    const parts = readBodyParts(
      fakeRequest({ body: XML, contentType: 'application/rs-metadata+xml' }),
    );
    expect(parts).toMatchObject({ metadataContentType: 'application/rs-metadata+xml' });
    expect(parts.sdp).toBeUndefined();
  });

  it('a body type the recorder does not take is a multipart BodyError UNSUPPORTED_BODY', () => {
    const err = caught(() => readBodyParts(fakeRequest({ body: 'hi', contentType: 'text/plain' })));
    expect([err.part, err.code, err.message]).toEqual([
      'multipart',
      'UNSUPPORTED_BODY',
      'body type text/plain not supported',
    ]);
  });

  it('an SDP that does not parse is an sdp BodyError naming the offer', () => {
    const err = caught(() =>
      readSessionBody(fakeRequest({ body: 'not sdp' }), createRecordingMetadataState(), 1),
    );
    expect(err.part).toBe('sdp');
    expect(err.message).toMatch(/^SDP offer: /);
  });

  it('metadata with a DOCTYPE is a metadata BodyError, and nothing is applied', () => {
    const evil = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]>${XML.split('\n').slice(1).join('\n')}`;
    const err = caught(() =>
      readSessionBody(
        fakeRequest({ body: evil, contentType: 'application/rs-metadata+xml' }),
        createRecordingMetadataState(),
        1,
      ),
    );
    expect(err.part).toBe('metadata');
    expect(err.message).toMatch(/^recording metadata: /);
  });
});
