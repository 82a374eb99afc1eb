// Appends a stream's records to its journal file. Records are gathered in memory and written
// with one write per flush, at least every `flushIntervalMs` (default 500 ms, under the SPEC's
// "flushed at least every second"): after `kill -9` the kernel still holds what was written, so
// recovery loses at most the last interval.
import fs from 'node:fs';
import {
  RTP_JOURNAL_MAGIC,
  RTP_JOURNAL_RECORD_HEADER,
  writeRtpJournalRecord,
  type RtpJournalRecord,
} from './rtp-journal-format.js';

/** Room for one flush interval of a 20 ms stream (25 records of a 160-byte payload) and more. */
const CHUNK_BYTES = 8192;

export interface RtpJournalWriterOptions {
  readonly file: string;
  readonly flushIntervalMs?: number;
  /** Called when a write fails (disk full): the journal stops and the stream is failed. */
  readonly onError?: (err: Error) => void;
}

export interface RtpJournalWriter {
  readonly file: string;
  append(record: RtpJournalRecord): void;
  flush(): void;
  close(): void;
  /** The first write error, if any. */
  readonly error: Error | null;
  readonly bytesWritten: number;
}

export function createRtpJournalWriter(options: RtpJournalWriterOptions): RtpJournalWriter {
  const fd = fs.openSync(options.file, 'a');
  if (fs.fstatSync(fd).size === 0) fs.writeSync(fd, RTP_JOURNAL_MAGIC);
  // Records are encoded straight into `chunk` (no buffer per packet); a full chunk waits in
  // `pending` for the next flush. The chunk is reused after a flush: writeSync has copied it.
  let pending: Buffer[] = [];
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  let closed = false;
  let error: Error | null = null;
  let bytesWritten = 0;

  const flush = (): void => {
    if (error || (pending.length === 0 && used === 0)) return;
    if (used > 0) pending.push(chunk.subarray(0, used));
    const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = [];
    used = 0;
    try {
      let offset = 0;
      while (offset < data.length) offset += fs.writeSync(fd, data, offset);
      bytesWritten += data.length;
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
      options.onError?.(error);
    }
  };
  const timer = setInterval(flush, options.flushIntervalMs ?? 500);
  timer.unref();

  return {
    file: options.file,
    append(record) {
      if (closed || error) return;
      const length = RTP_JOURNAL_RECORD_HEADER + record.payload.byteLength;
      if (used + length > chunk.length) {
        if (used > 0) pending.push(chunk.subarray(0, used));
        chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, length));
        used = 0;
      }
      used += writeRtpJournalRecord(chunk, used, record);
    },
    flush,
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      flush();
      fs.closeSync(fd);
    },
    get error() {
      return error;
    },
    get bytesWritten() {
      return bytesWritten;
    },
  };
}
