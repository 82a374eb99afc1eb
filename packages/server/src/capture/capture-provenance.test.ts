// The parts of finalizing that need no database: how a recording was made (its failures, why it
// ended, what a recovery kept).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureFailuresOf, endReasonOf, recoveryOf } from './capture-provenance.js';

describe('captureFailuresOf', () => {
  const iso = (ms: number) => new Date(ms).toISOString();

  it('a live failure that media ended is listed with when it was over; the one still open with its detail', () => {
    const failures = captureFailuresOf(
      {
        recordingActions: [
          { action: 'start', atMs: 0, source: 'mode', ownerId: 'o' },
          {
            action: 'fail',
            atMs: 10_000,
            source: 'system',
            reason: 'no-media',
            detail: 'stream bob received no media in 10 s',
          },
          { action: 'recover', atMs: 14_000, source: 'system', reason: 'no-media' },
          { action: 'fail', atMs: 60_000, source: 'system', reason: 'disk-full' },
        ],
        failure: { reason: 'disk-full', detail: 'stream 0 journal: ENOSPC', atMs: 60_000 },
      },
      [],
    );
    expect(failures).toEqual([
      {
        code: 'no-media',
        detail: 'stream bob received no media in 10 s',
        at: iso(10_000),
        resolvedAt: iso(14_000),
        stream: null,
      },
      {
        code: 'disk-full',
        detail: 'stream 0 journal: ENOSPC',
        at: iso(60_000),
        resolvedAt: null,
        stream: null,
      },
    ]);
  });

  it('streams found silent at finalize are listed once; a journal from before actions still tells its failure', () => {
    const failures = captureFailuresOf(
      { failure: { reason: 'no-media', detail: 'stream bob received no media in 10 s', atMs: 5 } },
      [
        { stream: 1, label: 'bob', reason: 'no journal' },
        { stream: 2, label: null, reason: 'journal unreadable' },
      ],
    );
    expect(failures).toEqual([
      {
        code: 'no-media',
        detail: 'stream bob received no media in 10 s',
        at: iso(5),
        resolvedAt: null,
        stream: null,
      },
      {
        code: 'unreadable',
        detail: 'stream #2: journal unreadable',
        at: null,
        resolvedAt: null,
        stream: '#2',
      },
    ]);
  });
});

describe('captureFailuresOf bounds', () => {
  it('a long error message is cut to the 1000 characters the API shows', () => {
    const [failure] = captureFailuresOf(
      { failure: { reason: 'journal-write', detail: 'x'.repeat(5000), atMs: 1 } },
      [],
    );
    expect(failure?.detail).toHaveLength(1000);
  });
});

describe('endReasonOf', () => {
  const audio = { endMs: 10_000 };
  const bye = { closed: { endedAt: 10_500, endReason: 'bye', kept: true } };

  it('stopped before the call ended, else how the session ended, else recovered', () => {
    expect(endReasonOf(bye, {}, { endMs: 7000 }, audio)).toBe('stopped');
    expect(endReasonOf(bye, {}, { endMs: 10_000 }, audio)).toBe('bye');
    expect(endReasonOf({}, { recovered: true }, { endMs: 10_000 }, audio)).toBe('recovered');
    expect(endReasonOf({}, {}, { endMs: 10_000 }, audio)).toBeNull();
  });
});

describe('recoveryOf', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('tells the journal’s last write, not finalize’s own files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-recovery-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'session.json'), '{}');
    fs.writeFileSync(path.join(dir, 'stream-0.rtpj'), '');
    fs.writeFileSync(path.join(dir, 'audio-0.ogg'), '');
    fs.utimesSync(path.join(dir, 'session.json'), 1000, 1000);
    fs.utimesSync(path.join(dir, 'stream-0.rtpj'), 2000, 2000);
    fs.utimesSync(path.join(dir, 'audio-0.ogg'), 9000, 9000);
    expect(recoveryOf(dir, 1_999_500, '2026-03-02T10:00:00.000Z')).toEqual({
      recoveredAt: '2026-03-02T10:00:00.000Z',
      audioEndedAt: new Date(1_999_500).toISOString(),
      journalLastWrittenAt: new Date(2_000_000).toISOString(),
    });
  });

  it('an unreadable directory leaves the last write unknown', () => {
    expect(recoveryOf('/nonexistent/cv', 0, 'x').journalLastWrittenAt).toBeNull();
  });
});
