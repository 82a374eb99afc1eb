import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJournalSegment } from './journal-segment-format.js';
import { createJournalShipper, type JournalShipTarget } from './journal-shipper.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A target in memory that can be made to refuse, and rebuilds journals as a worker would. */
function memoryTarget() {
  const stored = new Map<string, Map<number, Uint8Array>>();
  let down = false;
  const target: JournalShipTarget = {
    putSegment(key, seq, bytes) {
      if (down) return Promise.reject(new Error('store unavailable'));
      const segs = stored.get(key) ?? new Map<number, Uint8Array>();
      segs.set(seq, Buffer.from(bytes));
      stored.set(key, segs);
      return Promise.resolve();
    },
    lastSegment(key) {
      if (down) return Promise.reject(new Error('store unavailable'));
      const seqs = [...(stored.get(key)?.keys() ?? [])];
      return Promise.resolve(seqs.length ? Math.max(...seqs) : null);
    },
  };
  const rebuild = (key: string) => {
    const files = new Map<string, Buffer>();
    let session: string | undefined;
    let final = false;
    const segs = [...(stored.get(key) ?? new Map<number, Uint8Array>()).entries()].sort(
      (a, b) => a[0] - b[0],
    );
    for (const [seq, bytes] of segs) {
      const parsed = parseJournalSegment(bytes);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(parsed.segment.seq).toBe(seq);
      session = parsed.segment.session ?? session;
      final ||= parsed.segment.final;
      for (const p of parsed.segment.pieces) {
        const before = files.get(p.file) ?? Buffer.alloc(0);
        const out = Buffer.alloc(Math.max(before.length, p.offset + p.bytes.byteLength));
        before.copy(out);
        Buffer.from(p.bytes).copy(out, p.offset);
        files.set(p.file, out);
      }
    }
    return { files, session, final, segments: segs.length };
  };
  return {
    target,
    stored,
    rebuild,
    setDown(value: boolean) {
      down = value;
    },
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function journalDir(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-ship-'));
  dirs.push(root);
  const dir = path.join(root, 'abc123');
  fs.mkdirSync(dir);
  return dir;
}

describe('journal shipper', () => {
  it('ships only what the journal grew by since the last confirmed segment, and the session when it changed', async () => {
    const store = memoryTarget();
    let now = 0;
    const shipper = createJournalShipper({
      target: store.target,
      intervalMs: 60_000,
      logger: quiet,
      now: () => now,
    });
    const dir = journalDir();
    fs.writeFileSync(path.join(dir, 'session.json'), '{"v":1}');
    fs.writeFileSync(path.join(dir, 'stream-0.rtpj'), 'AAAA');
    shipper.track(dir);
    await shipper.tick();
    fs.appendFileSync(path.join(dir, 'stream-0.rtpj'), 'BB');
    fs.writeFileSync(path.join(dir, 'stream-1.rtpj'), 'CC');
    await shipper.tick();
    await shipper.tick(); // nothing new: no PUT
    now += 1;
    fs.writeFileSync(path.join(dir, 'session.json'), '{"v":2,"closed":{}}');
    fs.appendFileSync(path.join(dir, 'stream-1.rtpj'), 'D');
    await shipper.shipFinal(dir);
    shipper.stop();

    const segs = store.stored.get('abc123')!;
    expect(segs.size).toBe(3);
    const pieces = [...segs.values()].map((b) => {
      const p = parseJournalSegment(b);
      if (!p.ok) throw new Error(p.reason);
      return {
        session: p.segment.session ?? null,
        final: p.segment.final,
        pieces: p.segment.pieces.map(
          (x) => `${x.file}@${x.offset}:${Buffer.from(x.bytes).toString()}`,
        ),
      };
    });
    expect(pieces).toEqual([
      { session: '{"v":1}', final: false, pieces: ['stream-0.rtpj@0:AAAA'] },
      { session: null, final: false, pieces: ['stream-0.rtpj@4:BB', 'stream-1.rtpj@0:CC'] },
      { session: '{"v":2,"closed":{}}', final: true, pieces: ['stream-1.rtpj@2:D'] },
    ]);
    const rebuilt = store.rebuild('abc123');
    expect(rebuilt.files.get('stream-0.rtpj')!.toString()).toBe('AAAABB');
    expect(rebuilt.files.get('stream-1.rtpj')!.toString()).toBe('CCD');
    expect(shipper.tracked).toBe(0);
  });

  it('while the store refuses: keeps everything on disk, backs off, counts failures, and ships it all when the store answers', async () => {
    const store = memoryTarget();
    let now = 0;
    const failures: Error[] = [];
    const shipper = createJournalShipper({
      target: store.target,
      intervalMs: 2_000,
      maxBackoffMs: 30_000,
      logger: quiet,
      now: () => now,
      onFailed: (err) => failures.push(err),
    });
    const dir = journalDir();
    fs.writeFileSync(path.join(dir, 'session.json'), '{}');
    fs.writeFileSync(path.join(dir, 'stream-0.rtpj'), 'AAAA');
    shipper.track(dir);
    store.setDown(true);
    await shipper.tick();
    expect(failures).toHaveLength(1);
    expect(shipper.unshippedBytes).toBe(4);
    // Backing off: the next attempt waits 4 s (twice the interval), then 8 s.
    now = 3_000;
    await shipper.tick();
    expect(failures).toHaveLength(1);
    now = 4_000;
    await shipper.tick();
    expect(failures).toHaveLength(2);
    now = 11_000;
    await shipper.tick();
    expect(failures).toHaveLength(2);
    fs.appendFileSync(path.join(dir, 'stream-0.rtpj'), 'BBBB');
    // The final segment is refused too: the caller is told, the journal stays whole on disk.
    await expect(shipper.shipFinal(dir)).rejects.toThrow('store unavailable');
    expect(fs.readFileSync(path.join(dir, 'stream-0.rtpj'), 'utf8')).toBe('AAAABBBB');
    expect(store.stored.size).toBe(0);

    store.setDown(false);
    await shipper.shipFinal(dir);
    const rebuilt = store.rebuild('abc123');
    expect(rebuilt.files.get('stream-0.rtpj')!.toString()).toBe('AAAABBBB');
    expect(rebuilt.final).toBe(true);
    expect(rebuilt.segments).toBe(1);
    expect(shipper.unshippedBytes).toBe(0);
    shipper.stop();
  });

  it('ships a journal an earlier process left whole, numbered after the segments it had shipped', async () => {
    const store = memoryTarget();
    const first = createJournalShipper({
      target: store.target,
      intervalMs: 60_000,
      logger: quiet,
      now: () => 0,
    });
    const dir = journalDir();
    fs.writeFileSync(path.join(dir, 'session.json'), '{"open":true}');
    fs.writeFileSync(path.join(dir, 'stream-0.rtpj'), 'AAAA');
    first.track(dir);
    await first.tick();
    first.stop();
    // The process dies; the journal grew after the last segment.
    fs.appendFileSync(path.join(dir, 'stream-0.rtpj'), 'BBBB');
    const next = createJournalShipper({
      target: store.target,
      intervalMs: 60_000,
      logger: quiet,
      now: () => 0,
    });
    await next.shipFinal(dir);
    next.stop();
    expect([...store.stored.get('abc123')!.keys()]).toEqual([0, 1]);
    const rebuilt = store.rebuild('abc123');
    expect(rebuilt.files.get('stream-0.rtpj')!.toString()).toBe('AAAABBBB');
    expect(rebuilt.session).toBe('{"open":true}');
  });

  it('cuts a large backlog into segments of at most maxSegmentBytes', async () => {
    const store = memoryTarget();
    const shipper = createJournalShipper({
      target: store.target,
      intervalMs: 60_000,
      maxSegmentBytes: 3,
      logger: quiet,
      now: () => 0,
    });
    const dir = journalDir();
    fs.writeFileSync(path.join(dir, 'stream-0.rtpj'), 'ABCDEFG');
    await shipper.shipFinal(dir);
    shipper.stop();
    const segs = [...store.stored.get('abc123')!.values()].map((b) => {
      const p = parseJournalSegment(b);
      if (!p.ok) throw new Error(p.reason);
      return [p.segment.final, p.segment.pieces.map((x) => Buffer.from(x.bytes).toString()).join()];
    });
    expect(segs).toEqual([
      [false, 'ABC'],
      [false, 'DEF'],
      [true, 'G'],
    ]);
  });
});
