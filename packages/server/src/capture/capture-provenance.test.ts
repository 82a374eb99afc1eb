// The parts of finalizing that need no database: how a recording was made (its failures, why it
// ended, what a recovery kept), and what the metadata history says (numbers, topic, direction,
// who is on each channel, the call's activity).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildParticipantHistory,
  streamPartiesOf,
  type CaptureSessionFile,
} from '@callvault/recorder';
import {
  callActivityOf,
  captureFailuresOf,
  channelPartiesOf,
  directionOf,
  endReasonOf,
  otherPartyOf,
  partyNumbersOf,
  recoveryOf,
} from './capture-provenance.js';
import { srcMetadataHistory } from '../recordings/recording-provenance.js';
import { defaultRecordingTopic } from '../recordings/recording-store.service.js';
import type { RecordingOwner } from '../recordings/recordings.model.js';
import { phoneNumberOfAor } from '../siprec/party-lookups.js';

describe('captureFailuresOf', () => {
  const iso = (ms: number) => new Date(ms).toISOString();

  it('a live failure that media ended is listed with when it was over; the one still open with its detail', () => {
    const failures = captureFailuresOf(
      {
        recordingActions: [
          { action: 'start', atMs: 0, source: 'mode', ownerId: 'o' },
          {
            action: 'fail',
            atMs: 10_000,
            source: 'system',
            reason: 'no-media',
            detail: 'stream bob received no media in 10 s',
          },
          { action: 'recover', atMs: 14_000, source: 'system', reason: 'no-media' },
          { action: 'fail', atMs: 60_000, source: 'system', reason: 'disk-full' },
        ],
        failure: { reason: 'disk-full', detail: 'stream 0 journal: ENOSPC', atMs: 60_000 },
      },
      [],
    );
    expect(failures).toEqual([
      {
        code: 'no-media',
        detail: 'stream bob received no media in 10 s',
        at: iso(10_000),
        resolvedAt: iso(14_000),
        stream: null,
      },
      {
        code: 'disk-full',
        detail: 'stream 0 journal: ENOSPC',
        at: iso(60_000),
        resolvedAt: null,
        stream: null,
      },
    ]);
  });

  it('streams found silent at finalize are listed once; a journal from before actions still tells its failure', () => {
    const failures = captureFailuresOf(
      { failure: { reason: 'no-media', detail: 'stream bob received no media in 10 s', atMs: 5 } },
      [
        { stream: 1, label: 'bob', reason: 'no journal' },
        { stream: 2, label: null, reason: 'journal unreadable' },
      ],
    );
    expect(failures).toEqual([
      {
        code: 'no-media',
        detail: 'stream bob received no media in 10 s',
        at: iso(5),
        resolvedAt: null,
        stream: null,
      },
      {
        code: 'unreadable',
        detail: 'stream #2: journal unreadable',
        at: null,
        resolvedAt: null,
        stream: '#2',
      },
    ]);
  });
});

describe('captureFailuresOf bounds', () => {
  it('a long error message is cut to the 1000 characters the API shows', () => {
    const [failure] = captureFailuresOf(
      { failure: { reason: 'journal-write', detail: 'x'.repeat(5000), atMs: 1 } },
      [],
    );
    expect(failure?.detail).toHaveLength(1000);
  });
});

describe('endReasonOf', () => {
  const audio = { endMs: 10_000 };
  const bye = { closed: { endedAt: 10_500, endReason: 'bye', kept: true } };

  it('stopped before the call ended, else how the session ended, else recovered', () => {
    expect(endReasonOf(bye, {}, { endMs: 7000 }, audio)).toBe('stopped');
    expect(endReasonOf(bye, {}, { endMs: 10_000 }, audio)).toBe('bye');
    expect(endReasonOf({}, { recovered: true }, { endMs: 10_000 }, audio)).toBe('recovered');
    expect(endReasonOf({}, {}, { endMs: 10_000 }, audio)).toBeNull();
  });
});

