// Appends a stream's records to its journal file. Records are gathered in memory and written
// with one write per flush, at least every `flushIntervalMs` (default 500 ms, under the SPEC's
// "flushed at least every second"): after `kill -9` the kernel still holds what was written, so
// recovery loses at most the last interval.
import fs from 'node:fs';
import {
  encodeRtpJournalRecord,
  RTP_JOURNAL_MAGIC,
  type RtpJournalRecord,
} from './rtp-journal-format.js';

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
  let pending: Buffer[] = [];
  let closed = false;
  let error: Error | null = null;
  let bytesWritten = 0;

  const flush = (): void => {
    if (pending.length === 0 || error) return;
    const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = [];
    try {
      let offset = 0;
      while (offset < chunk.length) offset += fs.writeSync(fd, chunk, offset);
      bytesWritten += chunk.length;
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
      if (closed) return;
      pending.push(encodeRtpJournalRecord(record));
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
