import { describe, expect, it } from 'vitest';
import {
  applyRecordingMetadataBody,
  createRecordingMetadataState,
  DEFAULT_PLACEHOLDER_AOR_PATTERNS,
} from '../siprec/index.js';
import { ownerCandidatesOf } from './owner-decision.js';

const FROM = { uriText: 'sip:7301@35.162.237.204', displayName: '7301' };
const TO = { uriText: 'sip:srs@127.0.0.1:5080' };

describe('owner-decision: the candidates of a session', () => {
  it("without metadata (CUBE network-based recording) the INVITE's From and To are the candidates", () => {
    expect(
      ownerCandidatesOf(createRecordingMetadataState(), DEFAULT_PLACEHOLDER_AOR_PATTERNS, {
        from: FROM,
        to: TO,
      }),
    ).toEqual([
      { id: 'invite:from', aor: 'sip:7301@35.162.237.204', name: '7301', placeholder: false },
      { id: 'invite:to', aor: 'sip:srs@127.0.0.1:5080', placeholder: false },
    ]);
    expect(ownerCandidatesOf(createRecordingMetadataState(), [])).toEqual([]);
  });

  it('with metadata its participants are the candidates, never the From and To', () => {
    const metadata = applyRecordingMetadataBody(
      createRecordingMetadataState(),
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<recording xmlns="urn:ietf:params:xml:ns:recording:1">',
        '<datamode>complete</datamode>',
        '<participant participant_id="pa"><nameID aor="sip:alice@example.com"/></participant>',
        '</recording>',
      ].join('\n'),
      { seq: 1 },
    );
    expect(
      ownerCandidatesOf(metadata, DEFAULT_PLACEHOLDER_AOR_PATTERNS, { from: FROM, to: TO }),
    ).toEqual([{ id: 'pa', aor: 'sip:alice@example.com', placeholder: false }]);
  });
});
