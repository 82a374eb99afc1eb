// DTMF feature codes typed by the recorded party (SPEC §4: defaults `*44` start, `*45` stop,
// `*48` pause, `*49` resume, configurable per org). Digits come from the RFC 4733 detector of
// the party's own stream; the matcher keeps the last digits typed within the inter-digit timeout
// and reports a control when they end with a code. Pure: digits and their times in, controls out.
import type { RecordingControl } from './recording-control-state.js';

export type DtmfFeatureCodes = Readonly<Record<RecordingControl, string>>;

export const DEFAULT_DTMF_FEATURE_CODES: DtmfFeatureCodes = {
  start: '*44',
  stop: '*45',
  pause: '*48',
  resume: '*49',
};

/** A code: 2 to 8 of the DTMF keys 0-9, *, # (A-D are not on phones). */
export const DTMF_FEATURE_CODE_PATTERN = '^[0-9*#]{2,8}$';

/**
 * Problems with a set of codes, empty when it can be used: each well formed, all different, and
 * none the beginning of another (`*4` would fire before `*44` could be typed).
 */
export function validateDtmfFeatureCodes(codes: DtmfFeatureCodes): string[] {
  const problems: string[] = [];
  const entries = Object.entries(codes) as Array<[RecordingControl, string]>;
  const pattern = new RegExp(DTMF_FEATURE_CODE_PATTERN);
  for (const [control, code] of entries) {
    if (!pattern.test(code)) {
      problems.push(`${control}: "${code}" must be 2 to 8 of the keys 0-9, * and #`);
    }
  }
  for (let i = 0; i < entries.length; i++) {
    for (let j = 0; j < entries.length; j++) {
      if (i === j) continue;
      const [a, codeA] = entries[i]!;
      const [b, codeB] = entries[j]!;
      if (codeA === codeB && i < j) problems.push(`${a} and ${b} have the same code ${codeA}`);
      else if (codeA !== codeB && codeB.startsWith(codeA)) {
        problems.push(`${a} (${codeA}) is the beginning of ${b} (${codeB})`);
      }
    }
  }
  return problems;
}

export interface DtmfFeatureCodeMatcher {
  /** One digit typed at `atMs`; the control whose code it completes, or null. */
  push(digit: string, atMs: number): RecordingControl | null;
}

/** Digits further apart than this start a new code (phones send a code within a few seconds). */
export const DTMF_INTER_DIGIT_TIMEOUT_MS = 4000;

export function createDtmfFeatureCodeMatcher(
  codes: DtmfFeatureCodes,
  interDigitTimeoutMs = DTMF_INTER_DIGIT_TIMEOUT_MS,
): DtmfFeatureCodeMatcher {
  const entries = Object.entries(codes) as Array<[RecordingControl, string]>;
  const longest = Math.max(...entries.map(([, code]) => code.length));
  let typed = '';
  let lastAt = Number.NEGATIVE_INFINITY;
  return {
    push(digit, atMs) {
      if (atMs - lastAt > interDigitTimeoutMs) typed = '';
      lastAt = atMs;
      typed = (typed + digit).slice(-longest);
      for (const [control, code] of entries) {
        if (typed.endsWith(code)) {
          typed = '';
          return control;
        }
      }
      return null;
    },
  };
}
