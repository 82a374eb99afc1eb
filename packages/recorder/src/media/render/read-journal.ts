// Render stage 1, read-journal: one answered stream's journal file opened for reading, with its
// summary (records, first and last arrival, bytes a crash cut short). The records themselves are
// read one by one by the decode stage, so a long call's records are never all alive at once.
// The only render stage with I/O (it reads the file).
import fs from 'node:fs';
import path from 'node:path';
import { RtpJournalReader, type RtpJournalSummary } from '../capture/rtp-journal-format.js';
import type { CaptureStreamInfo } from '../capture/capture-journal.js';

export interface JournalStream {
  readonly info: CaptureStreamInfo;
  /** The journal, read record by record while decoding; null when there is none to read. */
  readonly journal: RtpJournalReader | null;
  readonly summary: RtpJournalSummary;
  /** Why the stream has nothing to read: `no journal`, `journal unreadable`. */
  readonly failure?: string;
}

export const NO_JOURNAL_RECORDS: RtpJournalSummary = {
  records: 0,
  firstArrivalMs: null,
  lastArrivalMs: null,
  truncatedBytes: 0,
};

/** The journal of one stream in a session's journal directory. */
export function readStreamJournal(dir: string, info: CaptureStreamInfo): JournalStream {
  const file = path.join(dir, info.journal);
  if (!fs.existsSync(file)) {
    return { info, journal: null, summary: NO_JOURNAL_RECORDS, failure: 'no journal' };
  }
  return openStreamJournal(info, fs.readFileSync(file));
}

/** A stream's journal from its bytes. */
export function openStreamJournal(info: CaptureStreamInfo, bytes: Uint8Array): JournalStream {
  const journal = RtpJournalReader.open(bytes);
  if (!journal) {
    return { info, journal, summary: NO_JOURNAL_RECORDS, failure: 'journal unreadable' };
  }
  return { info, journal, summary: journal.summarize() };
}
