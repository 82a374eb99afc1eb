// Every SIPREC fixture (RFC-derived examples, the SIPp INVITE, and the vendor offers captured from
// real call systems) read end to end: body parts picked, metadata normalised, SDP answered.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SdpAnswer, SdpAnswerOptions } from '../sdp/index.js';
import { buildSdpAnswer, parseSdp } from '../sdp/index.js';
import type { FixtureMessage } from './fixture-multipart.test-helper.js';
import { fixtureHeaderValues, splitFixtureMessage } from './fixture-multipart.test-helper.js';
import type { RecordingMetadata, SiprecBodySelection } from './index.js';
import {
  hasOnlyPlaceholderParticipants,
  isPlaceholderRecordingParticipant,
  isSiprecRequest,
  parseRecordingMetadata,
  pickSiprecBodyParts,
  voicemailLegOf,
} from './index.js';

const FIXTURES = fileURLToPath(new URL('../../test-fixtures/siprec/', import.meta.url));
const exercised = new Set<string>();

function readFixture(path: string): string {
  exercised.add(path);
  return readFileSync(join(FIXTURES, path), 'utf8');
}

function loadMessage(path: string): { message: FixtureMessage; selection: SiprecBodySelection } {
  const message = splitFixtureMessage(readFixture(path));
  return { message, selection: pickSiprecBodyParts(message.parts) };
}

function metadataOf(selection: SiprecBodySelection): RecordingMetadata {
  if (selection.metadata === undefined) throw new Error('fixture has no metadata part');
  return parseRecordingMetadata(selection.metadata);
}

function answerOptions(firstPort = 30000): SdpAnswerOptions & { allocated: number[] } {
  const allocated: number[] = [];
  let next = firstPort;
  return {
    allocated,
    localAddress: '192.0.2.10',
    allocatePortPair: () => {
      allocated.push(next);
      next += 2;
      return next - 2;
    },
    randomBytes: (length) => new Uint8Array(length).map((_, i) => (i * 7 + 3) & 0xff),
  };
}

/** The answer of a recorder that decodes G.729 (its addon built, as `make deps` does). */
function answer(sdp: string | undefined): SdpAnswer {
  if (sdp === undefined) throw new Error('fixture has no SDP');
  return buildSdpAnswer(parseSdp(sdp), { ...answerOptions(), g729: true });
}

function mLines(sdp: string): string[] {
  return sdp.split('\r\n').filter((line) => line.startsWith('m='));
}

function labelsOf(metadata: RecordingMetadata): (string | undefined)[] {
  return metadata.streams.map((s) => s.label);
}

function aorsOf(metadata: RecordingMetadata): (string | undefined)[] {
  return metadata.participants.map((p) => p.aor);
}

