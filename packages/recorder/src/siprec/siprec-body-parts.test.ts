import { describe, expect, it } from 'vitest';
import { pickSiprecBodyParts, readSiprecPartMediaType } from './siprec-body-parts.js';
import { isSiprecRequest, readSiprecRequestIndicators } from './siprec-request-recogniser.js';

const SDP = 'v=0\r\n';
const XML = '<recording/>';

describe('SIPREC body parts (RFC 7866 §9.1, RFC 9806)', () => {
  it('RFC 7866 §9.1: the SDP and metadata parts are found in either order', () => {
    const forward = pickSiprecBodyParts([
      { contentType: 'application/sdp', body: SDP },
      { contentType: 'application/rs-metadata+xml', body: XML },
    ]);
    const reverse = pickSiprecBodyParts([
      { contentType: 'application/rs-metadata+xml', body: XML },
      { contentType: 'application/sdp', body: SDP },
    ]);
    for (const selection of [forward, reverse]) {
      expect(selection).toEqual({
        sdp: SDP,
        metadata: XML,
        metadataContentType: 'application/rs-metadata+xml',
        ignored: [],
      });
    }
  });

  it('accepts the legacy application/rs-metadata type, parameters and any letter case', () => {
    expect(
      pickSiprecBodyParts([{ contentType: 'Application/RS-Metadata ; charset=UTF-8', body: XML }])
        .metadata,
    ).toBe(XML);
    expect(readSiprecPartMediaType(' Application/SDP;x=1')).toBe('application/sdp');
  });

  it('takes generic XML as metadata only with Content-Disposition: recording-session', () => {
    expect(
      pickSiprecBodyParts([
        { contentType: 'application/xml', contentDisposition: 'recording-session', body: XML },
      ]).metadata,
    ).toBe(XML);
    const other = pickSiprecBodyParts([{ contentType: 'application/xml', body: XML }]);
    expect(other.metadata).toBeUndefined();
    expect(other.ignored).toHaveLength(1);
  });

  it('keeps the first part of each kind, returns the rest as ignored, and decodes a byte SDP', () => {
    const selection = pickSiprecBodyParts([
      { contentType: 'application/sdp', body: new TextEncoder().encode('v=0\r\no=first') },
      { contentType: 'application/sdp', body: 'v=0\r\no=second' },
      { contentType: 'application/rs-metadata+xml', body: XML },
      { contentType: 'application/rs-metadata', body: '<second/>' },
    ]);
    expect(selection.sdp).toBe('v=0\r\no=first');
    expect(selection.ignored.map((p) => p.body)).toEqual(['v=0\r\no=second', '<second/>']);
  });

  it('SPEC §5: a body without SDP or metadata yields neither', () => {
    expect(pickSiprecBodyParts([])).toEqual({ ignored: [] });
  });
});

describe('SIPREC request indicators (RFC 7866 §6.1.1)', () => {
  it('RFC 7866 §6.1.1: +sip.src in Contact marks a recording session request', () => {
    expect(
      isSiprecRequest({ contactHeader: '<sip:src@10.0.0.1:5060;transport=udp>;+sip.src' }),
    ).toBe(true);
    expect(isSiprecRequest({ contactHeader: 'sip:src@10.0.0.1;src' })).toBe(true);
    expect(isSiprecRequest({ contactHeader: ['<sip:a@b>', '<sip:c@d>;expires=60;+SIP.SRC'] })).toBe(
      true,
    );
  });

  it('a +sip.src inside the URI or inside a quoted display name is not the feature tag', () => {
    expect(isSiprecRequest({ contactHeader: '<sip:src@10.0.0.1;+sip.src>' })).toBe(false);
    expect(isSiprecRequest({ contactHeader: '"Rec;+sip.src" <sip:src@10.0.0.1>' })).toBe(false);
  });

  it('RFC 7866 §6.1.1: Require: siprec marks a recording session request', () => {
    expect(readSiprecRequestIndicators({ requireHeader: 'timer, SIPREC' })).toEqual({
      srcFeatureTag: false,
      requireSiprec: true,
      metadataPart: false,
    });
    expect(isSiprecRequest({ requireHeader: 'timer, 100rel' })).toBe(false);
  });

  it('SPEC §5: none of the indicators is required, a metadata part alone suffices', () => {
    expect(isSiprecRequest({ hasMetadataPart: true })).toBe(true);
    expect(isSiprecRequest({})).toBe(false);
  });
});