describe('recoveryOf', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('tells the journal’s last write, not finalize’s own files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-recovery-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'session.json'), '{}');
    fs.writeFileSync(path.join(dir, 'stream-0.rtpj'), '');
    fs.writeFileSync(path.join(dir, 'audio-0.ogg'), '');
    fs.utimesSync(path.join(dir, 'session.json'), 1000, 1000);
    fs.utimesSync(path.join(dir, 'stream-0.rtpj'), 2000, 2000);
    fs.utimesSync(path.join(dir, 'audio-0.ogg'), 9000, 9000);
    expect(recoveryOf(dir, 1_999_500, '2026-03-02T10:00:00.000Z')).toEqual({
      recoveredAt: '2026-03-02T10:00:00.000Z',
      audioEndedAt: new Date(1_999_500).toISOString(),
      journalLastWrittenAt: new Date(2_000_000).toISOString(),
    });
  });

  it('an unreadable directory leaves the last write unknown', () => {
    expect(recoveryOf('/nonexistent/cv', 0, 'x').journalLastWrittenAt).toBeNull();
  });
});

// Numbers, topic, direction and channels over a call's whole metadata history, from the
// recorder's byte-exact fixtures (test-fixtures/siprec/history, README there).
const HISTORY = new URL('../../../recorder/test-fixtures/siprec/', import.meta.url);
const fixture = (name: string): string => fs.readFileSync(new URL(name, HISTORY), 'utf8');
const T0 = Date.parse('2026-12-05T10:00:00.000Z');

/** The journal of a call with these revisions, as the recorder writes it (parties = history). */
function journalOf(
  bodies: readonly string[],
  ownerParticipantId: string,
): {
  session: Pick<CaptureSessionFile, 'owners' | 'parties' | 'senders' | 'streamParties'>;
  revisions: ReturnType<typeof srcMetadataHistory>;
} {
  const revisions = srcMetadataHistory(
    bodies.map((raw, i) => ({ seq: i + 1, raw, receivedAt: T0 + i * 30_000 })),
  );
  const history = buildParticipantHistory(revisions);
  const streams = streamPartiesOf(revisions, history);
  return {
    session: {
      owners: [
        {
          id: 'person-1',
          kind: 'person',
          participantId: history.stableIds.get(ownerParticipantId) ?? ownerParticipantId,
          mode: 'Always',
        },
      ],
      parties: history.participants.map(({ active: _active, ...p }) => p),
      senders: Object.fromEntries(
        streams.filter((s) => !s.mixed).map((s) => [s.label, s.senders.at(-1)!]),
      ),
      streamParties: Object.fromEntries(
        streams.map((s) => [s.label, { senders: s.senders, mixed: s.mixed }]),
      ),
    },
    revisions,
  };
}
const OWNER: RecordingOwner = {
  type: 'user',
  id: 'person-1',
  email: 'alice@example.com',
  name: 'Alice',
  locationId: null,
};