describe('RFC-derived SIPREC examples', () => {
  it('RFC 7865 §8.1: the complete metadata example yields two participants, four labelled streams and their associations', () => {
    const metadata = parseRecordingMetadata(
      readFixture('rfc-derived/rfc7865_8.1_complete_metadata.xml'),
    );
    expect(metadata.dialect).toBe('rfc7865');
    expect(metadata.dataMode).toBe('complete');
    expect(metadata.session).toEqual({
      id: 'hVpd7YQgRW2nD22h7q60JQ==',
      sipSessionIds: ['ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2'],
      groupRef: '7+OTCyoxTmqmqyA/1weDAg==',
      associateTime: '2010-12-16T23:41:07Z',
    });
    expect(metadata.groups).toEqual([
      { id: '7+OTCyoxTmqmqyA/1weDAg==', associateTime: '2010-12-16T23:41:07Z' },
    ]);
    expect(aorsOf(metadata)).toEqual(['sip:bob@biloxi.com', 'sip:Paul@biloxi.com']);
    expect(metadata.participants.map((p) => [p.name, p.nameIds[0]?.lang])).toEqual([
      ['Bob', 'it'],
      ['Paul', 'it'],
    ]);
    expect(labelsOf(metadata)).toEqual(['96', '97', '98', '99']);
    const bob = metadata.participants[0];
    expect(bob?.send).toEqual(['i1Pz3to5hGk8fuXl+PbwCw==', 'UAAMm5GRQKSCMVvLyl4rFw==']);
    expect(bob?.recv).toEqual(['8zc6e0lYTlWIINA6GR+3ag==', 'EiXGlc+4TruqqoDaNE76ag==']);
    expect(bob?.associateTime).toBe('2010-12-16T23:41:07Z');
  });

  it('RFC 7865 §6.7: extension data in foreign namespaces is kept verbatim with its parent', () => {
    const text = readFixture('rfc-derived/rfc7865_8.1_complete_metadata.xml');
    const metadata = parseRecordingMetadata(text);
    expect(metadata.extensions.map((e) => [e.parent, e.localName, e.namespace])).toEqual([
      ['group', 'call-center', 'urn:ietf:params:xml:ns:callcenter'],
      ['group', 'mydata', 'http://example.com/my'],
      ['session', 'mydata', 'http://example.com/my'],
      ['participant', 'mydata', 'http://example.com/my'],
      ['participant', 'mydata', 'http://example.com/my'],
    ]);
    for (const extension of metadata.extensions) expect(text).toContain(extension.xml);
    expect(metadata.extensions[0]?.xml).toBe(
      "<call-center xmlns='urn:ietf:params:xml:ns:callcenter'>\n" +
        '          <supervisor>sip:alice@atlanta.com</supervisor>\n' +
        '    </call-center>',
    );
    expect(metadata.extensions[3]?.parentId).toBe('srfBElmCRp2QB23b7Mpk0w==');
  });

  it('RFC 7866 §8.1.1: the 4-stream INVITE is a SIPREC request; audio answered recvonly, video refused with port 0 in place', () => {
    const { message, selection } = loadMessage('rfc-derived/rfc7866_style_INVITE_4streams.sip');
    expect(
      isSiprecRequest({
        contactHeader: fixtureHeaderValues(message, 'Contact'),
        requireHeader: fixtureHeaderValues(message, 'Require'),
        hasMetadataPart: selection.metadata !== undefined,
      }),
    ).toBe(true);
    expect(selection.metadataContentType).toBe('application/rs-metadata+xml');
    const metadata = metadataOf(selection);
    expect(labelsOf(metadata)).toEqual(['96', '97', '98', '99']);
    expect(aorsOf(metadata)).toEqual(['sip:bob@biloxi.com', 'sip:Paul@biloxi.com']);

    const result = answer(selection.sdp);
    expect(mLines(result.sdp)).toEqual([
      'm=audio 30000 RTP/AVP 0',
      'm=video 0 RTP/AVPF 96',
      'm=audio 30002 RTP/AVP 0',
      'm=video 0 RTP/AVPF 96',
    ]);
    expect(result.streams.map((s) => [s.label, s.accepted, s.rejectReason])).toEqual([
      ['96', true, undefined],
      ['97', false, 'unsupported-media'],
      ['98', true, undefined],
      ['99', false, 'unsupported-media'],
    ]);
    expect(result.streams[0]?.remote).toEqual({
      address: '198.51.100.1',
      port: 49170,
      rtcpPort: 49171,
    });
  });

  it('RFC 7865 §7: partial updates for hold and resume carry only participantstreamassoc', () => {
    const hold = parseRecordingMetadata(readFixture('rfc-derived/partial_update_hold.xml'));
    const resume = parseRecordingMetadata(readFixture('rfc-derived/partial_update_resume.xml'));
    expect(hold.dataMode).toBe('partial');
    expect(hold.session).toBeUndefined();
    expect(hold.participants.map((p) => [p.id, p.send.length, p.recv.length])).toEqual([
      ['srfBElmCRp2QB23b7Mpk0w==', 0, 2],
      ['zSfPoSvdSDCmU3A3TRDxAw==', 2, 0],
    ]);
    expect(resume.participants.map((p) => [p.send.length, p.recv.length])).toEqual([
      [2, 2],
      [2, 2],
    ]);
  });
});

