import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { splitFixtureMessage } from '../fixture-multipart.test-helper.js';
import { pickSiprecBodyParts } from '../siprec-body-parts.js';
import { callDirectionOf, callDirectionOfRevisions } from './call-direction.js';
import {
  buildParticipantHistory,
  participantIdentityKey,
  streamPartiesOf,
  type ParticipantHistoryRevision,
} from './participant-history.js';
import { parseRecordingMetadata } from './recording-metadata-parser.js';
import {
  applyRecordingMetadataBody,
  createRecordingMetadataState,
  type RecordingMetadataState,
} from './recording-metadata-state.js';

const FIXTURES = fileURLToPath(new URL('../../../test-fixtures/siprec/', import.meta.url));
const read = (path: string): string => readFileSync(`${FIXTURES}${path}`, 'utf8');

const REV1 = read('history/cisco-conference-rev1.xml');
const REV2 = read('history/cisco-conference-rev2-reissued.xml');
const LEAVE = read('history/cisco-conference-partial-leave.xml');
const METASWITCH = read('history/metaswitch-mixed.xml');
const BROADWORKS_MIXED = read('reconstructed/broadworks-recording-metadata.xml');
const metadataOf = (offer: string): string | Uint8Array =>
  pickSiprecBodyParts(splitFixtureMessage(read(`vendor-offers/${offer}`)).parts).metadata!;

const P7301 = 'kQNhKFdEEeeJ99D/VsPGWA==';
const P7300 = 'kQNhKFdEEeeJ+ND/VsPGWA==';
const P7302 = 'kQNhKFdEEeeJ/ND/VsPGWA==';
const T0 = Date.parse('2026-12-05T10:00:00.000Z');

/** Revisions as the session keeps them: each merged model with its arrival. */
function revisionsOf(
  ...bodies: Array<[string | Uint8Array, number]>
): readonly ParticipantHistoryRevision[] {
  let state: RecordingMetadataState = createRecordingMetadataState();
  for (const [body, at] of bodies) {
    state = applyRecordingMetadataBody(state, body, { receivedAtMs: at });
  }
  return state.revisions;
}

describe('participant history over metadata revisions (RFC 7865 §6.4.1, §7)', () => {
  it('keeps the arrival of each revision with it', () => {
    const [first, second] = revisionsOf([REV1, T0], [REV2, T0 + 42_000]);
    expect(first!.receivedAtMs).toBe(T0);
    expect(second!.receivedAtMs).toBe(T0 + 42_000);
  });

  it('a complete revision that re-issues participant ids: one party per person, known by its first id; one no longer listed left when that revision came', () => {
    const history = buildParticipantHistory(revisionsOf([REV1, T0], [REV2, T0 + 42_000]));
    expect(history.participants).toEqual([
      {
        id: P7301,
        ids: [P7301, 'x7TmVFdFEeeK01D/VsPGWA=='],
        aor: 'sip:7301@35.162.237.204',
        joinedAt: '2017-06-23T12:16:06.040Z',
        active: true,
      },
      {
        id: P7300,
        ids: [P7300, 'x7TmVFdFEeeK02D/VsPGWA=='],
        aor: 'sip:7300@35.162.237.204',
        name: '7300',
        joinedAt: '2017-06-23T12:16:06.040Z',
        active: true,
      },
      {
        id: P7302,
        ids: [P7302],
        aor: 'sip:7302@35.162.237.204',
        name: '7302',
        joinedAt: '2017-06-23T12:16:09.512Z',
        leftAt: new Date(T0 + 42_000).toISOString(),
        active: false,
      },
    ]);
    expect(history.stableIds.get('x7TmVFdFEeeK02D/VsPGWA==')).toBe(P7300);
  });

  it('RFC 7865 §6.4.1: a partial update’s disassociate-time is when the participant left, as the SRC wrote it', () => {
    const history = buildParticipantHistory(revisionsOf([REV1, T0], [LEAVE, T0 + 5_000]));
    const left = history.participants.find((p) => p.id === P7302)!;
    expect(left).toMatchObject({
      joinedAt: '2017-06-23T12:16:09.512Z',
      leftAt: '2017-06-23T12:17:41.020Z',
      active: false,
    });
    expect(history.participants.filter((p) => p.active).map((p) => p.id)).toEqual([P7301, P7300]);
  });

  it('a participant first listed without an associate-time joined when its revision arrived', () => {
    const sonus = buildParticipantHistory(revisionsOf([metadataOf('sonus-siprec-offer.txt'), T0]));
    // Sonus sends the participantsessionassoc times: those win.
    expect(sonus.participants.map((p) => p.joinedAt)).toEqual([
      '1970-05-13T03:29:05Z',
      '1970-05-13T03:29:05Z',
    ]);
    const bare = parseRecordingMetadata(
      '<recording xmlns="urn:ietf:params:xml:ns:recording:1"><participant participant_id="a">' +
        '<nameID aor="sip:a@x"/></participant></recording>',
    );
    expect(
      buildParticipantHistory([{ model: bare, receivedAtMs: T0 }]).participants[0]!.joinedAt,
    ).toBe(new Date(T0).toISOString());
  });

  it('two placeholders with one AOR in a revision stay two parties', () => {
    const doc = (ids: string[]) =>
      parseRecordingMetadata(
        '<recording xmlns="urn:ietf:params:xml:ns:recording:1">' +
          ids
            .map(
              (id) =>
                `<participant participant_id="${id}"><nameID aor="sip:ASBCE@asbce.com"/></participant>`,
            )
            .join('') +
          '</recording>',
      );
    const history = buildParticipantHistory([
      { model: doc(['a', 'b']) },
      { model: doc(['c', 'd']) },
    ]);
    expect(history.participants.map((p) => p.ids)).toEqual([
      ['a', 'c'],
      ['b', 'd'],
    ]);
  });

  it('compares addresses of record without scheme, URI parameters or host case', () => {
    expect(participantIdentityKey('sip:+4685550101@SBC.Example;user=phone')).toBe(
      '+4685550101@sbc.example',
    );
    expect(participantIdentityKey('+4685550101@sbc.example')).toBe('+4685550101@sbc.example');
    expect(participantIdentityKey('sip:Alice@x')).not.toBe(participantIdentityKey('sip:alice@x'));
    expect(participantIdentityKey('  ')).toBeUndefined();
  });
});

