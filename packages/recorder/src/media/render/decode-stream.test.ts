// Render stage decode: one stream's journal through the jitter buffer and its codec's decoder
// into frames placed by RTP time; RFC 4733 events collected as digits, never decoded as audio.
import { describe, expect, it } from 'vitest';
import { serializeTelephoneEvent } from '../../rtp/telephone-event.js';
import type { RtpJournalRecord } from '../capture/rtp-journal-format.js';
import { decodedSampleRate, decodeStream, type DecodedFrame } from './decode-stream.js';
import { openStreamJournal } from './read-journal.js';
import { journalBytes, PCMU_STREAM, pcmuRecords } from './journal.test-helper.js';

/** Decodes and keeps copies of the frames (their samples are valid during the call only). */
function decodeAll(records: readonly RtpJournalRecord[], info = PCMU_STREAM, originMs = 0) {
  const frames: DecodedFrame[] = [];
  const stream = openStreamJournal(info, journalBytes(records));
  const decoded = decodeStream(stream, originMs, (frame) =>
    frames.push({ ...frame, samples: Int16Array.from(frame.samples) }),
  );
  return { decoded, frames };
}

describe('decodeStream', () => {
  it('decodes each packet in RTP order to a frame at its RTP time within the segment', () => {
    const records = pcmuRecords(10, 5_000);
    // Arrived out of order: the jitter buffer puts them back (RFC 3550 A.1).
    [records[3], records[4]] = [records[4]!, records[3]!];
    const { decoded, frames } = decodeAll(records, PCMU_STREAM, 4_000);
    expect(frames.map((f) => f.segmentTimestamp)).toEqual(
      Array.from({ length: 10 }, (_, i) => 160 * i),
    );
    expect(frames.every((f) => f.rtpClockRate === 8000 && f.sampleRate === 8000)).toBe(true);
    expect(frames.every((f) => f.samples.length === 160 && f.samples[0] === 32124)).toBe(true);
    expect(decoded).toMatchObject({
      index: 0,
      packets: 10,
      lost: 0,
      codecs: ['PCMU'],
      dtmf: [],
      firstArrivalMs: 5_000,
    });
    expect(decoded.failure).toBeUndefined();
  });

  it('counts a packet that never came as lost', () => {
    const { decoded, frames } = decodeAll(pcmuRecords(10, 0, { skip: new Set([5]) }));
    expect(decoded.lost).toBe(1);
    expect(frames).toHaveLength(9);
  });

  it('RFC 4733 §2.5: telephone events are digits at their time from the origin, not audio', () => {
    const records = pcmuRecords(4, 1_000);
    const event = (end: boolean, duration: number, at: number): RtpJournalRecord => ({
      arrivalMs: at,
      sequenceNumber: 2000 + duration,
      timestamp: 8000,
      ssrc: 0x1234,
      payloadType: 101,
      marker: !end && duration === 160,
      payload: serializeTelephoneEvent({ event: 5, end, volume: 10, duration }),
    });
    const { decoded, frames } = decodeAll(
      [...records, event(false, 160, 1_100), event(true, 800, 1_180)],
      PCMU_STREAM,
      900,
    );
    expect(frames).toHaveLength(4);
    expect(decoded.dtmf).toEqual([{ digit: '5', atMs: 200 }]);
  });

  it('packets of no negotiated codec give no audio and say so', () => {
    const records = pcmuRecords(3, 0).map((r) => ({ ...r, payloadType: 96 }));
    const { decoded, frames } = decodeAll(records);
    expect(frames).toHaveLength(0);
    expect(decoded.failure).toBe('no audio packets of a negotiated codec');
  });

  it('a codec the recorder cannot decode is named in the failure', () => {
    const info = {
      ...PCMU_STREAM,
      codecs: [{ payloadType: 3, name: 'GSM', clockRate: 8000 }],
    };
    const records = pcmuRecords(3, 0).map((r) => ({ ...r, payloadType: 3 }));
    const { decoded } = decodeAll(records, info);
    expect(decoded.failure).toBe('no decoder for GSM');
  });

  it('a stream without packets gives no frames: `no media received`', () => {
    const { decoded, frames } = decodeAll([]);
    expect(frames).toHaveLength(0);
    expect(decoded).toMatchObject({
      packets: 0,
      failure: 'no media received',
      firstArrivalMs: null,
    });
  });

  it('each codec decodes at its own rate', () => {
    expect(decodedSampleRate('PCMU')).toBe(8000);
    expect(decodedSampleRate('G722')).toBe(16000);
    expect(decodedSampleRate('opus')).toBe(48000);
  });
});