describe('partyNumbersOf over the whole history', () => {
  it('after a revision re-issuing every participant id, the remote number is still the other party’s, not the owner’s own', () => {
    const { session, revisions } = journalOf(
      [
        fixture('history/cisco-conference-rev1.xml'),
        fixture('history/cisco-conference-rev2-reissued.xml'),
      ],
      'kQNhKFdEEeeJ99D/VsPGWA==',
    );
    const numbers = partyNumbersOf(phoneNumberOfAor, session, [OWNER], revisions);
    expect(numbers).toEqual({ localNumber: '7301', remoteNumber: '7300' });
    expect(defaultRecordingTopic(numbers, new Date(T0))).toBe('Call with 7300-20261205 10:00');
    // The participant who left is still a party of the call.
    expect(session.parties.map((p) => p.aor)).toEqual([
      'sip:7301@35.162.237.204',
      'sip:7300@35.162.237.204',
      'sip:7302@35.162.237.204',
    ]);
  });

  it('an owner matched by the id a later revision gave its participant finds that participant', () => {
    const { session, revisions } = journalOf(
      [
        fixture('history/cisco-conference-rev1.xml'),
        fixture('history/cisco-conference-rev2-reissued.xml'),
      ],
      'x7TmVFdFEeeK01D/VsPGWA==',
    );
    expect(session.owners[0]!.participantId).toBe('kQNhKFdEEeeJ99D/VsPGWA==');
    const raw = {
      ...session,
      owners: [{ ...session.owners[0]!, participantId: 'x7TmVFdFEeeK01D/VsPGWA==' }],
    };
    expect(partyNumbersOf(phoneNumberOfAor, raw, [OWNER], revisions)).toEqual({
      localNumber: '7301',
      remoteNumber: '7300',
    });
  });

  it('an owner matched by BroadWorks userID gets the recorded user’s number from callType (origCall: calling) and the called party as remote', () => {
    const { session, revisions } = journalOf(
      [fixture('history/broadworks-dual-stream-userid.xml')],
      'broadworks:userID',
    );
    expect(partyNumbersOf(phoneNumberOfAor, session, [OWNER], revisions)).toEqual({
      localNumber: '+33123456788',
      remoteNumber: '0123456789',
    });
  });

  it('scheme-less AORs (Sonus/Ribbon) name numbers', () => {
    const sonus = fixture('vendor-offers/sonus-siprec-offer.txt');
    const metadata = sonus.slice(sonus.indexOf('<?xml'), sonus.indexOf('</tns:recording>') + 16);
    const { session, revisions } = journalOf([metadata], 'MTQ3YzA3YzItNjdkNy0xMA==');
    expect(partyNumbersOf(phoneNumberOfAor, session, [OWNER], revisions)).toEqual({
      localNumber: '2249888500',
      remoteNumber: '2249888012',
    });
  });

  it('an owner matched by Metaswitch recordedParty: its party is the one with that number, the other is remote', () => {
    const { session, revisions } = journalOf(
      [fixture('history/metaswitch-mixed.xml')],
      'metaswitch:recordedParty',
    );
    expect(partyNumbersOf(phoneNumberOfAor, session, [OWNER], revisions)).toEqual({
      localNumber: '085550101',
      remoteNumber: '0760516936',
    });
    expect(directionOf(revisions, session, [OWNER])).toBe('outbound');
  });
});

describe('the default topic names the other party', () => {
  const owners: CaptureSessionFile['owners'] = [
    { id: 'person-1', kind: 'person', participantId: 'p-own', mode: 'Always' },
  ];
  const session = (
    parties: CaptureSessionFile['parties'],
  ): Pick<CaptureSessionFile, 'owners' | 'parties'> => ({ owners, parties });
  const topicOf = (s: Pick<CaptureSessionFile, 'owners' | 'parties'>): string =>
    defaultRecordingTopic(
      {
        ...partyNumbersOf(phoneNumberOfAor, s, [OWNER]),
        otherParty: otherPartyOf(phoneNumberOfAor, s, [OWNER]),
      },
      new Date(T0),
    );

  it('by display name when the parties have names, even with no number anywhere', () => {
    const named = session([
      { id: 'p-own', name: 'Alice Andersson', aor: 'sip:alice@pbx.example.com' },
      { id: 'p-other', name: 'Bengt Berg', aor: 'sip:bengt@partner.example.org' },
    ]);
    expect(topicOf(named)).toBe('Call with Bengt Berg-20261205 10:00');
  });

  it('by number, then by address, when the other party has no name', () => {
    expect(
      topicOf(
        session([
          { id: 'p-own', name: 'Alice', aor: 'sip:1001@pbx.example.com' },
          { id: 'p-other', aor: 'sip:+46701234567@sbc.example.com' },
        ]),
      ),
    ).toBe('Call with +46701234567-20261205 10:00');
    expect(
      topicOf(
        session([
          { id: 'p-own', name: 'Alice', aor: 'sip:alice@pbx.example.com' },
          { id: 'p-other', aor: 'sips:bengt@partner.example.org;transport=tls' },
        ]),
      ),
    ).toBe('Call with bengt@partner.example.org-20261205 10:00');
  });

  it('never by the owner’s own name, and "unknown" only when nothing is known of anyone else', () => {
    expect(
      topicOf(session([{ id: 'p-own', name: 'Alice', aor: 'sip:alice@pbx.example.com' }])),
    ).toBe('Call with unknown-20261205 10:00');
  });

  it('a catalogue without capture parties: a named party that is not an owner', () => {
    expect(
      defaultRecordingTopic(
        {
          parties: [
            { name: 'Alice', entityId: 'person-1' },
            { name: 'Bengt Berg', address: 'sip:bengt@partner.example.org' },
          ],
          owners: [{ id: 'person-1' }],
        },
        new Date(T0),
        'voicemail',
      ),
    ).toBe('Voicemail from Bengt Berg-20261205 10:00');
  });
});

