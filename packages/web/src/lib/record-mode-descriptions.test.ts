import { describe, expect, it } from 'vitest';
import { RECORD_MODE_DESCRIPTIONS } from './recording-form.js';

describe('recording mode descriptions', () => {
  it('On Demand with User Initiated Start records nothing until the user starts it (SPEC §4)', () => {
    const text = RECORD_MODE_DESCRIPTIONS['On Demand with User Initiated Start'];
    expect(text).toMatch(/^Nothing is recorded until the user starts recording/);
    expect(text).not.toMatch(/captured from the start/);
  });
});
