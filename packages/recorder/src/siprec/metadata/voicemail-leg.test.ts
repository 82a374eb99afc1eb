import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRecordingMetadata } from './recording-metadata-parser.js';
import { rfc4458VoicemailTarget, voicemailLegOf } from './voicemail-leg.js';

const bytes = (path: string): Buffer =>
  readFileSync(fileURLToPath(new URL(`../../../test-fixtures/siprec/${path}`, import.meta.url)));
const parsed = (path: string) => parseRecordingMetadata(bytes(path).toString('utf8'));

describe('voicemail deposits recognised from SRC metadata', () => {
  it('fixtures are the bytes the tests were written against (one line of XML and a newline)', () => {
    for (const name of [
      'broadworks-voicemail-uri.xml',
      'broadworks-voicemail-call-type.xml',
      'broadworks-voicemail-service.xml',
      'broadworks-ivr-target-no-cause.xml',
    ]) {
      const raw = bytes(`voicemail/${name}`);
      expect(raw.subarray(0, 38).toString('latin1')).toBe('<?xml version="1.0" encoding="UTF-8"?>');
      expect(raw[raw.length - 1]).toBe(0x0a);
      expect(raw.toString('latin1').split('\n')).toHaveLength(3);
    }
    expect(bytes('voicemail/broadworks-voicemail-uri.xml')).toHaveLength(2287);
  });

  it('RFC 4458 §3: a participant retargeted to voicemail names the mailbox in `target`, the reason in `cause`', () => {
    expect(voicemailLegOf(parsed('voicemail/broadworks-voicemail-uri.xml'))).toStrictEqual({
      evidence: 'rfc4458-uri',
      mailbox: 'sip:7663@as.iop1.broadworks.net',
      cause: '408',
    });
  });

  it('BroadWorks: a callType child naming voice mail is a deposit into the recorded userID’s box', () => {
    expect(voicemailLegOf(parsed('voicemail/broadworks-voicemail-call-type.xml'))).toStrictEqual({
      evidence: 'broadworks-call-type',
      mailbox: 'Cognia-CRUser3@as.iop1.broadworks.net',
    });
  });

  it('BroadWorks: the Voice Messaging service named in the extension is a deposit', () => {
    expect(voicemailLegOf(parsed('voicemail/broadworks-voicemail-service.xml'))).toStrictEqual({
      evidence: 'broadworks-service',
      mailbox: 'Cognia-CRUser3@as.iop1.broadworks.net',
    });
  });

  it('RFC 4458: a `target` without a redirecting cause (an IVR URI) is not a voicemail', () => {
    expect(voicemailLegOf(parsed('voicemail/broadworks-ivr-target-no-cause.xml'))).toBeNull();
  });

  it('an ordinary BroadWorks call half (origCall, recordingType on) is not a voicemail', () => {
    expect(voicemailLegOf(parsed('reconstructed/broadworks-recording-metadata.xml'))).toBeNull();
  });

  it('an RFC 7865 document with plain participants is not a voicemail', () => {
    expect(voicemailLegOf(parsed('rfc-derived/rfc7865_8.1_complete_metadata.xml'))).toBeNull();
  });

  it('without metadata, the INVITE’s To may still be a voicemail URI', () => {
    expect(voicemailLegOf(undefined, ['sip:alice@example.com'])).toBeNull();
    expect(
      voicemailLegOf(undefined, [
        '"Voicemail" <sip:vm@example.com;target=tel:+15555551002;cause=486>',
      ]),
    ).toStrictEqual({ evidence: 'rfc4458-uri', mailbox: 'tel:+15555551002', cause: '486' });
  });
});

describe('RFC 4458 voicemail URIs', () => {
  it.each([
    [
      'sip:voicemail@example.com;target=sip:+15555551002%40example.com;cause=486',
      'sip:+15555551002@example.com',
      '486',
    ],
    ['<sips:vm@example.com;cause=302;target=alice%40example.com>', 'alice@example.com', '302'],
    ['tel:+15555550000;target=%2B15555551002;cause=404', '+15555551002', '404'],
    ['sip:vm@example.com;TARGET=bob%40example.com;Cause=487?Subject=x', 'bob@example.com', '487'],
  ])('%s names mailbox %s (cause %s)', (uri, mailbox, cause) => {
    expect(rfc4458VoicemailTarget(uri)).toStrictEqual({ mailbox, cause });
  });

  it.each([
    ['no cause (IVR)', 'sip:ivr@example.com;target=alice%40example.com'],
    ['RFC 8119 cause 380 (service number translation)', 'sip:x@example.com;target=alice;cause=380'],
    ['an unknown cause', 'sip:vm@example.com;target=alice;cause=999'],
    ['no target', 'sip:vm@example.com;cause=486'],
    ['an empty target', 'sip:vm@example.com;target=;cause=486'],
    ['a broken escape', 'sip:vm@example.com;target=%E0%A4%A;cause=486'],
    ['not a SIP or tel URI', 'mailto:vm@example.com;target=alice;cause=486'],
    ['parameters in the headers only', 'sip:vm@example.com?target=alice&cause=486'],
  ])('%s is not a voicemail URI', (_what, uri) => {
    expect(rfc4458VoicemailTarget(uri)).toBeNull();
  });
});