describe('SIPp SIPREC client material', () => {
  it('RFC 7866 §6.1.1: the SIPp INVITE carries +sip.src and Require: siprec and two labelled PCMU streams', () => {
    const { message, selection } = loadMessage('sipp_siprec_uac_INVITE.sip');
    expect(
      isSiprecRequest({
        contactHeader: fixtureHeaderValues(message, 'Contact'),
        requireHeader: fixtureHeaderValues(message, 'Require'),
      }),
    ).toBe(true);
    const metadata = metadataOf(selection);
    const standalone = parseRecordingMetadata(readFixture('sipp_metadata_example.xml'));
    expect(metadata.participants).toEqual(standalone.participants);
    expect(aorsOf(standalone)).toEqual(['sip:alice@example.com', 'sip:bob@example.net']);
    expect(standalone.participants.map((p) => p.name)).toEqual(['Alice Caller', 'Bob Trader']);
    expect(standalone.session?.startTime).toBe('2024-06-03T09:30:00Z');
    expect(labelsOf(standalone)).toEqual(['1', '2']);
    expect(standalone.participants[0]?.send).toEqual(['4kDKMSUtLsnxUPuXaFggAw==']);
  });

  it('RFC 3264 §6: our answer to the SIPp INVITE has the media lines of the reference SRS stub, ports aside', () => {
    const { selection } = loadMessage('sipp_siprec_uac_INVITE.sip');
    const stub = splitFixtureMessage(readFixture('srs_stub_200OK.sip'));
    const reference = parseSdp(stub.body);
    const result = answer(selection.sdp);
    const ours = parseSdp(result.sdp);
    expect(reference.media.map((m) => [m.label, m.direction, m.formats])).toEqual([
      ['1', 'recvonly', ['0']],
      ['2', 'recvonly', ['0']],
    ]);
    expect(ours.media.map((m) => [m.label, m.direction, m.formats, m.protocol])).toEqual(
      reference.media.map((m) => [m.label, m.direction, m.formats, m.protocol]),
    );
    expect(reference.media.map((m) => m.port)).toEqual([27000, 27002]);
    expect(ours.media.map((m) => m.port)).toEqual([30000, 30002]);
  });
});

