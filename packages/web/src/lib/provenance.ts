// How a recording was made, in words for the console: the badges of a recovered or partly failed
// recording with what happened, and why the recording ended. Pure: the API's fields in, text out.
import type {
  RecordingCaptureFailure,
  RecordingEndReason,
  RecordingProvenance,
} from '@callvault/shared';

/** Times of day in the browser's locale: `12:03`, or `12:03:10` with seconds. */
export interface TimeFormat {
  readonly minutes: (iso: string) => string;
  readonly seconds: (iso: string) => string;
}

export const LOCAL_TIME: TimeFormat = {
  minutes: (iso) =>
    new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }),
  seconds: (iso) =>
    new Date(iso).toLocaleTimeString(undefined, {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }),
};

export const END_REASON_LABELS: Readonly<Record<RecordingEndReason, string>> = {
  bye: 'The call ended (BYE from the call system)',
  cancel: 'The call was cancelled before it was answered',
  'ack-timeout': 'Timed out: the call system never confirmed the answer',
  shutdown: 'The recorder shut down during the call',
  stopped: 'Stopped by the owner',
  recovered: 'The recorder stopped during the call; recovered at restart',
  'rtp-timeout': 'The call system stopped sending audio and never hung up; the recorder ended it',
  'session-timer':
    'The call system stopped refreshing the session (SIP session timer) and never hung up; the recorder ended it',
  'probe-failed':
    'The call system no longer knew the call when the recorder checked (SIP OPTIONS); the recorder ended it',
};

const FAILURE_WORDS: Readonly<Record<string, string>> = {
  'no-media': 'no media',
  'disk-full': 'disk full',
  'journal-write': 'journal write failed',
  'capture-start': 'media capture could not start',
  unreadable: 'journal unreadable',
};

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
  return s < 10 ? s.toFixed(1) : String(Math.round(s));
}

function describeRecovery(p: RecordingProvenance, time: TimeFormat): string {
  const r = p.recovery;
  if (!r)
    return 'Recovered after a restart — the audio is what the recorder had saved when it stopped';
  if (r.journalLastWrittenAt === null) {
    return `Recovered after a restart — the audio is what the recorder had saved when it stopped (up to ${time.seconds(r.audioEndedAt)})`;
  }
  const gapMs = Date.parse(r.journalLastWrittenAt) - Date.parse(r.audioEndedAt);
  return `Recovered after a restart — audio up to ${formatSeconds(gapMs)} s before the crash (kept until ${time.seconds(r.audioEndedAt)})`;
}

/** One failure in words: `disk full at 12:03`, `no media at 12:00 (until 12:00:14)`. */
export function describeFailure(f: RecordingCaptureFailure, time: TimeFormat = LOCAL_TIME): string {
  const what = FAILURE_WORDS[f.code] ?? f.code;
  const where = f.stream !== null ? ` on stream ${f.stream}` : '';
  const when = f.at !== null ? ` at ${time.minutes(f.at)}` : '';
  const until = f.resolvedAt !== null ? ` (until ${time.seconds(f.resolvedAt)})` : '';
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
      label: 'Recovered',
      color: 'yellow',
      description: describeRecovery(p, time),
    });
  }
  if (p.failed) {
    badges.push({
      kind: 'failed',
      label: 'Partly failed',
      color: 'red',
      description: `Partly failed: ${p.failures.map((f) => describeFailure(f, time)).join('; ')}`,
    });
  }
  return badges;
}

/** Why the recording ended, or null for imported audio. */
export function describeEndReason(reason: RecordingEndReason | null): string | null {
  return reason === null ? null : (END_REASON_LABELS[reason] ?? reason);
}
