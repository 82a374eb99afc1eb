import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { setTestLanguage } from '../i18n/testing.js';
import { RECORD_MODE_KEYS } from './recording-form.js';

beforeAll(() => setTestLanguage('en'));

describe('recording mode descriptions', () => {
  it('On Demand with User Initiated Start records nothing until the user starts it (SPEC §4)', () => {
    const key = RECORD_MODE_KEYS['On Demand with User Initiated Start'];
    const text = i18next.t(`callRecording:recordMode.${key}.description`, { lng: 'en' });
    expect(text).toMatch(/^Nothing is recorded until the user starts recording/);
    expect(text).not.toMatch(/captured from the start/);
    const sv = i18next.t(`callRecording:recordMode.${key}.description`, { lng: 'sv' });
    expect(sv).toMatch(/^Inget spelas in förrän användaren startar inspelningen/);
  });
});