describe('vendor offers (drachtio-siprec-recording-server test data)', () => {
  it('Acme/Oracle (draft namespace): id=/session= attributes, inline send, mode and apkt extension data', () => {
    const { selection } = loadMessage('vendor-offers/acme-siprec-offer.txt');
    const metadata = metadataOf(selection);
    expect(metadata.dialect).toBe('draft');
    expect(metadata.session?.id).toBe('AavRXwIIQj1Q39eJulTipQ==');
    expect(aorsOf(metadata)).toEqual(['sip:9000@192.168.50.102', 'sip:1002@192.168.50.10']);
    expect(metadata.participants.map((p) => p.send)).toEqual([
      ['Q4O8SGLQSilXHUGQX2zd8Q=='],
      ['l1NyQy8ORSlouUj2G3UE/A=='],
    ]);
    expect(metadata.participants[0]?.sessionIds).toEqual(['AavRXwIIQj1Q39eJulTipQ==']);
    expect(metadata.streams.map((s) => [s.label, s.mode, s.sessionId])).toEqual([
      ['16777227', 'separate', 'AavRXwIIQj1Q39eJulTipQ=='],
      ['16777228', 'separate', 'AavRXwIIQj1Q39eJulTipQ=='],
    ]);
    expect(metadata.extensions.map((e) => e.xml.includes('<apkt:callingParty>true'))).toEqual([
      true,
      false,
    ]);
    const result = answer(selection.sdp);
    expect(mLines(result.sdp)).toEqual(['m=audio 30000 RTP/AVP 0', 'm=audio 30002 RTP/AVP 0']);
    expect(result.streams.map((s) => [s.label, s.direction, s.codec?.name])).toEqual([
      ['16777227', 'recvonly', 'PCMU'],
      ['16777228', 'recvonly', 'PCMU'],
    ]);
  });

  it('BroadWorks via Avaya SBCE (RFC 7865 namespace, dataMode spelling): placeholder participant sip:ASBCE@asbce.com', () => {
    const { selection } = loadMessage('vendor-offers/broadworks-offer-2.txt');
    const metadata = metadataOf(selection);
    expect(metadata.dataMode).toBe('complete');
    expect(aorsOf(metadata)).toEqual(['sip:9878942259@212.188.68.145', 'sip:ASBCE@asbce.com']);
    expect(metadata.participants.map((p) => isPlaceholderRecordingParticipant(p))).toEqual([
      false,
      true,
    ]);
    expect(hasOnlyPlaceholderParticipants(metadata)).toBe(false);
    expect(labelsOf(metadata)).toEqual(['10', '20']);
    expect(metadata.session?.associateTime).toBe('2019-11-12T15:57:37');
    const result = answer(selection.sdp);
    expect(mLines(result.sdp)).toEqual([
      'm=audio 30000 RTP/AVP 8 97',
      'm=audio 30002 RTP/AVP 8 97',
    ]);
    expect(result.streams[0]?.telephoneEvent).toEqual({ payloadType: 97, clockRate: 8000 });
  });

  it('BroadWorks with a damaged metadata part: "application/ +xml" is not metadata, the mixed stream is still answered', () => {
    const { message, selection } = loadMessage('vendor-offers/broadworks-offer.txt');
    expect(message.parts.map((p) => p.contentType)).toEqual([
      'application/ +xml',
      'application/sdp',
    ]);
    expect(selection.metadata).toBeUndefined();
    expect(selection.ignored).toHaveLength(1);
    // The tags of this body were lost upstream; what is left still reads as an empty document.
    const damaged = parseRecordingMetadata(message.parts[0]?.body ?? '');
    expect(damaged.dialect).toBe('broadworks');
    expect(damaged.participants).toEqual([]);
    expect(hasOnlyPlaceholderParticipants(damaged)).toBe(true);

    const result = answer(selection.sdp);
    // Offer order 8 101 0 9 18: PCMA first, PCMU, G.722 and G.729 (where decoded) answered too.
    expect(mLines(result.sdp)).toEqual(['m=audio 30000 RTP/AVP 8 0 9 18 101']);
    expect(result.sdp).toContain('a=fmtp:101 0-15\r\n');
    expect(result.streams[0]?.label).toBe('1');
    // Where the G.729 addon is not built, G.729 is left out.
    const withoutG729 = buildSdpAnswer(parseSdp(selection.sdp!), {
      ...answerOptions(),
      g729: false,
    });
    expect(mLines(withoutG729.sdp)).toEqual(['m=audio 30000 RTP/AVP 8 0 9 101']);
  });

  it('BroadWorks recording_metadata (urn:ietf:params:xml:ns:siprec): aor/send-id participants, mixed stream and broadWorksRecordingMetadata', () => {
    const text = readFixture('reconstructed/broadworks-recording-metadata.xml');
    const metadata = parseRecordingMetadata(text);
    expect(metadata.dialect).toBe('broadworks');
    expect(metadata.recording).toEqual({
      id: 'urn:uuid:0b6a3c1e-3f2d-4c55-9a61-2f0c3d9e7a10',
      requestor: 'SRC',
      type: 'selective',
    });
    expect(metadata.groups[0]?.initiator).toBe('sip:caller_name');
    expect(metadata.session?.startTime).toBe('2019-01-13T14:48:35-05:00');
    expect(metadata.session?.groupRef).toBe('urn:uuid:5d8e2a47-91b3-4f0e-8c2d-6a7b9e1f0c32');
    expect(aorsOf(metadata)).toEqual(['sip:caller_name', 'sip:+XXXXXXXXXX@SBC_IP;user=phone']);
    expect(metadata.participants.map((p) => p.send)).toEqual([
      ['urn:uuid:e76f6cf1-181e-4f94-a137-a3dddg85b35f'],
      ['urn:uuid:e76f6cf1-181e-4f94-a137-a3dddg85b35f'],
    ]);
    expect(metadata.streams).toEqual([
      {
        id: 'urn:uuid:e76f6cf1-181e-4f94-a137-a3dddg85b35f',
        sessionId: 'urn:uuid:9c41e0d2-7a5b-4e83-b1f6-3d2c8a9e5b07',
        label: '1',
        mode: 'mixed',
      },
    ]);
    expect(metadata.vendor?.broadworks).toEqual({
      version: '2.0',
      extTrackingId: '1142208:1',
      serviceProviderId: 'DemoCorp Demo',
      groupId: 'DemoCorp -',
      userId: 'caller@democorp.com',
      callId: 'callhalf-11473743407:0',
      recordingType: 'on',
      callType: {
        kind: 'origCall',
        callingPartyNumber: 'sip:+1MYPHONENUMBER@SBC_IP',
        calledPartyNumber: 'sip:+XXXXXXXXXX@SBC_IP;user=phone',
        dialedDigits: 'sip:RECIPIENTNUMBER@SBC_IP',
      },
    });
    expect(metadata.extensions).toHaveLength(1);
    expect(metadata.extensions[0]?.localName).toBe('extensiondata');
    expect(text).toContain(metadata.extensions[0]?.xml ?? '<missing>');
    expect(metadata.extensions[0]?.xml).toMatch(/^<extensiondata .*<\/extensiondata>$/);
  });

  it('Cisco (RFC 7865): sdp, metadata and an application/gtd part; two streams with send/recv crossed', () => {
    const { selection } = loadMessage('vendor-offers/cisco-siprec-offer.txt');
    expect(selection.ignored.map((p) => p.contentType)).toEqual(['application/gtd']);
    const metadata = metadataOf(selection);
    expect(aorsOf(metadata)).toEqual(['sip:7301@35.162.237.204', 'sip:7300@35.162.237.204']);
    expect(metadata.participants.map((p) => p.name)).toEqual([undefined, '7300']);
    expect(metadata.session?.sipSessionIds).toEqual([
      'e9fffff2020a598b86962867715db0cf;remote=cd0f7093d62c5f0697098fd69a4aa57b',
    ]);
    expect(metadata.session?.startTime).toBe('2017-06-23T12:16:06.040Z');
    expect(labelsOf(metadata)).toEqual(['1', '2']);
    expect(metadata.participants[0]?.send).toEqual(metadata.participants[1]?.recv);
    const result = answer(selection.sdp);
    expect(mLines(result.sdp)).toEqual([
      'm=audio 30000 RTP/AVP 0 101',
      'm=audio 30002 RTP/AVP 0 101',
    ]);
    expect(result.streams.map((s) => s.remote.port)).toEqual([10292, 10294]);
    expect(result.sdp).toContain('a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n');
  });

  it.each([
    ['vendor-offers/connectel-offer.txt', 'test_user;lang=en-US;id=22'],
    ['vendor-offers/connectel-offer2.txt', 'test_user;lang=en-US'],
    ['vendor-offers/connectel-offer3.txt', 'test_user'],
  ])(
    'OpenSIPS-based %s: no c= line, codec chosen per stream in offer order, names kept as sent',
    (path, name) => {
      const { selection } = loadMessage(path);
      const metadata = metadataOf(selection);
      expect(aorsOf(metadata)).toEqual([
        'sip:0771121212@52.57.92.239',
        'sip:0760516936@sip-cust1.connectel.io',
      ]);
      expect(metadata.participants.map((p) => p.name)).toEqual([name, undefined]);
      expect(metadata.participants.map((p) => p.streamsDeclared)).toEqual([false, false]);
      expect(metadata.session?.sipSessionIds).toEqual([
        '2d8abbf0769c66e15bb349f509693d60@52.57.92.239',
      ]);
      expect(labelsOf(metadata)).toEqual(['1', '2']);
      const result = answer(selection.sdp);
      expect(result.streams.map((s) => [s.codec?.name, s.telephoneEvent?.payloadType])).toEqual([
        ['PCMU', 101],
        ['PCMA', 101],
      ]);
      expect(result.streams[0]?.remote.address).toBeUndefined();
    },
  );

  it('RFC 3264 §6.1: an inactive offer (Cisco hold) is answered inactive and marked on hold', () => {
    const { selection } = loadMessage('vendor-offers/inactive-sdp-offer.txt');
    const metadata = metadataOf(selection);
    expect(aorsOf(metadata)).toEqual([
      'sip:0733165805@192.168.40.34',
      'sip:+972546136443@192.168.10.140',
    ]);
    expect(metadata.participants.map((p) => [p.streamsDeclared, p.send, p.recv])).toEqual([
      [true, [], []],
      [true, [], []],
    ]);
    const result = answer(selection.sdp);
    expect(result.streams.map((s) => [s.direction, s.onHold, s.codec?.name])).toEqual([
      ['inactive', true, 'PCMU'],
      ['inactive', true, 'PCMU'],
    ]);
    expect(result.sdp).not.toContain('a=recvonly');
    expect(mLines(result.sdp)).toEqual([
      'm=audio 30000 RTP/AVP 0 101',
      'm=audio 30002 RTP/AVP 0 101',
    ]);
  });

  it('SPEC §5: a plain SDP offer without metadata or SIPREC indicators is still answered', () => {
    const text = readFixture('vendor-offers/non-siprec-payload.txt');
    const message = splitFixtureMessage(text);
    expect(message.parts).toEqual([]);
    const selection = pickSiprecBodyParts([{ contentType: 'application/sdp', body: text }]);
    expect(isSiprecRequest({ hasMetadataPart: selection.metadata !== undefined })).toBe(false);
    const result = answer(selection.sdp);
    expect(mLines(result.sdp)).toEqual(['m=audio 30000 RTP/AVP 0 101']);
    expect(result.streams[0]?.direction).toBe('recvonly');
  });

  it('Procomm/SEMS: legacy application/rs-metadata, textual labels a_leg/b_leg, a=direction:both ignored', () => {
    const { selection } = loadMessage('vendor-offers/procomm-siprec-offer.txt');
    expect(selection.metadataContentType).toBe('application/rs-metadata');
    const metadata = metadataOf(selection);
    expect(aorsOf(metadata)).toEqual([
      'sip:016190200@87.252.209.116',
      'Extension-016190619@speechpath.ie',
    ]);
    expect(metadata.participants.map((p) => p.name)).toEqual([
      '016190200',
      'Speechpath-Main-Line 016190619',
    ]);
    expect(labelsOf(metadata)).toEqual(['a_leg', 'b_leg']);
    const result = answer(selection.sdp);
    expect(result.streams.map((s) => [s.label, s.offeredDirection, s.codec?.name])).toEqual([
      ['a_leg', 'sendonly', 'PCMA'],
      ['b_leg', 'sendonly', 'PCMA'],
    ]);
    expect(result.sdp).toContain('a=label:a_leg\r\na=recvonly\r\n');
  });

  it('Sonus/Ribbon tns: prefixes on the draft namespace with RFC 7865 structure; callData kept verbatim', () => {
    const { selection } = loadMessage('vendor-offers/sonus-siprec-offer.txt');
    const metadata = metadataOf(selection);
    expect(metadata.dialect).toBe('draft');
    expect(aorsOf(metadata)).toEqual(['2249888500@172.16.198.55', '2249888012@172.16.195.72']);
    // The second party's name is a single blank: no name.
    expect(metadata.participants.map((p) => p.name)).toEqual(['Extension 8500', undefined]);
    expect(metadata.participants.map((p) => [p.send, p.recv])).toEqual([
      [['MTQ3YzA3YzUtNjdkNy0xMA=='], ['MTQ3YzA3YzQtNjdkNy0xMA==']],
      [['MTQ3YzA3YzQtNjdkNy0xMA=='], ['MTQ3YzA3YzUtNjdkNy0xMA==']],
    ]);
    expect(labelsOf(metadata)).toEqual(['1', '2']);
    expect(metadata.session?.groupRef).toBe('MTQ3YzA3YzAtNjdkNy0xMA==');
    expect(metadata.extensions).toHaveLength(1);
    expect(metadata.extensions[0]).toMatchObject({
      parent: 'group',
      parentId: 'MTQ3YzA3YzAtNjdkNy0xMA==',
      localName: 'callData',
      namespace: 'urn:ietf:params:xml:ns:callData',
    });
    // Verbatim: escaped characters stay escaped.
    expect(metadata.extensions[0]?.xml).toContain(
      '<fromhdr>"Extension 8500" &lt;sip:2249888500@172.16.198.55&gt;;tag=SerryvK5ej0jc</fromhdr>',
    );
    const result = answer(selection.sdp);
    expect(mLines(result.sdp)).toEqual(['m=audio 30000 RTP/AVP 0', 'm=audio 30002 RTP/AVP 0']);
    expect(result.streams.map((s) => s.remote)).toEqual([
      { address: '172.16.169.132', port: 48932, rtcpPort: 48933 },
      { address: '172.16.169.132', port: 48926, rtcpPort: 48927 },
    ]);
  });

  it('single-stream SDP samples (one m-line per INVITE) are each answered', () => {
    const split = (path: string): string[] => readFixture(path).split('__split_here__\n');
    const [ice, sonus2] = split('vendor-offers/sample-sdp2.txt');
    const iceOffer = parseSdp(ice ?? '');
    expect(iceOffer.media[0]?.rtcp).toEqual({ port: 60552, address: '192.168.1.224' });
    expect(iceOffer.media[0]?.connection?.address).toBe('127.0.0.1');
    const iceAnswer = answer(ice);
    expect(iceAnswer.streams[0]).toMatchObject({
      label: '1',
      codec: { name: 'PCMA', payloadType: 8 },
      remote: { address: '127.0.0.1', port: 35003, rtcpPort: 60552, rtcpAddress: '192.168.1.224' },
    });
    expect(answer(sonus2).streams[0]).toMatchObject({ label: '2', codec: { name: 'PCMU' } });

    const [fsSendrecv, fsRecvonly] = split('vendor-offers/sample-sdp3.txt');
    // FreeSWITCH: no label and no direction (sendrecv); trailing blank after ptime.
    const sendrecv = answer(fsSendrecv);
    expect(sendrecv.streams[0]).toMatchObject({
      direction: 'recvonly',
      offeredDirection: 'sendrecv',
    });
    expect(sendrecv.streams[0]?.label).toBeUndefined();
    expect(parseSdp(fsSendrecv ?? '').media[0]?.ptime).toBe(20);
    expect(answer(fsRecvonly).streams[0]?.direction).toBe('inactive');

    const samples = split('vendor-offers/sample-sdps.txt').map((sdp) => answer(sdp));
    expect(samples.map((s) => [s.streams[0]?.label, s.streams[0]?.remote.port])).toEqual([
      ['1', 48932],
      ['2', 48926],
    ]);
  });
});

