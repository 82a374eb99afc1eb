// A recording's topic as the console shows it. The API keeps Webex's shape of a default topic —
// `Call with <other party>-<yyyymmdd hh:mm>` with the time in UTC, as Webex writes it — so Webex
// clients read what they expect. The console recognises such a topic (its time is the call's start
// to the minute) and shows it in the reader's language with the start time in the reader's own
// time zone; a topic someone wrote, or one the pattern does not fit, is shown as it is.
import i18next from 'i18next';
import { formatDateTime } from './format.js';

export interface DefaultTopic {
  readonly kind: 'call' | 'voicemail';
  /** The other party as stored; null when the server knew nothing of them ("unknown"). */
  readonly party: string | null;
  /** Which recording of a call stopped and started again, when there were several. */
  readonly part: { readonly index: number; readonly count: number } | null;
}

const DEFAULT_TOPIC =
  /^(Call with|Voicemail from) (.+)-(\d{4})(\d{2})(\d{2}) (\d{2}):(\d{2})(?: \(part (\d+) of (\d+)\))?$/;

/** The parts of a default topic made for this recording, or null for any other topic. */
export function parseDefaultTopic(topic: string, timeRecorded: string): DefaultTopic | null {
  const match = DEFAULT_TOPIC.exec(topic);
  if (match === null) return null;
  const [, kind, party = '', year, month, day, hour, minute, index, count] = match;
  // Only the stamp of this recording's own start: a topic that merely looks like one stays as is.
  const stamp = `${year}-${month}-${day}T${hour}:${minute}`;
  if (new Date(timeRecorded).toISOString().slice(0, 16) !== stamp) return null;
  return {
    kind: kind === 'Voicemail from' ? 'voicemail' : 'call',
    party: party === 'unknown' ? null : party,
    part: index && count ? { index: Number(index), count: Number(count) } : null,
  };
}

/**
 * The topic to show: a default topic in the reader's language with the call's start in their time
 * zone (`Samtal med Bengt Berg · 5 dec. 2026 11:00`), any other topic unchanged.
 */
export function displayTopic(
  recording: { readonly topic: string; readonly timeRecorded: string },
  lng?: string,
): string {
  const parsed = parseDefaultTopic(recording.topic, recording.timeRecorded);
  if (parsed === null) return recording.topic;
  const t = i18next.getFixedT(lng ?? null, 'recordings');
  const party = parsed.party ?? t('topic.unknownParty');
  const time = formatDateTime(recording.timeRecorded, lng);
  const text =
    parsed.kind === 'voicemail'
      ? t('topic.voicemail', { party, time })
      : t('topic.call', { party, time });
  return parsed.part === null
    ? text
    : `${text} ${t('topic.part', { index: parsed.part.index, count: parsed.part.count })}`;
}
