import alawmulaw from 'alawmulaw';
import { describe, expect, it } from 'vitest';
import { serializeTelephoneEvent } from '../../rtp/telephone-event.js';
import type { RecordingControl } from '../../session/recording-control-state.js';
import { createCaptureLiveControls } from './capture-live-controls.js';
import type { RtpJournalRecord } from './rtp-journal-format.js';
import { InbandDtmfDetector } from './inband-dtmf-detector.js';
import {
  answeredStream,
  recordingLogger,
  sessionCapture,
  sessionSnapshot,
  streamCapture,
} from './capture-session.test-helper.js';

const KEYS: Record<string, number> = { '*': 10, '#': 11 };
const FREQS: Record<string, [number, number]> = { '*': [941, 1209], '4': [770, 1209] };

/** What the live calls were asked to do. */
function liveCalls() {
  const controls: Array<{ ownerId: string; control: RecordingControl; atMs: number }> = [];
  const holds: Array<{ onHold: boolean; atMs: number }> = [];
  return {
    controls,
    holds,
    calls: {
      control(
        _sessionId: string,
        ownerId: string,
        control: RecordingControl,
        _s: 'dtmf',
        atMs: number,
      ) {
        controls.push({ ownerId, control, atMs });
        return { ok: true };
      },
      hold(_sessionId: string, onHold: boolean, atMs: number) {
        holds.push({ onHold, atMs });
      },
    },
  };
}

/** One RFC 4733 packet: the first of the event for `key`, on payload type 101. */
function rfc4733(key: string, timestamp: number, arrivalMs: number): RtpJournalRecord {
  return {
    arrivalMs,
    sequenceNumber: timestamp / 160,
    timestamp,
    ssrc: 1,
    payloadType: 101,
    marker: true,
    payload: serializeTelephoneEvent({
      event: KEYS[key] ?? Number(key),
      end: false,
      volume: 10,
      duration: 160,
    }),
  };
}

/** PCMU packets of 20 ms carrying the Q.23 tones of `digits` (80 ms on, 80 ms off each). */
function pcmuTones(digits: string): RtpJournalRecord[] {
  const pcm: number[] = [];
  for (const d of digits) {
    const [low, high] = FREQS[d]!;
    for (let i = 0; i < 640; i++) {
      const t = i / 8000;
      pcm.push(
        Math.round(6000 * (Math.sin(2 * Math.PI * low * t) + Math.sin(2 * Math.PI * high * t))),
      );
    }
    for (let i = 0; i < 640; i++) pcm.push(0);
  }
  const ulaw = alawmulaw.mulaw.encode(Int16Array.from(pcm));
  const records: RtpJournalRecord[] = [];
  for (let i = 0; i + 160 <= ulaw.length; i += 160) {
    records.push({
      arrivalMs: 1_000 + i / 8,
      sequenceNumber: i / 160,
      timestamp: i,
      ssrc: 1,
      payloadType: 0,
      marker: false,
      payload: ulaw.subarray(i, i + 160),
    });
  }
  return records;
}

const clock = { now: () => 42 };

describe('createCaptureLiveControls', () => {
  it("applies a feature code typed as RFC 4733 digits on the recorded party's stream to its owner", () => {
    const live = liveCalls();
    const controls = createCaptureLiveControls({
      calls: live.calls,
      logger: recordingLogger(),
      clock,
    });
    const stream = streamCapture();
    const s = sessionCapture({ streams: new Map([[0, stream]]) });
    controls.onPacket(s, stream, rfc4733('*', 160, 1_000));
    controls.onPacket(s, stream, rfc4733('*', 160, 1_020)); // the same event again: no new digit
    controls.onPacket(s, stream, rfc4733('4', 1_600, 1_200));
    controls.onPacket(s, stream, rfc4733('4', 3_200, 1_400));
    expect(live.controls).toEqual([{ ownerId: 'person-1', control: 'start', atMs: 1_400 }]);
    expect(stream.rfc4733).toBe(true);
    expect(stream.inband).toBeNull();
  });

  it('ignores digits on a stream whose sender owns no recording', () => {
    const live = liveCalls();
    const controls = createCaptureLiveControls({
      calls: live.calls,
      logger: recordingLogger(),
      clock,
    });
    const stream = streamCapture();
    const s = sessionCapture({
      streams: new Map([[0, stream]]),
      last: sessionSnapshot({ metadataRevisions: [] }),
    });
    for (const [i, key] of ['*', '4', '4'].entries()) {
      controls.onPacket(s, stream, rfc4733(key, 160 * (i + 1) * 10, 1_000 + i * 200));
    }
    expect(live.controls).toEqual([]);
    expect(stream.matcher).toBeNull();
  });

  it('hears a feature code in-band on the audio of an owner who has controls', () => {
    const live = liveCalls();
    const controls = createCaptureLiveControls({
      calls: live.calls,
      logger: recordingLogger(),
      clock,
    });
    const stream = streamCapture();
    const s = sessionCapture({ streams: new Map([[0, stream]]) });
    for (const record of pcmuTones('*44')) controls.onPacket(s, stream, record);
    expect(stream.inband).toBeInstanceOf(InbandDtmfDetector);
    expect(live.controls.map((c) => c.control)).toEqual(['start']);
  });

  it("decodes nobody's audio when the owner has no controls (mode Always)", () => {
    const live = liveCalls();
    const controls = createCaptureLiveControls({
      calls: live.calls,
      logger: recordingLogger(),
      clock,
    });
    const stream = streamCapture();
    const always = sessionSnapshot();
    const s = sessionCapture({
      streams: new Map([[0, stream]]),
      last: { ...always, owners: always.owners.map((o) => ({ ...o, mode: 'Always' })) },
    });
    for (const record of pcmuTones('*44')) controls.onPacket(s, stream, record);
    expect(stream.inband).toBeNull();
    expect(stream.inbandDecoders.size).toBe(0);
    expect(live.controls).toEqual([]);
  });

  it('decides in-band detection again on a new snapshot, except on a stream with RFC 4733 events', () => {
    const live = liveCalls();
    const controls = createCaptureLiveControls({
      calls: live.calls,
      logger: recordingLogger(),
      clock,
    });
    const undecided = streamCapture({ inband: null });
    const rfc = streamCapture({ inband: null, rfc4733: true });
    const s = sessionCapture({
      streams: new Map([
        [0, undecided],
        [1, rfc],
      ]),
    });
    const previous = s.last;
    controls.sessionUpdated(s, previous);
    expect(undecided.inband).toBeUndefined();
    expect(rfc.inband).toBeNull();
    expect(live.holds).toEqual([]);
  });

  it('tells the calls of hold and unhold when the SRC changes direction', () => {
    const live = liveCalls();
    const controls = createCaptureLiveControls({
      calls: live.calls,
      logger: recordingLogger(),
      clock,
    });
    const s = sessionCapture();
    const active = s.last;
    s.last = sessionSnapshot({ streams: [answeredStream({ onHold: true })] });
    controls.sessionUpdated(s, active);
    const held = s.last;
    s.last = sessionSnapshot({ streams: [answeredStream({ onHold: true, label: '2' })] });
    controls.sessionUpdated(s, held);
    s.last = active;
    controls.sessionUpdated(s, held);
    expect(live.holds).toEqual([
      { onHold: true, atMs: 42 },
      { onHold: false, atMs: 42 },
    ]);
  });
});
