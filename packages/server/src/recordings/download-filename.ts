// The name a downloaded recording is saved under: `YYYY-MM-DD HHMM owner – topic.ext`, with the
// time in the viewer's time zone when the link names one (UTC otherwise). Characters that file
// systems refuse are replaced, and the name is kept short. Pure.

const MAX_STEM = 150;
/** Reserved on Windows, macOS or Linux, and control characters. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f<>:"/\\|?*]+/g;

function localStamp(iso: string, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}${part('minute')}`;
}

function clean(text: string): string {
  return text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
}

export function recordingDownloadName(
  recording: { readonly timeRecorded: string; readonly ownerName: string; readonly topic: string },
  extension: string,
  zone: string | null,
): string {
  const stamp = localStamp(recording.timeRecorded, zone ?? 'UTC');
  const owner = clean(recording.ownerName);
  const topic = clean(recording.topic);
  let stem = [stamp, owner].filter((p) => p !== '').join(' ');
  if (topic !== '') stem = `${stem} – ${topic}`;
  // Trailing dots and spaces are dropped by Windows; cut long names at a character boundary.
  stem = Array.from(stem)
    .slice(0, MAX_STEM)
    .join('')
    .replace(/[. ]+$/, '');
  return `${stem}.${extension}`;
}
