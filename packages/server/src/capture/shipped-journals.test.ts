import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createJournalShipper,
  createRtpJournalWriter,
  readSessionFile,
  type JournalShipper,
} from '@callvault/recorder';
import { EncryptedBlobStore } from '../crypto/encrypted-blob-store.js';
import { MasterKeyring, generateMasterKey } from '../crypto/master-key.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { BlobStore } from '../storage/blob-store.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { createJournalHandOff } from './journal-hand-off.js';
import {
  createBlobJournalShipTarget,
  deleteShippedJournal,
  hasShippedJournal,
  materializeShippedJournal,
  shippedJournalDir,
} from './shipped-journals.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});
const tmp = (name: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cv-${name}-`));
  roots.push(dir);
  return dir;
};

/** The configured store's shape: encryption over a file-system backend. */
function encryptedStore() {
  const blobs = tmp('blobs');
  const inner = new FsBlobStore(blobs);
  return {
    blobs,
    store: new EncryptedBlobStore(inner, { keyring: new MasterKeyring(generateMasterKey()) }),
  };
}

/** A store that refuses writes while `down` (an S3 outage). */
function flaky(store: BlobStore): { store: BlobStore; setDown(v: boolean): void } {
  let down = false;
  const refuse = (): Promise<never> => Promise.reject(new Error('S3 unavailable'));
  return {
    store: {
      put: (...a) => (down ? refuse() : store.put(...a)),
      get: (...a) => store.get(...a),
      getStream: (...a) => store.getStream(...a),
      head: (...a) => store.head(...a),
      delete: (...a) => store.delete(...a),
      list: (prefix) => store.list(prefix),
      check: () => store.check(),
    },
    setDown(v) {
      down = v;
    },
  };
}

/** A live journal as the capture writes it: session.json and two streams of RTP records. */
function writeJournal(dir: string, packets: number, from = 0): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const stream of [0, 1]) {
    const writer = createRtpJournalWriter({ file: path.join(dir, `stream-${stream}.rtpj`) });
    for (let i = from; i < from + packets; i++) {
      writer.append({
        arrivalMs: 1_700_000_000_000 + i * 20,
        sequenceNumber: i,
        timestamp: i * 160,
        ssrc: 0x1234 + stream,
        payloadType: 0,
        marker: i === 0,
        payload: Buffer.alloc(160, (i + stream) & 0xff),
      });
    }
    writer.close();
  }
}

const sessionText = (closed: boolean): string =>
  JSON.stringify({
    version: 1,
    sessionId: 'dialog-1',
    callId: 'call-1',
    ...(closed ? { closed: { endedAt: 2, endReason: 'bye', kept: true } } : {}),
  });

function shipperOver(store: BlobStore): JournalShipper {
  return createJournalShipper({
    target: createBlobJournalShipTarget(store),
    intervalMs: 60_000,
    logger: quiet,
    now: () => Date.now(),
  });
}

describe('shipped journals in the blob store', () => {
  it('a journal shipped as it grew is rebuilt byte for byte by a worker elsewhere, encrypted at rest', async () => {
    const { store, blobs } = encryptedStore();
    const dir = path.join(tmp('recorder'), 'journal', 'a1b2c3');
    writeJournal(dir, 50);
    fs.writeFileSync(path.join(dir, 'session.json'), sessionText(false));
    const shipper = shipperOver(store);
    shipper.track(dir);
    await shipper.tick();
    writeJournal(dir, 30, 50);
    await shipper.tick();
    fs.writeFileSync(path.join(dir, 'session.json'), sessionText(true));
    writeJournal(dir, 5, 80);
    await shipper.shipFinal(dir);
    shipper.stop();

    // Encrypted: no segment in the backend carries the session's text in clear.
    const inner = fs.readdirSync(path.join(blobs, 'journals', 'a1b2c3'));
    expect(inner.filter((f) => f.endsWith('.seg')).sort()).toEqual([
      '0000000000.seg',
      '0000000001.seg',
      '0000000002.seg',
    ]);
    for (const f of inner) {
      expect(fs.readFileSync(path.join(blobs, 'journals', 'a1b2c3', f)).includes('dialog-1')).toBe(
        false,
      );
    }

    const workerDir = shippedJournalDir(tmp('worker'), 'a1b2c3');
    const rebuilt = await materializeShippedJournal(store, 'a1b2c3', workerDir);
    expect(rebuilt).toEqual({ kind: 'rebuilt', segments: 3, final: true });
    for (const f of ['stream-0.rtpj', 'stream-1.rtpj', 'session.json']) {
      expect(fs.readFileSync(path.join(workerDir, f))).toEqual(fs.readFileSync(path.join(dir, f)));
    }
    expect(readSessionFile(workerDir).closed?.endReason).toBe('bye');

    await deleteShippedJournal(store, 'a1b2c3');
    expect(await hasShippedJournal(store, 'a1b2c3')).toBe(false);
    expect(await materializeShippedJournal(store, 'a1b2c3', workerDir)).toEqual({ kind: 'absent' });
  });

  it('a worker rebuilds a killed recorder’s live call up to its last confirmed segment, as not closed', async () => {
    const { store } = encryptedStore();
    const dir = path.join(tmp('recorder'), 'journal', 'k9');
    writeJournal(dir, 40);
    fs.writeFileSync(path.join(dir, 'session.json'), sessionText(false));
    const shipper = shipperOver(store);
    shipper.track(dir);
    await shipper.tick();
    shipper.stop();
    // Killed: what it wrote after the last tick never left its disk.
    writeJournal(dir, 10, 40);
    const workerDir = shippedJournalDir(tmp('worker'), 'k9');
    expect(await materializeShippedJournal(store, 'k9', workerDir)).toEqual({
      kind: 'rebuilt',
      segments: 1,
      final: false,
    });
    expect(readSessionFile(workerDir).closed).toBeUndefined();
    const full = fs.readFileSync(path.join(dir, 'stream-0.rtpj'));
    const shipped = fs.readFileSync(path.join(workerDir, 'stream-0.rtpj'));
    expect(shipped).toEqual(full.subarray(0, shipped.length));
    expect(full.length - shipped.length).toBe(10 * (24 + 160));
  });
});

describe('journal hand-off at a call’s end', () => {
  function fakeQueue() {
    const jobs: Array<Record<string, unknown>> = [];
    let down = false;
    const queue = {
      enqueue: (_name: string, payload: Record<string, unknown>) => {
        if (down) return Promise.reject(new Error('queue unavailable'));
        jobs.push(payload);
        return Promise.resolve(`job-${jobs.length}`);
      },
    } as unknown as JobQueue;
    return {
      queue,
      jobs,
      setDown(v: boolean) {
        down = v;
      },
    };
  }

  it('while the store is down the journal stays on disk and no finalize is queued; once shipped, the finalize points at the shipped copy and the local journal goes', async () => {
    const { store: encrypted } = encryptedStore();
    const s3 = flaky(encrypted);
    const jobs = fakeQueue();
    const shipper = shipperOver(s3.store);
    const handOff = createJournalHandOff({
      shipper,
      queue: jobs.queue,

      retryMs: 10,
    });
    const dir = path.join(tmp('recorder'), 'journal', 'h1');
    writeJournal(dir, 20);
    fs.writeFileSync(path.join(dir, 'session.json'), sessionText(true));

    s3.setDown(true);
    await handOff.handOff(dir);
    expect(fs.existsSync(path.join(dir, 'stream-0.rtpj'))).toBe(true);
    expect(handOff.pending).toBe(1);
    expect(jobs.jobs).toEqual([]);
    await handOff.retry();
    expect(handOff.pending).toBe(1);

    // The store answers; the queue does not yet: shipped, but the journal stays until queued.
    s3.setDown(false);
    jobs.setDown(true);
    await handOff.retry();
    expect(await hasShippedJournal(encrypted, 'h1')).toBe(true);
    expect(fs.existsSync(dir)).toBe(true);
    expect(handOff.pending).toBe(1);

    jobs.setDown(false);
    await handOff.retry();
    expect(jobs.jobs).toEqual([{ dir: 'journals/h1', shipped: 'h1' }]);
    expect(fs.existsSync(dir)).toBe(false);
    expect(handOff.pending).toBe(0);
    handOff.stop();
    shipper.stop();

    const rebuilt = shippedJournalDir(tmp('worker'), 'h1');
    expect((await materializeShippedJournal(encrypted, 'h1', rebuilt)).kind).toBe('rebuilt');
    expect(fs.statSync(path.join(rebuilt, 'stream-1.rtpj')).size).toBe(8 + 20 * (24 + 160));
  });
});
