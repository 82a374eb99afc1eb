import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTestLanguage } from '../i18n/testing.js';
import {
  describeSelection,
  defaultDateRange,
  describeBulkResult,
  describeParty,
  describePartyNumber,
  findBulkActions,
  formatBytes,
  formatDuration,
  seekTimeAt,
  toSearchWindow,
} from './recordings.js';

beforeEach(() => setTestLanguage('en'));
afterEach(() => setTestLanguage('en'));

describe('search window', () => {
  it('SPEC §7: the date range starts on the last 7 days, today included', () => {
    expect(defaultDateRange(new Date(2025, 2, 10, 15, 30))).toEqual({
      from: '2025-03-03',
      to: '2025-03-10',
    });
  });
  it('sends from at the start of its day and to at the start of the next (to is exclusive)', () => {
    expect(toSearchWindow({ from: '2025-03-03', to: '2025-03-10' })).toEqual({
      from: new Date(2025, 2, 3).toISOString(),
      to: new Date(2025, 2, 11).toISOString(),
    });
  });
  it('crosses the end of a month', () => {
    expect(toSearchWindow({ from: '', to: '2025-01-31' }).to).toBe(
      new Date(2025, 1, 1).toISOString(),
    );
  });
  it('leaves a blank or malformed input to the server default', () => {
    expect(toSearchWindow({ from: '', to: 'yesterday' })).toEqual({
      from: undefined,
      to: undefined,
    });
  });
});

describe('formatting', () => {
  it('writes durations as m:ss, and h:mm:ss from an hour', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(75.9)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('0:00');
  });
  it('writes sizes in binary units', () => {
    expect(formatBytes(900)).toBe('900 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5 MiB');
  });
  it('names a party by name, else role, else number, and shows its number on hover', () => {
    expect(describeParty({ name: 'Alice', role: 'caller', number: '+46701' })).toBe('Alice');
    expect(describeParty({ role: 'callee', number: '+46702' })).toBe('Callee');
    expect(describeParty({ number: '+46703' })).toBe('+46703');
    expect(describeParty({})).toBe('Unknown party');
    expect(describePartyNumber({ role: 'callee', number: '+46702' })).toBe('+46702');
    expect(describePartyNumber({ address: 'sip:a@b' })).toBe('sip:a@b');
    expect(describePartyNumber({})).toBe('No number known');
  });
});

describe('findBulkActions', () => {
  it('SPEC §1: administrators use the recycle bin and reassign, by status', () => {
    expect(findBulkActions(['fullAdmin'], 'available')).toEqual(['softDelete', 'reassign']);
    expect(findBulkActions(['fullAdmin'], 'deleted')).toEqual(['restore', 'purge', 'reassign']);
    expect(findBulkActions(['partnerAdmin'], 'purged')).toEqual([]);
  });
  it('SPEC §1: compliance officers delete permanently and never reassign', () => {
    expect(findBulkActions(['complianceOfficer'], 'available')).toEqual(['delete']);
    expect(findBulkActions(['complianceOfficer'], 'purged')).toEqual(['delete']);
  });
  it('read-only administrators and users change nothing', () => {
    expect(findBulkActions(['readOnlyAdmin'], 'available')).toEqual([]);
    expect(findBulkActions(['user'], 'available')).toEqual([]);
  });
});

describe('describeBulkResult', () => {
  it('counts what changed', () => {
    expect(
      describeBulkResult('softDelete', { changed: ['a', 'b'], unchanged: [], failed: [] }),
    ).toEqual({
      title: '2 recordings moved to the recycle bin',
      message: undefined,
      tone: 'success',
    });
  });
  it('reports what was already done and what the server refused', () => {
    const r = describeBulkResult('purge', {
      changed: ['a'],
      unchanged: ['b'],
      failed: [{ id: 'c', errorCode: 'CONFLICT', description: 'c: only recordings in the bin' }],
    });
    expect(r.title).toBe('1 recording purged');
    expect(r.message).toBe(
      '1 recording already purged. 1 recording could not be changed: c: only recordings in the bin.',
    );
    expect(r.tone).toBe('error');
  });
});

describe('seekTimeAt', () => {
  it('maps a click on the waveform to a time, clamped to the recording', () => {
    expect(seekTimeAt(50, 200, 8)).toBe(2);
    expect(seekTimeAt(-5, 200, 8)).toBe(0);
    expect(seekTimeAt(250, 200, 8)).toBe(8);
    expect(seekTimeAt(50, 0, 8)).toBe(0);
    expect(seekTimeAt(50, 200, Number.POSITIVE_INFINITY)).toBe(0);
  });
});

describe('describeSelection', () => {
  it('says when select all stopped at 200 with more results left', () => {
    expect(describeSelection(0, false)).toBe('Nothing selected');
    expect(describeSelection(1, false)).toBe('1 recording selected');
    expect(describeSelection(200, false)).toBe('200 recordings selected');
    expect(describeSelection(200, true)).toBe(
      'The first 200 recordings are selected (select all stops at 200)',
    );
  });
});

describe('in Swedish', () => {
  it('describes selections, parties and bulk outcomes with Swedish plurals', async () => {
    await setTestLanguage('sv');
    expect(describeSelection(0, false)).toBe('Inget markerat');
    expect(describeSelection(1, false)).toBe('1 inspelning markerad');
    expect(describeSelection(3, false)).toBe('3 inspelningar markerade');
    expect(describeParty({ role: 'caller' })).toBe('Uppringare');
    expect(describePartyNumber({})).toBe('Inget känt nummer');
    const r = describeBulkResult('softDelete', { changed: ['a', 'b'], unchanged: [], failed: [] });
    expect(r.title).toBe('2 inspelningar flyttades till papperskorgen');
  });
});
