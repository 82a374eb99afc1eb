// Render stage 4, cut by actions: an owner's recordings of the call from the recording actions in
// the journal (SPEC §4: start…stop is one recording), and each recording's channels cut out of
// the rendered call with every paused stretch cut out (Webex) or silenced (the org's
// `pauseBehaviour: silence`). Both parties are cut at the same samples, so they stay aligned.
import {
  keptStretches,
  planRecordingSegments,
  type RecordingSegmentPlan,
} from '../../session/recording-segments.js';
import type { CaptureSessionFile } from '../capture/capture-journal.js';

/** An owner's recordings of the call, from the actions in the journal (SPEC §4). */
export function planOwnerRecordings(
  session: Pick<CaptureSessionFile, 'recordingActions'>,
  ownerId: string,
  audio: { readonly startMs: number; readonly endMs: number },
): RecordingSegmentPlan[] {
  const endMs = audio.endMs;
  // Journals from before live controls record the whole call, as Always does.
  if (session.recordingActions === undefined) {
    return [{ startMs: audio.startMs, endMs, pauses: [] }];
  }
  return planRecordingSegments(
    session.recordingActions.filter((a) => a.ownerId === undefined || a.ownerId === ownerId),
    endMs,
  );
}

/**
 * The channels of one recording: its stretch of the timeline with every paused stretch cut out
 * or silenced. A recording of one unbroken stretch (a whole call, the usual case) is a view of
 * the rendered channels, not a copy: treat the result as read-only.
 */
export function cutRecording(
  rendered: {
    readonly channels: readonly Int16Array[];
    readonly sampleRate: number;
    readonly originMs: number;
  },
  plan: RecordingSegmentPlan,
  behaviour: 'cut' | 'silence',
): Int16Array[] {
  const length = Math.max(0, ...rendered.channels.map((c) => c.length));
  const at = (ms: number): number =>
    Math.min(
      length,
      Math.max(0, Math.round(((ms - rendered.originMs) * rendered.sampleRate) / 1000)),
    );
  const stretches =
    behaviour === 'cut' ? keptStretches(plan) : [{ startMs: plan.startMs, endMs: plan.endMs }];
  const spans = stretches
    .map((st) => [at(st.startMs), at(st.endMs)] as const)
    .filter(([a, b]) => b > a);
  const total = spans.reduce((n, [a, b]) => n + b - a, 0);
  const whole = spans.length === 1 && (behaviour === 'cut' || plan.pauses.length === 0);
  return rendered.channels.map((channel) => {
    const [a, b] = spans[0] ?? [0, 0];
    if (whole && b <= channel.length) return channel.subarray(a, b);
    const out = new Int16Array(total);
    let offset = 0;
    for (const [a, b] of spans) {
      out.set(channel.subarray(Math.min(a, channel.length), Math.min(b, channel.length)), offset);
      offset += b - a;
    }
    if (behaviour === 'silence') {
      const base = spans[0]?.[0] ?? 0;
      for (const pause of plan.pauses) {
        out.fill(0, Math.max(0, at(pause.startMs) - base), Math.max(0, at(pause.endMs) - base));
      }
    }
    return out;
  });
}
