// How a recording was made, in words for the console: the badges of a recovered or partly failed
// recording with what happened, and why the recording ended. Pure: the API's fields in, text out.
import type {
  RecordingCaptureFailure,
  RecordingEndReason,
  RecordingProvenance,
} from '@callvault/shared';
import i18next from 'i18next';
import { formatNumber, formatTime } from './format.js';

/** Times of day in the console's language: `12:03`, or `12:03:10` with seconds. */
export interface TimeFormat {
  readonly minutes: (iso: string) => string;
  readonly seconds: (iso: string) => string;
}

export const LOCAL_TIME: TimeFormat = {
  minutes: (iso) => formatTime(iso),
  seconds: (iso) => formatTime(iso, undefined, true),
};

const END_REASONS: ReadonlySet<string> = new Set<RecordingEndReason>([
  'bye',
  'cancel',
  'ack-timeout',
  'shutdown',
  'stopped',
  'recovered',
  'rtp-timeout',
  'session-timer',
  'probe-failed',
]);

const FAILURE_CODES: ReadonlySet<string> = new Set([
  'no-media',
  'disk-full',
  'journal-write',
  'capture-start',
  'unreadable',
]);

export interface ProvenanceBadge {
  readonly kind: 'recovered' | 'failed';
  readonly label: string;
  readonly color: string;
  /** What happened, in a sentence (the badge's tooltip and the player's note). */
  readonly description: string;
}

/** `0.4`, `3.2`, `45`: seconds as a person reads them. */
function formatSeconds(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  return s < 10
    ? formatNumber(s, undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 })
    : formatNumber(Math.round(s));
}

function describeRecovery(p: RecordingProvenance, time: TimeFormat): string {
  const r = p.recovery;
  if (!r) return i18next.t('player:provenance.recovery');
  if (r.journalLastWrittenAt === null) {
    return i18next.t('player:provenance.recoveryUntil', { time: time.seconds(r.audioEndedAt) });
  }
  const gapMs = Date.parse(r.journalLastWrittenAt) - Date.parse(r.audioEndedAt);
  return i18next.t('player:provenance.recoveryGap', {
    seconds: formatSeconds(gapMs),
    time: time.seconds(r.audioEndedAt),
  });
}

/** One failure in words: `disk full at 12:03`, `no media at 12:00 (until 12:00:14)`. */
export function describeFailure(f: RecordingCaptureFailure, time: TimeFormat = LOCAL_TIME): string {
  const what = FAILURE_CODES.has(f.code)
    ? i18next.t(`player:provenance.failure.${f.code as 'no-media'}`)
    : f.code;
  const where =
    f.stream !== null ? i18next.t('player:provenance.onStream', { stream: f.stream }) : '';
  const when = f.at !== null ? i18next.t('player:provenance.at', { time: time.minutes(f.at) }) : '';
  const until =
    f.resolvedAt !== null
      ? i18next.t('player:provenance.until', { time: time.seconds(f.resolvedAt) })
      : '';
  return `${what}${where}${when}${until}`;
}

/** The badges a recording gets: recovered after a crash, partly failed; none when neither. */
export function provenanceBadges(
  p: RecordingProvenance,
  time: TimeFormat = LOCAL_TIME,
): ProvenanceBadge[] {
  const badges: ProvenanceBadge[] = [];
  if (p.recovered) {
    badges.push({
      kind: 'recovered',
      label: i18next.t('player:provenance.recovered'),
      color: 'yellow',
      description: describeRecovery(p, time),
    });
  }
  if (p.failed) {
    badges.push({
      kind: 'failed',
      label: i18next.t('player:provenance.failed'),
      color: 'red',
      description: i18next.t('player:provenance.failedText', {
        failures: p.failures.map((f) => describeFailure(f, time)).join('; '),
      }),
    });
  }
  return badges;
}

/** Why the recording ended, or null for imported audio. */
export function describeEndReason(reason: RecordingEndReason | null): string | null {
  if (reason === null) return null;
  return END_REASONS.has(reason) ? i18next.t(`player:provenance.endReason.${reason}`) : reason;
}
