import { beforeAll, describe, expect, it } from 'vitest';

import { ApiError } from '../api/client.js';
import type { EntityCallRecording } from '@callvault/shared';
import { setTestLanguage } from '../i18n/testing.js';
import {
  describeSettingsProblemText,
  findErrorField,
  formatBytes,
  toEntityForm,
  toEntityUpdate,
  validateEntityForm,
} from './recording-form.js';

beforeAll(() => setTestLanguage('en'));

const carol: EntityCallRecording = {
  enabled: true,
  record: 'Always with Pause/Resume',
  recordVoicemailEnabled: false,
  startStopAnnouncementEnabled: false,
  startStopAnnouncement: { internalCallsEnabled: false, pstnCallsEnabled: true },
  notification: { enabled: true, type: 'Beep' },
  repeat: { enabled: true, interval: 30 },
  transcriptEnabled: false,
  callRecordingAccessSettings: {
    viewAndPlayRecordingsEnabled: true,
    downloadRecordingsEnabled: true,
    deleteRecordingsEnabled: false,
    shareRecordingsEnabled: true,
  },
  serviceProvider: 'Callvault',
  externalGroup: 'org-1',
  externalIdentifier: 'person-3',
};

const webexError = (status: number, message: string): ApiError =>
  new ApiError(status, {
    message,
    errors: [{ description: message, errorCode: 400001, code: 'VALIDATION_FAILED' }],
    trackingId: 'CALLVAULT_1',
  });

describe('repeat.interval check (the server’s rule: 10–1800 seconds while it applies)', () => {
  const on = toEntityForm(carol);
  const table: [number | string, boolean][] = [
    [10, true],
    [45, true],
    [1800, true],
    ['45', true],
    [9, false],
    [1801, false],
    [0, false],
    [-30, false],
    [12.5, false],
    ['', false],
    ['abc', false],
  ];
  for (const [value, ok] of table) {
    it(`${JSON.stringify(value)} → ${ok ? 'accepted' : 'refused'}`, () => {
      const errors = validateEntityForm({ ...on, repeatInterval: value });
      expect(errors.repeatInterval?.code).toBe(ok ? undefined : 'repeatIntervalRange');
    });
  }

  it('a form whose interval is out of range has an error on that field only, worded by its code', async () => {
    const errors = validateEntityForm({ ...on, repeatInterval: 5 });
    expect(Object.keys(errors)).toEqual(['repeatInterval']);
    expect(describeSettingsProblemText(errors.repeatInterval!, 'en')).toBe(
      'Enter a whole number of seconds between 10 and 1,800.',
    );
    await setTestLanguage('sv');
    expect(describeSettingsProblemText(errors.repeatInterval!, 'sv')).toBe(
      'Ange ett heltal mellan 10 och 1\u00a0800 sekunder.',
    );
    await setTestLanguage('en');
  });

  it('checks nothing of the interval while recording or the repeat tone is off', () => {
    expect(validateEntityForm({ ...on, enabled: false, repeatInterval: '' })).toEqual({});
    expect(validateEntityForm({ ...on, repeatEnabled: false, repeatInterval: 0 })).toEqual({});
  });
});

describe('entity form ↔ API', () => {
  it('round-trips every editable field', () => {
    const update = toEntityUpdate(toEntityForm(carol));
    expect(update).toEqual({
      enabled: true,
      record: 'Always with Pause/Resume',
      recordVoicemailEnabled: false,
      startStopAnnouncement: { internalCallsEnabled: false, pstnCallsEnabled: true },
      notification: { enabled: true, type: 'Beep' },
      repeat: { enabled: true, interval: 30 },
      transcriptEnabled: false,
      callRecordingAccessSettings: carol.callRecordingAccessSettings,
    });
  });

  it('never sends the read-only platform information', () => {
    const update = toEntityUpdate(toEntityForm(carol));
    expect(update).not.toHaveProperty('serviceProvider');
    expect(update).not.toHaveProperty('externalGroup');
    expect(update).not.toHaveProperty('externalIdentifier');
  });

  it('a notification shown as None (off) offers Beep when turned on, and is never sent as None', () => {
    const off: EntityCallRecording = { ...carol, notification: { enabled: false, type: 'None' } };
    const form = toEntityForm(off);
    expect(form.notificationType).toBe('Beep');
    expect(toEntityUpdate(form).notification).toEqual({ enabled: false });
    expect(toEntityUpdate({ ...form, notificationEnabled: true }).notification).toEqual({
      enabled: true,
      type: 'Beep',
    });
  });

  it('sends no interval for an empty box (the tone is off), so the server keeps its own', () => {
    const form = { ...toEntityForm(carol), repeatEnabled: false, repeatInterval: '' };
    expect(toEntityUpdate(form).repeat).toEqual({ enabled: false });
  });

  it('sends the interval typed as text as a number', () => {
    const form = { ...toEntityForm(carol), repeatInterval: '45' };
    expect(toEntityUpdate(form).repeat).toEqual({ enabled: true, interval: 45 });
  });
});

describe('findErrorField', () => {
  const fields = ['repeat.interval', 'allowedSources', 'sipUri', 'name'] as const;
  it("names the field of the service's own validation messages", () => {
    const error = webexError(
      400,
      'repeat.interval must be a whole number of seconds between 10 and 1800 (got 5)',
    );
    expect(findErrorField(error, fields)).toBe('repeat.interval');
    const cidr = webexError(400, 'allowedSources: not an IP address or CIDR: 10.0.0.0/33');
    expect(findErrorField(cidr, fields)).toBe('allowedSources');
  });
  it("names the field of the schema's messages, which start with body.", () => {
    const error = webexError(400, 'body.sipUri must match pattern "^sips?:[^\\s]+$"');
    expect(findErrorField(error, fields)).toBe('sipUri');
  });
  it('names no field for other messages, other statuses or fields not on the form', () => {
    expect(findErrorField(webexError(400, 'This person has no calling licence'), fields)).toBe(
      null,
    );
    expect(findErrorField(webexError(400, "body must have required property 'name'"), fields)).toBe(
      null,
    );
    expect(findErrorField(webexError(409, 'name: already exists'), fields)).toBe(null);
    expect(findErrorField(webexError(400, 'vendorId: no such vendor'), fields)).toBe(null);
    expect(findErrorField(new TypeError('Failed to fetch'), fields)).toBe(null);
  });
});

describe('formatBytes', () => {
  const table: [number, string][] = [
    [0, '0 bytes'],
    [1023, '1023 bytes'],
    [1536, '1.5 KiB'],
    [5 * 1024 * 1024, '5 MiB'],
    [107_374_182_400, '100 GiB'],
    [2.5 * 1024 ** 4, '2.5 TiB'],
  ];
  for (const [bytes, text] of table) {
    it(`${bytes} → ${text}`, () => expect(formatBytes(bytes)).toBe(text));
  }
});
