// Render stage align: channel order, the timeline's rate and origin, and frames placed by time.
import { describe, expect, it } from 'vitest';
import { alignStreams, createAlignedChannels, orderStreams } from './align-streams.js';
import { openStreamJournal } from './read-journal.js';
import { journalBytes, PCMU_STREAM, pcmuRecords } from './journal.test-helper.js';

const stream = (index: number, label: string, firstArrivalMs: number, codec = 'PCMU') =>
  openStreamJournal(
    {
      ...PCMU_STREAM,
      index,
      label,
      codecs: [{ payloadType: 0, name: codec, clockRate: 8000 }],
    },
    journalBytes(pcmuRecords(5, firstArrivalMs)),
  );

const session = {
  owners: [{ id: 'o1', kind: 'person', participantId: 'bob', mode: 'Always' }],
  senders: { a: 'alice', b: 'bob' },
  startedAt: 500,
};

describe('orderStreams', () => {
  it('RFC 7865 §6.4.2: the stream the recorded owner sends is channel 0, the rest in SDP order', () => {
    const ordered = orderStreams(session, [stream(0, 'a', 1_000), stream(1, 'b', 1_000)]);
    expect(ordered.map((s) => s.info.label)).toEqual(['b', 'a']);
  });

  it('without an owner’s stream, SDP order', () => {
    const ordered = orderStreams({ owners: [], senders: {} }, [
      stream(1, 'b', 1_000),
      stream(0, 'a', 1_000),
    ]);
    expect(ordered.map((s) => s.info.index)).toEqual([0, 1]);
  });
});

describe('alignStreams', () => {
  it('the timeline starts at the first arrival and runs at the highest decoded rate', () => {
    const alignment = alignStreams(session, [stream(0, 'a', 1_200), stream(1, 'b', 1_000, 'G722')]);
    expect(alignment.originMs).toBe(1_000);
    expect(alignment.sampleRate).toBe(16000);
    expect(alignment.lastArrivalMs).toBe(1_280);
  });

  it('a session where nothing arrived starts when the session did, at 8 kHz', () => {
    const empty = openStreamJournal(PCMU_STREAM, journalBytes([]));
    const alignment = alignStreams({ ...session, owners: [] }, [
      { ...empty, info: { ...PCMU_STREAM, codecs: [] } },
    ]);
    expect(alignment).toMatchObject({ originMs: 500, sampleRate: 8000 });
  });

  it('places frames on their channel at their arrival, the channels aligned in time', () => {
    const alignment = alignStreams(session, [stream(0, 'a', 1_100), stream(1, 'b', 1_000)]);
    const aligned = createAlignedChannels(alignment);
    const frame = (arrivalMs: number, value: number) => ({
      segment: 0,
      segmentTimestamp: 0,
      rtpClockRate: 8000,
      arrivalMs,
      samples: new Int16Array(160).fill(value),
      sampleRate: 8000,
    });
    aligned.place(0, frame(1_000, 7));
    aligned.place(1, frame(1_100, 9));
    const [c0, c1] = aligned.channels();
    expect(c0![0]).toBe(7);
    // 100 ms later at 8 kHz: sample 800.
    expect(c1![799]).toBe(0);
    expect(c1![800]).toBe(9);
  });
});
