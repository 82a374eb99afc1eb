import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTestLanguage } from '../i18n/testing.js';
import type { RecordingProvenance } from '@callvault/shared';
import {
  describeEndReason,
  describeFailure,
  provenanceBadges,
  type TimeFormat,
} from './provenance.js';

beforeEach(() => setTestLanguage('en'));
afterEach(() => setTestLanguage('en'));

/** UTC times, so the test does not depend on the machine's zone. */
const UTC: TimeFormat = {
  minutes: (iso) => iso.slice(11, 16),
  seconds: (iso) => iso.slice(11, 19),
};

const CLEAN: RecordingProvenance = {
  recovered: false,
  failed: false,
  failures: [],
  endReason: 'bye',
};

describe('provenanceBadges', () => {
  it('a recording made without trouble has no badge', () => {
    expect(provenanceBadges(CLEAN, UTC)).toEqual([]);
  });

  it('a recovered recording says how close to the crash its audio goes', () => {
    const [badge, ...rest] = provenanceBadges(
      {
        ...CLEAN,
        recovered: true,
        endReason: 'recovered',
        recovery: {
          recoveredAt: '2026-03-01T12:05:00.000Z',
          audioEndedAt: '2026-03-01T12:03:10.000Z',
          journalLastWrittenAt: '2026-03-01T12:03:10.400Z',
        },
      },
      UTC,
    );
    expect(rest).toEqual([]);
    expect(badge).toMatchObject({ kind: 'recovered', label: 'Recovered' });
    expect(badge?.description).toBe(
      'Recovered after a restart — audio up to 0.4 s before the crash (kept until 12:03:10)',
    );
  });

  it('without the journal’s last write it says what it knows', () => {
    const [badge] = provenanceBadges(
      {
        ...CLEAN,
        recovered: true,
        recovery: {
          recoveredAt: '2026-03-01T12:05:00.000Z',
          audioEndedAt: '2026-03-01T12:03:10.000Z',
          journalLastWrittenAt: null,
        },
      },
      UTC,
    );
    expect(badge?.description).toBe(
      'Recovered after a restart — the audio is what the recorder had saved when it stopped (up to 12:03:10)',
    );
  });

  it('a partly failed recording lists each failure with its time', () => {
    const badges = provenanceBadges(
      {
        ...CLEAN,
        failed: true,
        failures: [
          {
            code: 'no-media',
            detail: 'stream bob received no media in 10 s',
            at: '2026-03-01T12:00:10.000Z',
            resolvedAt: '2026-03-01T12:00:14.000Z',
            stream: null,
          },
          {
            code: 'disk-full',
            detail: 'ENOSPC',
            at: '2026-03-01T12:03:00.000Z',
            resolvedAt: null,
            stream: null,
          },
        ],
      },
      UTC,
    );
    expect(badges).toEqual([
      {
        kind: 'failed',
        label: 'Partly failed',
        color: 'red',
        description: 'Partly failed: no media at 12:00 (until 12:00:14); disk full at 12:03',
      },
    ]);
  });
});

describe('describeFailure and describeEndReason', () => {
  it('a stream found silent at the end, an unknown code as it is', () => {
    expect(
      describeFailure(
        { code: 'no-media', detail: '', at: null, resolvedAt: null, stream: 'bob' },
        UTC,
      ),
    ).toBe('no media on stream bob');
    expect(
      describeFailure(
        {
          code: 'new-kind',
          detail: '',
          at: '2026-03-01T09:15:00Z',
          resolvedAt: null,
          stream: null,
        },
        UTC,
      ),
    ).toBe('new-kind at 09:15');
  });

  it('every end reason reads as a sentence; imports have none', () => {
    expect(describeEndReason('bye')).toBe('The call ended (BYE from the call system)');
    expect(describeEndReason('stopped')).toBe('Stopped by the owner');
    expect(describeEndReason(null)).toBeNull();
  });
});

describe('in Swedish', () => {
  it('names failures and end reasons in Swedish', async () => {
    await setTestLanguage('sv');
    expect(describeEndReason('stopped')).toBe('Stoppad av ägaren');
    expect(
      describeFailure(
        {
          code: 'disk-full',
          stream: null,
          at: '2026-03-01T12:03:00.000Z',
          resolvedAt: null,
          detail: '',
        },
        UTC,
      ),
    ).toBe('disken full kl. 12:03');
  });
});
