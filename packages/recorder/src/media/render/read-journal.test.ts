// Render stage read-journal: a stream's journal opened with its summary, or why it cannot be.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStreamJournal, readStreamJournal } from './read-journal.js';
import { journalBytes, PCMU_STREAM, pcmuRecords } from './journal.test-helper.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-read-journal-'));
  dirs.push(dir);
  return dir;
}

describe('readStreamJournal', () => {
  it('opens the stream journal named in the session and summarises it', () => {
    const dir = tempDir();
    const records = pcmuRecords(5, 1_000);
    fs.writeFileSync(path.join(dir, PCMU_STREAM.journal), journalBytes(records));
    const stream = readStreamJournal(dir, PCMU_STREAM);
    expect(stream.failure).toBeUndefined();
    expect(stream.summary).toEqual({
      records: 5,
      firstArrivalMs: 1_000,
      lastArrivalMs: 1_080,
      truncatedBytes: 0,
    });
    let read = 0;
    while (stream.journal!.next() !== null) read++;
    expect(read).toBe(5);
  });

  it('a stream whose journal file is missing has nothing to read: `no journal`', () => {
    const stream = readStreamJournal(tempDir(), PCMU_STREAM);
    expect(stream).toMatchObject({ journal: null, failure: 'no journal' });
    expect(stream.summary.records).toBe(0);
  });

  it('bytes that are no journal are `journal unreadable`', () => {
    const stream = openStreamJournal(PCMU_STREAM, Buffer.from('not a journal'));
    expect(stream).toMatchObject({ journal: null, failure: 'journal unreadable' });
    expect(stream.summary.firstArrivalMs).toBeNull();
  });

  it('a tail a crash cut short is counted, the whole records before it kept', () => {
    const bytes = Buffer.concat([journalBytes(pcmuRecords(3, 0)), Buffer.from([0, 0, 0, 40, 1])]);
    const stream = openStreamJournal(PCMU_STREAM, bytes);
    expect(stream.summary).toMatchObject({ records: 3, truncatedBytes: 5 });
  });
});
