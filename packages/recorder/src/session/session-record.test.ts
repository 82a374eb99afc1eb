import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyRecordingMetadataBody, createRecordingMetadataState } from '../siprec/index.js';
import type { RecordingOwner, RecordingOwnership } from './ports.js';
import {
  applyOwnerDecision,
  closingOutcome,
  snapshotSession,
  type SessionRecord,
} from './session-record.js';

const alice: RecordingOwner = {
  kind: 'person',
  id: 'p-alice',
  displayName: 'Alice',
  participantId: 'pa',
  matchedBy: 'sip-address',
  mode: 'Always',
};
const line: RecordingOwner = { ...alice, kind: 'virtualLine', id: 'vl-1', displayName: 'Sales' };

function record(ownership: RecordingOwnership = 'no-owner', owners: RecordingOwner[] = []) {
  return { ownership, owners } as {
    ownership: RecordingOwnership;
    owners: RecordingOwner[];
    refusalReason?: string;
    unattributedReason?: string;
  };
}

const decided = (
  owners: RecordingOwner[],
  waitingForParticipants = false,
  unattributed?: string,
) => ({ owners, waitingForParticipants, ...(unattributed === undefined ? {} : { unattributed }) });

describe('session-record: owners and the outcome of a session', () => {
  it('RFC 7866 §9.2: an owner stays when a later decision no longer names it; new ones are added once', () => {
    const session = record();
    applyOwnerDecision(session, decided([alice]));
    applyOwnerDecision(session, decided([line, alice]));
    applyOwnerDecision(session, decided([]));
    expect(session.owners.map((o) => o.id)).toEqual(['p-alice', 'vl-1']);
    expect(session.ownership).toBe('owned');
  });

  it('no owner: waiting for participants while only placeholders were named, else no owner', () => {
    const session = record();
    applyOwnerDecision(session, decided([], true));
    expect(session.ownership).toBe('awaiting-participants');
    applyOwnerDecision(session, decided([]));
    expect(session.ownership).toBe('no-owner');
  });

  it('nobody matched: unattributed with the reason, until a revision names an owner', () => {
    const session = record();
    applyOwnerDecision(
      session,
      decided([], true, 'the metadata names only placeholder participants'),
    );
    expect(session).toMatchObject({
      ownership: 'unattributed',
      unattributedReason: 'the metadata names only placeholder participants',
    });
    // Still waiting: what was recorded so far stays unattributed.
    applyOwnerDecision(session, decided([], true));
    expect(session.ownership).toBe('unattributed');
    applyOwnerDecision(session, decided([alice]));
    expect(session.ownership).toBe('owned');
    expect(session.unattributedReason).toBeUndefined();
  });

  it('an unattributed session whose revision names an entity that is not recorded keeps nothing', () => {
    const session = record();
    applyOwnerDecision(session, decided([], false, 'no party matches'));
    applyOwnerDecision(session, decided([]));
    expect(session.ownership).toBe('no-owner');
    expect(closingOutcome(session).kept).toBe(false);
  });

  it('a session is kept with an owner or unattributed, and the outcome says for whom or why not', () => {
    expect(
      closingOutcome({ ...record('unattributed'), unattributedReason: 'no party matches' }),
    ).toEqual({ kept: true, outcome: 'recorded unattributed: no party matches' });
    expect(closingOutcome(record('owned', [alice, line]))).toEqual({
      kept: true,
      outcome: 'recorded for person Alice, virtualLine Sales',
    });
    expect(closingOutcome({ ...record('refused'), refusalReason: 'org off' })).toEqual({
      kept: false,
      outcome: 'nothing is kept: refused (org off)',
    });
    expect(closingOutcome(record('refused')).outcome).toBe('nothing is kept: refused (policy)');
    expect(closingOutcome(record('awaiting-participants')).outcome).toMatch(
      /never named a participant/,
    );
    expect(closingOutcome(record('no-owner')).outcome).toMatch(/no participant matched/);
  });
});

describe('session-record: parties and owners over re-issued participant ids', () => {
  const fixture = (name: string): string =>
    readFileSync(
      fileURLToPath(new URL(`../../test-fixtures/siprec/history/${name}`, import.meta.url)),
      'utf8',
    );

  it('after a complete revision re-issuing every id, parties and owners keep the ids the call started with', () => {
    let metadata = applyRecordingMetadataBody(
      createRecordingMetadataState(),
      fixture('cisco-conference-rev1.xml'),
    );
    metadata = applyRecordingMetadataBody(metadata, fixture('cisco-conference-rev2-reissued.xml'));
    // The owner decided again on revision 2 is named by its new id.
    const owner = { ...alice, participantId: 'x7TmVFdFEeeK01D/VsPGWA==' };
    const snapshot = snapshotSession(
      { metadata, owners: [owner], answer: { streams: [] } } as unknown as SessionRecord,
      [],
    );
    expect(snapshot.parties.map((p) => p.id)).toEqual([
      'kQNhKFdEEeeJ99D/VsPGWA==',
      'kQNhKFdEEeeJ+ND/VsPGWA==',
    ]);
    expect(snapshot.owners[0]!.participantId).toBe('kQNhKFdEEeeJ99D/VsPGWA==');
    // The owner's remote party is the other one, not the owner itself.
    expect(snapshot.parties.find((p) => p.id !== snapshot.owners[0]!.participantId)?.aor).toBe(
      'sip:7300@35.162.237.204',
    );
  });
});
