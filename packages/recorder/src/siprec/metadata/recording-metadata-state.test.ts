import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRecordingMetadata } from './recording-metadata-parser.js';
import {
  applyRecordingMetadata,
  applyRecordingMetadataBody,
  createRecordingMetadataState,
  hasOnlyPlaceholderParticipants,
  isPlaceholderRecordingParticipant,
  listActiveRecordingParticipants,
  listActiveRecordingStreams,
} from './recording-metadata-state.js';
import { SiprecMetadataError } from './siprec-metadata-error.js';

const FIXTURES = fileURLToPath(new URL('../../../test-fixtures/siprec/', import.meta.url));
const read = (path: string): string => readFileSync(`${FIXTURES}${path}`, 'utf8');

const COMPLETE = read('rfc-derived/rfc7865_8.1_complete_metadata.xml');
const HOLD = read('rfc-derived/partial_update_hold.xml');
const RESUME = read('rfc-derived/partial_update_resume.xml');
const BOB = 'srfBElmCRp2QB23b7Mpk0w==';
const PAUL = 'zSfPoSvdSDCmU3A3TRDxAw==';

const NS = "xmlns='urn:ietf:params:xml:ns:recording:1'";

describe('metadata revisions (RFC 7865 §7, RFC 7866 §9.2)', () => {
  it('RFC 7865 §7: a partial update on hold replaces the held participant’s streams and keeps everything else', () => {
    let state = applyRecordingMetadataBody(createRecordingMetadataState(), COMPLETE);
    state = applyRecordingMetadataBody(state, HOLD);
    const model = state.current;
    expect(model?.dataMode).toBe('complete');
    const bob = model?.participants.find((p) => p.id === BOB);
    const paul = model?.participants.find((p) => p.id === PAUL);
    // Bob is on hold: he sends nothing, still receives Paul's streams.
    expect(bob?.send).toEqual([]);
    expect(bob?.recv).toEqual(['8zc6e0lYTlWIINA6GR+3ag==', 'EiXGlc+4TruqqoDaNE76ag==']);
    expect(paul?.send).toEqual(['8zc6e0lYTlWIINA6GR+3ag==', 'EiXGlc+4TruqqoDaNE76ag==']);
    expect(paul?.recv).toEqual([]);
    // Identity, session and streams come from the complete document.
    expect(bob?.aor).toBe('sip:bob@biloxi.com');
    expect(paul?.name).toBe('Paul');
    expect(model?.session?.id).toBe('hVpd7YQgRW2nD22h7q60JQ==');
    expect(model?.streams.map((s) => s.label)).toEqual(['96', '97', '98', '99']);
    expect(model?.extensions).toHaveLength(5);
  });

  it('RFC 7865 §7: the resume update restores both directions', () => {
    let state = createRecordingMetadataState();
    for (const body of [COMPLETE, HOLD, RESUME]) state = applyRecordingMetadataBody(state, body);
    const bob = state.current?.participants.find((p) => p.id === BOB);
    expect(bob?.send).toEqual(['i1Pz3to5hGk8fuXl+PbwCw==', 'UAAMm5GRQKSCMVvLyl4rFw==']);
    expect(bob?.recv).toEqual(['8zc6e0lYTlWIINA6GR+3ag==', 'EiXGlc+4TruqqoDaNE76ag==']);
    expect(state.revisions.map((r) => [r.seq, r.dataMode])).toEqual([
      [1, 'complete'],
      [2, 'partial'],
      [3, 'partial'],
    ]);
    // Each revision keeps its raw body, its own document and the model after it.
    expect(state.revisions[1]?.raw).toBe(HOLD);
    expect(state.revisions[1]?.document.participants).toHaveLength(2);
    expect(state.revisions[1]?.model.participants.find((p) => p.id === BOB)?.send).toEqual([]);
    expect(state.revisions[0]?.model.participants.find((p) => p.id === BOB)?.send).toHaveLength(2);
  });

  it('RFC 7865 §7: a complete document replaces the model', () => {
    let state = applyRecordingMetadataBody(createRecordingMetadataState(), COMPLETE);
    state = applyRecordingMetadataBody(state, read('sipp_metadata_example.xml'), { seq: 102 });
    expect(state.current?.participants.map((p) => p.aor)).toEqual([
      'sip:alice@example.com',
      'sip:bob@example.net',
    ]);
    expect(state.current?.extensions).toEqual([]);
    expect(state.revisions.map((r) => r.seq)).toEqual([1, 102]);
  });

  it('RFC 7865 §6.4.1: a disassociate-time takes the participant out of the active set but keeps its history', () => {
    let state = applyRecordingMetadataBody(createRecordingMetadataState(), COMPLETE);
    state = applyRecordingMetadataBody(
      state,
      `<recording ${NS}><datamode>partial</datamode>` +
        `<participantsessionassoc participant_id="${PAUL}" session_id="hVpd7YQgRW2nD22h7q60JQ==">` +
        '<disassociate-time>2010-12-16T23:45:00Z</disassociate-time></participantsessionassoc>' +
        '<participant participant_id="new1"><nameID aor="sip:carol@example.org"/></participant>' +
        '<stream stream_id="s5" session_id="hVpd7YQgRW2nD22h7q60JQ=="><label>100</label></stream>' +
        '</recording>',
    );
    const model = state.current;
    if (model === undefined) throw new Error('no model');
    const paul = model.participants.find((p) => p.id === PAUL);
    expect(paul?.disassociateTime).toBe('2010-12-16T23:45:00Z');
    expect(paul?.associateTime).toBe('2010-12-16T23:41:07Z');
    expect(paul?.send).toHaveLength(2);
    expect(listActiveRecordingParticipants(model).map((p) => p.aor)).toEqual([
      'sip:bob@biloxi.com',
      'sip:carol@example.org',
    ]);
    expect(listActiveRecordingStreams(model).map((s) => s.label)).toEqual([
      '96',
      '97',
      '98',
      '99',
      '100',
    ]);
  });

  it('a first document that is partial becomes the model as it is', () => {
    const state = applyRecordingMetadataBody(createRecordingMetadataState(), HOLD);
    expect(state.current?.dataMode).toBe('partial');
    expect(state.current?.participants).toHaveLength(2);
  });

  it('a refused body throws its typed error and the previous state is untouched', () => {
    const before = applyRecordingMetadataBody(createRecordingMetadataState(), COMPLETE);
    expect(() => applyRecordingMetadataBody(before, '<!DOCTYPE x><recording/>')).toThrow(
      SiprecMetadataError,
    );
    expect(before.revisions).toHaveLength(1);
  });

  it('SPEC §5: a session without metadata is representable (no model, no revisions)', () => {
    const state = createRecordingMetadataState();
    expect(state.current).toBeUndefined();
    expect(state.revisions).toEqual([]);
  });

  it('applies an already parsed document with bytes decoded for the raw record', () => {
    const bytes = new TextEncoder().encode(HOLD);
    const state = applyRecordingMetadataBody(createRecordingMetadataState(), bytes);
    expect(state.revisions[0]?.raw).toBe(HOLD);
    const again = applyRecordingMetadata(state, parseRecordingMetadata(RESUME), RESUME, 9);
    expect(again.revisions.map((r) => r.seq)).toEqual([1, 9]);
  });
});

