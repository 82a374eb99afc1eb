import { describe, expect, it } from 'vitest';
import {
  createDtmfFeatureCodeMatcher,
  DEFAULT_DTMF_FEATURE_CODES,
  validateDtmfFeatureCodes,
} from './dtmf-feature-codes.js';

describe('DTMF feature codes (SPEC §4: *44 start, *45 stop, *48 pause, *49 resume)', () => {
  it('reports the control a code completes, once', () => {
    const m = createDtmfFeatureCodeMatcher(DEFAULT_DTMF_FEATURE_CODES);
    expect(m.push('*', 0)).toBeNull();
    expect(m.push('4', 300)).toBeNull();
    expect(m.push('4', 600)).toBe('start');
    expect(m.push('4', 900)).toBeNull();
    expect(['*', '4', '8'].map((d, i) => m.push(d, 2000 + i * 200))).toEqual([null, null, 'pause']);
    expect(['1', '2', '*', '4', '9'].map((d, i) => m.push(d, 4000 + i * 200))).toEqual([
      null,
      null,
      null,
      null,
      'resume',
    ]);
  });

  it('digits further apart than the inter-digit timeout start a new code', () => {
    const m = createDtmfFeatureCodeMatcher(DEFAULT_DTMF_FEATURE_CODES, 1000);
    m.push('*', 0);
    m.push('4', 500);
    expect(m.push('5', 5000)).toBeNull();
    expect(['*', '4', '5'].map((d, i) => m.push(d, 6000 + i * 100))).toEqual([null, null, 'stop']);
  });

  it('uses an org’s own codes', () => {
    const m = createDtmfFeatureCodeMatcher({ start: '#1', stop: '#2', pause: '#3', resume: '#4' });
    expect(m.push('#', 0)).toBeNull();
    expect(m.push('3', 10)).toBe('pause');
  });

  it.each([
    [DEFAULT_DTMF_FEATURE_CODES, 0],
    [{ start: '*4', stop: '*45', pause: '*48', resume: '*49' }, 3],
    [{ start: '*44', stop: '*44', pause: '*48', resume: '*49' }, 1],
    [{ start: 'A1', stop: '*45', pause: '*48', resume: '*' }, 4],
  ])('validates %j (%i problems)', (codes, problems) => {
    expect(validateDtmfFeatureCodes(codes)).toHaveLength(problems);
  });
});
