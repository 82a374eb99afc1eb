// Journals for the render stages' tests: PCMU packets of a known signal, as the capture writes them.
import type { CaptureStreamInfo } from '../capture/capture-journal.js';
import {
  encodeRtpJournalRecord,
  RTP_JOURNAL_MAGIC,
  type RtpJournalRecord,
} from '../capture/rtp-journal-format.js';

/** G.711 µ-law of a constant level: every sample of a packet decodes to the same value. */
export const PCMU_LEVEL = 0x80; // decodes to 32124 (the largest positive level)

export const PCMU_STREAM: CaptureStreamInfo = {
  index: 0,
  codecs: [{ payloadType: 0, name: 'PCMU', clockRate: 8000 }],
  telephoneEventPayloadTypes: [101],
  journal: 'stream-0.rtpj',
  srtp: false,
};

/** 20 ms PCMU packets from `firstArrivalMs`, sequence numbers and timestamps in step. */
export function pcmuRecords(
  count: number,
  firstArrivalMs: number,
  options: { ssrc?: number; fill?: number; skip?: ReadonlySet<number> } = {},
): RtpJournalRecord[] {
  const records: RtpJournalRecord[] = [];
  for (let i = 0; i < count; i++) {
    if (options.skip?.has(i)) continue;
    records.push({
      arrivalMs: firstArrivalMs + i * 20,
      sequenceNumber: 1000 + i,
      timestamp: 160 * i,
      ssrc: options.ssrc ?? 0x1234,
      payloadType: 0,
      marker: i === 0,
      payload: new Uint8Array(160).fill(options.fill ?? PCMU_LEVEL),
    });
  }
  return records;
}

/** The bytes of a journal holding `records`. */
export function journalBytes(records: readonly RtpJournalRecord[]): Uint8Array {
  return Buffer.concat([RTP_JOURNAL_MAGIC, ...records.map((r) => encodeRtpJournalRecord(r))]);
}
