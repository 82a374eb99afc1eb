// The parts of finalizing that need no database: cutting a recording out of the rendered call, and
// the Ogg Opus encoder (Debian's ffmpeg, as in production), whose output ffmpeg decodes again;
// how a recording was made (its failures, why it ended, what a recovery kept).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureFailuresOf,
  cutRecording,
  encodeOggOpus,
  endReasonOf,
  recoveryOf,
} from './capture-finalize.js';

const RATE = 8000;

/** A rendered call of two channels: `a` counts up from 1, `b` is shorter and counts down. */
function rendered(aLength: number, bLength: number) {
  return {
    sampleRate: RATE,
    originMs: 1_000_000,
    channels: [
      Int16Array.from({ length: aLength }, (_, i) => (i % 1000) + 1),
      Int16Array.from({ length: bLength }, (_, i) => -((i % 1000) + 1)),
    ],
  };
}

describe('cutRecording', () => {
  it('a recording of the whole call is the rendered audio, a shorter channel padded with silence', () => {
    const call = rendered(8000, 6000);
    const [a, b] = cutRecording(
      call,
      { startMs: call.originMs, endMs: call.originMs + 1000, pauses: [] },
      'cut',
    );
    expect(a).toHaveLength(8000);
    expect(a!.every((s, i) => s === call.channels[0]![i])).toBe(true);
    expect(b).toHaveLength(8000);
    expect(b!.subarray(0, 6000).every((s, i) => s === call.channels[1]![i])).toBe(true);
    expect(b!.subarray(6000).every((s) => s === 0)).toBe(true);
  });

  it('SPEC §4: a paused stretch is cut out of both channels at the same samples', () => {
    const call = rendered(8000, 8000);
    const plan = {
      startMs: call.originMs,
      endMs: call.originMs + 1000,
      pauses: [{ startMs: call.originMs + 250, endMs: call.originMs + 500 }],
    };
    const [a, b] = cutRecording(call, plan, 'cut');
    expect(a).toHaveLength(6000);
    expect(b).toHaveLength(6000);
    expect(a![1999]).toBe(call.channels[0]![1999]);
    expect(a![2000]).toBe(call.channels[0]![4000]);
    expect(b![2000]).toBe(call.channels[1]![4000]);
  });

  it('pauseBehaviour silence keeps the timing with silence and leaves the rendered call as it was', () => {
    const call = rendered(8000, 8000);
    const before = call.channels.map((c) => Int16Array.from(c));
    const plan = {
      startMs: call.originMs + 125,
      endMs: call.originMs + 1000,
      pauses: [{ startMs: call.originMs + 250, endMs: call.originMs + 500 }],
    };
    const [a] = cutRecording(call, plan, 'silence');
    expect(a).toHaveLength(7000);
    expect(a![999]).toBe(call.channels[0]![1999]);
    expect(a!.subarray(1000, 3000).every((s) => s === 0)).toBe(true);
    expect(a![3000]).toBe(call.channels[0]![4000]);
    for (const [c, channel] of call.channels.entries()) {
      expect(channel.every((s, i) => s === before[c]![i])).toBe(true);
    }
  });
});

describe('encodeOggOpus', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The file decoded by ffmpeg to s16le at `RATE`, one array per channel. */
  function decodeChannels(file: string): Int16Array[] {
    const pcm = execFileSync('ffmpeg', [
      ...['-v', 'error', '-i', file, '-ar', String(RATE), '-ac', '2', '-f', 's16le', '-'],
    ]);
    const all = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
    return [0, 1].map((c) => all.filter((_, i) => i % 2 === c));
  }

  const energy = (pcm: Int16Array): number => pcm.reduce((sum, s) => sum + s * s, 0) / pcm.length;

  it('each party on its own channel of an Ogg Opus file as long as the call, nothing leaking across', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-encode-'));
    dirs.push(dir);
    // Not a whole number of the encoder's blocks, and the second party's channel shorter.
    const length = RATE * 12 + 123;
    const tone = Int16Array.from(
      { length },
      (_, i) => 8000 * Math.sin((2 * Math.PI * 440 * i) / RATE),
    );
    const file = path.join(dir, 'call.ogg');
    await encodeOggOpus([tone, new Int16Array(RATE * 5)], RATE, file);

    const probe = execFileSync('ffprobe', [
      ...['-v', 'error', '-show_entries', 'stream=codec_name,channels', '-of', 'csv=p=0', file],
    ]).toString();
    expect(probe.trim()).toBe('opus,2');
    const [a, b] = decodeChannels(file);
    expect(Math.abs(a!.length - length)).toBeLessThan(RATE / 10);
    const middle = (pcm: Int16Array) => pcm.subarray(RATE, RATE * 11);
    expect(energy(middle(a!))).toBeGreaterThan(0.5 * energy(middle(tone)));
    // The silent party stays silent: more than 60 dB below the other.
    expect(energy(middle(b!))).toBeLessThan(energy(middle(a!)) * 1e-6);
  });

  it('an encoder failure rejects with the cause (the file cannot be written)', async () => {
    const missing = path.join(os.tmpdir(), 'cv-no-such-dir', 'x', 'call.ogg');
    // In-process (the addon built): the write's ENOENT; through ffmpeg: what ffmpeg said.
    await expect(encodeOggOpus([new Int16Array(RATE)], RATE, missing)).rejects.toThrow(
      /ENOENT|ffmpeg failed/,
    );
  });
});

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
