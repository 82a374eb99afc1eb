import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTestLanguage } from '../i18n/testing.js';
import { formatDateTime } from './format.js';
import { displayTopic, parseDefaultTopic } from './recording-topic.js';

beforeEach(() => setTestLanguage('en'));
afterEach(() => setTestLanguage('en'));

const START = '2026-12-05T12:11:58.748Z';

describe('parseDefaultTopic', () => {
  it('reads a default topic whose stamp is the recording’s own start (UTC, to the minute)', () => {
    expect(parseDefaultTopic('Call with Bengt Berg-20261205 12:11', START)).toEqual({
      kind: 'call',
      party: 'Bengt Berg',
      part: null,
    });
    expect(
      parseDefaultTopic('Voicemail from +46701234567-20261205 12:11 (part 2 of 3)', START),
    ).toEqual({ kind: 'voicemail', party: '+46701234567', part: { index: 2, count: 3 } });
    expect(parseDefaultTopic('Call with unknown-20261205 12:11', START)?.party).toBeNull();
  });

  it('leaves a topic someone wrote, or one stamped with another time, alone', () => {
    expect(parseDefaultTopic('Quarterly review', START)).toBeNull();
    expect(parseDefaultTopic('Call with Bengt-20240101 09:00', START)).toBeNull();
  });
});

describe('displayTopic', () => {
  it('shows the start in the reader’s time zone and language, not the server’s UTC stamp', async () => {
    const recording = { topic: 'Call with Bengt Berg-20261205 12:11', timeRecorded: START };
    expect(displayTopic(recording, 'en')).toBe(
      `Call with Bengt Berg · ${formatDateTime(START, 'en')}`,
    );
    await setTestLanguage('sv');
    expect(displayTopic(recording, 'sv')).toBe(
      `Samtal med Bengt Berg · ${formatDateTime(START, 'sv')}`,
    );
  });

  it('writes a Stockholm reader the Stockholm time of a call stamped 12:11 UTC', async () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Europe/Stockholm';
    try {
      await setTestLanguage('sv');
      expect(
        displayTopic({ topic: 'Call with Bengt Berg-20261205 12:11', timeRecorded: START }, 'sv'),
      ).toBe('Samtal med Bengt Berg · 5 dec. 2026 13:11');
    } finally {
      process.env.TZ = zone;
      if (zone === undefined) delete process.env.TZ;
    }
  });

  it('words an unknown party and the part of a call in the reader’s language', async () => {
    await setTestLanguage('sv');
    expect(
      displayTopic(
        { topic: 'Call with unknown-20261205 12:11 (part 1 of 2)', timeRecorded: START },
        'sv',
      ),
    ).toBe(`Samtal med okänd part · ${formatDateTime(START, 'sv')} (del 1 av 2)`);
  });

  it('shows any other topic exactly as written', () => {
    expect(displayTopic({ topic: 'Quarterly review', timeRecorded: START }, 'en')).toBe(
      'Quarterly review',
    );
  });
});