describe('voicemail-deposit fixtures (BroadWorks shape; voicemail-leg.test.ts checks each)', () => {
  it('each parses as BroadWorks metadata with two participants and two streams', () => {
    const expected: Record<string, string | null> = {
      'voicemail/broadworks-voicemail-uri.xml': 'rfc4458-uri',
      'voicemail/broadworks-voicemail-call-type.xml': 'broadworks-call-type',
      'voicemail/broadworks-voicemail-service.xml': 'broadworks-service',
      'voicemail/broadworks-ivr-target-no-cause.xml': null,
    };
    for (const [path, evidence] of Object.entries(expected)) {
      const metadata = parseRecordingMetadata(readFixture(path));
      expect([metadata.dialect, metadata.participants.length, metadata.streams.length]).toEqual([
        'broadworks',
        2,
        2,
      ]);
      expect(metadata.vendor?.broadworks?.userId).toBe('Cognia-CRUser3@as.iop1.broadworks.net');
      expect(voicemailLegOf(metadata)?.evidence ?? null).toBe(evidence);
    }
    expect(readFixture('voicemail/README.md')).toContain('RFC 4458');
  });
});

describe('metadata across revisions and mixed streams (history/, README there)', () => {
  it('each document is read: participants, streams and the vendor data the history uses', () => {
    const read = (name: string) => parseRecordingMetadata(readFixture(`history/${name}`));
    const rev1 = read('cisco-conference-rev1.xml');
    expect(rev1.participants.map((p) => p.aor)).toEqual([
      'sip:7301@35.162.237.204',
      'sip:7300@35.162.237.204',
      'sip:7302@35.162.237.204',
    ]);
    expect(rev1.participants[2]).toMatchObject({
      associateTime: '2017-06-23T12:16:09.512Z',
      send: [],
      recv: ['kQOH5VdEEeeJ/ND/VsPGWA==', 'kQOH5VdEEeeJ/dD/VsPGWA=='],
    });
    const rev2 = read('cisco-conference-rev2-reissued.xml');
    expect(rev2.participants.map((p) => [p.id, p.aor])).toEqual([
      ['x7TmVFdFEeeK01D/VsPGWA==', 'sip:7301@35.162.237.204'],
      ['x7TmVFdFEeeK02D/VsPGWA==', 'sip:7300@35.162.237.204'],
    ]);
    const leave = read('cisco-conference-partial-leave.xml');
    expect(leave.dataMode).toBe('partial');
    expect(leave.participants).toMatchObject([
      { id: 'kQNhKFdEEeeJ/ND/VsPGWA==', disassociateTime: '2017-06-23T12:17:41.020Z' },
    ]);
    const broadworks = read('broadworks-dual-stream-userid.xml');
    expect(broadworks.dialect).toBe('broadworks');
    expect(broadworks.vendor?.broadworks).toMatchObject({
      userId: '12345@11.abc',
      callType: { kind: 'origCall', callingPartyNumber: 'sip:+33123456788@11.abc' },
    });
    expect(broadworks.streams.map((st) => st.mode)).toEqual(['separate', 'separate']);
    const metaswitch = read('metaswitch-mixed.xml');
    expect(metaswitch.streams).toHaveLength(1);
    expect(metaswitch.participants.map((p) => p.send)).toEqual([
      ['TVNXc3RyZWFtMDAwMQ=='],
      ['TVNXc3RyZWFtMDAwMQ=='],
    ]);
    expect(metaswitch.vendor?.metaswitch).toEqual({
      recordedParty: 'sip:085550101',
      direction: 'outgoing',
    });
    expect(readFixture('history/README.md')).toContain('metaswitch-mixed.xml');
  });
});

describe('fixture coverage', () => {
  const NOTES = new Set([
    'vendor-offers/LICENSE',
    'vendor-offers/SOURCE',
    'reconstructed/README.md',
  ]);

  function listFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [relative(FIXTURES, path)];
    });
  }

  it('licence and source notes come with the vendor offers', () => {
    expect(readFixture('vendor-offers/LICENSE')).toContain('MIT License');
    expect(readFixture('vendor-offers/SOURCE')).toContain('drachtio-siprec-recording-server');
  });

  // Tests of a file run in order, so this one sees what every test above has read.
  it('every fixture file is exercised by a test above', () => {
    const missing = listFiles(FIXTURES).filter((f) => !NOTES.has(f) && !exercised.has(f));
    expect(missing).toEqual([]);
  });
});