describe('who is on each stream: mixed streams (RFC 7865 §6.5; draft/BroadWorks <mode>)', () => {
  it('re-issued ids keep one sender per stream: two separate streams, not mixed', () => {
    const revisions = revisionsOf([REV1, T0], [REV2, T0 + 1]);
    expect(streamPartiesOf(revisions)).toEqual([
      { label: '1', senders: [P7301], mixed: false },
      { label: '2', senders: [P7300], mixed: false },
    ]);
  });

  it('a stream every participant sends (Metaswitch) is one mixed stream of both parties', () => {
    const revisions = revisionsOf([METASWITCH, T0]);
    expect(streamPartiesOf(revisions)).toEqual([
      { label: '1', senders: ['TVNXcGFydHkwMDAx', 'TVNXcGFydHkwMDAy'], mixed: true },
    ]);
  });

  it('BroadWorks <mode>mixed</mode>: the one stream carries both parties', () => {
    const revisions = revisionsOf([BROADWORKS_MIXED, T0]);
    expect(streamPartiesOf(revisions)).toEqual([
      {
        label: '1',
        senders: [
          'urn:uuid:1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10',
          'urn:uuid:2a3b4c5d-6e7f-4081-9293-a4b5c6d7e8f9',
        ],
        mixed: true,
      },
    ]);
  });

  it('senders one after another on one stream (a transfer) are not a mix', () => {
    const doc = (who: string) =>
      `<recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>complete</datamode>` +
      `<participant participant_id="${who}"><nameID aor="sip:${who}@x"/></participant>` +
      `<stream stream_id="s"><label>2</label></stream>` +
      `<participantstreamassoc participant_id="${who}"><send>s</send></participantstreamassoc></recording>`;
    expect(streamPartiesOf(revisionsOf([doc('b'), T0], [doc('c'), T0 + 1]))).toEqual([
      { label: '2', senders: ['b', 'c'], mixed: false },
    ]);
  });
});

describe('Metaswitch extension data and direction over revisions', () => {
  it('reads the recorded party and the direction beside it', () => {
    const model = parseRecordingMetadata(METASWITCH);
    expect(model.vendor?.metaswitch).toEqual({
      recordedParty: 'sip:085550101',
      direction: 'outgoing',
    });
    expect(callDirectionOf(model, 'TVNXcGFydHkwMDAx')).toBe('outbound');
  });

  it.each([
    ['incoming', 'inbound'],
    ['Terminating', 'inbound'],
    ['originating', 'outbound'],
    ['sideways', null],
  ])('direction %s reads as %s', (value, direction) => {
    const model = parseRecordingMetadata(METASWITCH.replace('>outgoing<', `>${value}<`));
    expect(callDirectionOf(model, undefined)).toBe(direction);
  });

  it('Acme marks are read with the ids of the revision that carries them, the first revision that says wins', () => {
    const acme = (caller: string, called: string, callerMark: string) =>
      `<recording xmlns='urn:ietf:params:xml:ns:recording'><datamode>complete</datamode>` +
      `<participant id="${caller}"><nameID aor="sip:9000@192.168.50.102"/><extensiondata xmlns:apkt="http://acmepacket.com/siprec/extensiondata"><apkt:callingParty>${callerMark}</apkt:callingParty></extensiondata></participant>` +
      `<participant id="${called}"><nameID aor="sip:1002@192.168.50.10"/><extensiondata xmlns:apkt="http://acmepacket.com/siprec/extensiondata"><apkt:callingParty>false</apkt:callingParty></extensiondata></participant></recording>`;
    // Revision 2 re-issues the ids: the owner (9000, first id "a") is still the caller.
    const revisions = revisionsOf([acme('a', 'b', 'true'), T0], [acme('c', 'd', 'true'), T0 + 1]);
    const history = buildParticipantHistory(revisions);
    expect(callDirectionOfRevisions(revisions, history, 'a', ['a'])).toBe('outbound');
    expect(callDirectionOfRevisions(revisions, history, 'b', ['b'])).toBe('inbound');
    // The first revision does not say (no caller marked): the second does, with its own ids.
    const later = revisionsOf([acme('a', 'b', 'false'), T0], [acme('c', 'd', 'true'), T0 + 1]);
    expect(callDirectionOfRevisions(later, buildParticipantHistory(later), 'a', ['a'])).toBe(
      'outbound',
    );
  });
});