describe('placeholder participants', () => {
  const avayaFirst =
    `<recording ${NS}><datamode>complete</datamode>` +
    '<participant participant_id="a"><nameID aor="sip:ASBCE@asbce.com"/></participant>' +
    '<participant participant_id="b"><nameID aor=""><name>caller</name></nameID></participant>' +
    '<stream stream_id="s1"><label>1</label></stream></recording>';
  const avayaUpdate =
    `<recording ${NS}><datamode>partial</datamode>` +
    '<participant participant_id="a"><nameID aor="sip:+4681234567@pbx.example.se"/></participant>' +
    '</recording>';

  it('Avaya SBCE opens with placeholder AORs; policy can wait until an update names a real party', () => {
    let state = applyRecordingMetadataBody(createRecordingMetadataState(), avayaFirst);
    const first = state.current;
    if (first === undefined) throw new Error('no model');
    expect(first.participants.map((p) => isPlaceholderRecordingParticipant(p))).toEqual([
      true,
      true,
    ]);
    expect(hasOnlyPlaceholderParticipants(first)).toBe(true);
    state = applyRecordingMetadataBody(state, avayaUpdate);
    const updated = state.current;
    if (updated === undefined) throw new Error('no model');
    expect(updated.participants[0]?.aor).toBe('sip:+4681234567@pbx.example.se');
    expect(hasOnlyPlaceholderParticipants(updated)).toBe(false);
  });

  it('a model with no participant, or only disassociated real ones, has only placeholders', () => {
    const empty = parseRecordingMetadata(
      `<recording ${NS}><datamode>complete</datamode></recording>`,
    );
    expect(hasOnlyPlaceholderParticipants(empty)).toBe(true);
    const gone = parseRecordingMetadata(
      `<recording ${NS}><participant participant_id="x"><nameID aor="sip:a@b"/></participant>` +
        '<participantsessionassoc participant_id="x" session_id="s"><disassociate-time>t</disassociate-time></participantsessionassoc></recording>',
    );
    expect(hasOnlyPlaceholderParticipants(gone)).toBe(true);
  });

  it('recognises unknown/empty-user placeholders and accepts custom patterns', () => {
    const make = (aor: string) =>
      parseRecordingMetadata(
        `<recording ${NS}><participant participant_id="x"><nameID aor="${aor}"/></participant></recording>`,
      ).participants[0]!;
    expect(isPlaceholderRecordingParticipant(make('sip:unknown@10.0.0.1'))).toBe(true);
    expect(isPlaceholderRecordingParticipant(make('sip:@10.0.0.1'))).toBe(true);
    expect(isPlaceholderRecordingParticipant(make('sip:alice@example.com'))).toBe(false);
    expect(isPlaceholderRecordingParticipant(make('sip:alice@example.com'), [/alice/])).toBe(true);
  });
});