describe('channels and call activity', () => {
  it('a mixed stream is one channel carrying every party, and callActivity says mixed', () => {
    const { session, revisions } = journalOf(
      [fixture('history/metaswitch-mixed.xml')],
      'TVNXcGFydHkwMDAx',
    );
    expect(channelPartiesOf(session, '1')).toEqual({
      participantIds: ['TVNXcGFydHkwMDAx', 'TVNXcGFydHkwMDAy'],
      mixed: true,
    });
    const activity = callActivityOf(revisions, '2026-12-05T10:00:00.000Z', [
      { label: '1', index: 0 },
    ]);
    expect(activity).toEqual([
      {
        timeStamp: '2026-12-05T10:00:00.000Z',
        mediaStreams: [{ streamId: '1', mode: 'mixed', mLineIndex: '0' }],
        participants: [
          {
            participantId: 'TVNXcGFydHkwMDAx',
            aor: 'sip:085550101@192.168.4.150',
            name: 'Alice Andersson',
            send: '1',
          },
          { participantId: 'TVNXcGFydHkwMDAy', aor: 'sip:0760516936@192.168.4.150', send: '1' },
        ],
      },
    ]);
  });

  it('one activity per revision: the one that dropped a participant lists the others at its arrival', () => {
    const { revisions } = journalOf(
      [
        fixture('history/cisco-conference-rev1.xml'),
        fixture('history/cisco-conference-rev2-reissued.xml'),
      ],
      'kQNhKFdEEeeJ99D/VsPGWA==',
    );
    const activity = callActivityOf(revisions, '2026-12-05T09:59:59.000Z', [
      { label: '1', index: 0 },
      { label: '2', index: 1 },
    ]);
    expect(activity.map((a) => a.timeStamp)).toEqual([
      '2026-12-05T09:59:59.000Z',
      '2026-12-05T10:00:30.000Z',
    ]);
    const ids = (a: Record<string, unknown>) =>
      (a.participants as Array<{ participantId: string }>).map((p) => p.participantId);
    expect(ids(activity[0]!)).toEqual([
      'kQNhKFdEEeeJ99D/VsPGWA==',
      'kQNhKFdEEeeJ+ND/VsPGWA==',
      'kQNhKFdEEeeJ/ND/VsPGWA==',
    ]);
    // Re-issued ids are shown as the party's stable id.
    expect(ids(activity[1]!)).toEqual(['kQNhKFdEEeeJ99D/VsPGWA==', 'kQNhKFdEEeeJ+ND/VsPGWA==']);
  });

  it('a journal from before stream parties: the single sender', () => {
    expect(channelPartiesOf({ senders: { '1': 'p1' } }, '1')).toEqual({
      participantIds: ['p1'],
      mixed: false,
    });
    expect(channelPartiesOf({ senders: {} }, '2')).toEqual({ participantIds: [], mixed: false });
  });
});
