import { describe, expect, it } from 'vitest';
import type { RecordingOwner, RecordingOwnership } from './ports.js';
import { applyOwnerDecision, closingOutcome } from './session-record.js';

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
  };
}

describe('session-record: owners and the outcome of a session', () => {
  it('RFC 7866 §9.2: an owner stays when a later decision no longer names it; new ones are added once', () => {
    const session = record();
    applyOwnerDecision(session, [alice], false);
    applyOwnerDecision(session, [line, alice], false);
    applyOwnerDecision(session, [], false);
    expect(session.owners.map((o) => o.id)).toEqual(['p-alice', 'vl-1']);
    expect(session.ownership).toBe('owned');
  });

  it('no owner: waiting for participants while only placeholders were named, else no owner', () => {
    const session = record();
    applyOwnerDecision(session, [], true);
    expect(session.ownership).toBe('awaiting-participants');
    applyOwnerDecision(session, [], false);
    expect(session.ownership).toBe('no-owner');
  });

  it('a session is kept only with an owner, and the outcome says for whom or why not', () => {
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
