// Shipped capture journals in the blob store (docs/adr/0009-journal-shipping.md): the recorder's
// JournalShipTarget (segments stored as `journals/<journal key>/<seq>.seg`, encrypted like every
// object of the store when it is the configured EncryptedBlobStore), and the worker's side:
// rebuilding a journal directory from its segments to finalize it, and removing the shipped copy
// once the recording is stored.
import fs from 'node:fs';
import path from 'node:path';
import { parseJournalSegment, SESSION_FILE, type JournalShipTarget } from '@callvault/recorder';
import type { BlobStore } from '../storage/blob-store.js';

export const SHIPPED_JOURNAL_PREFIX = 'journals';
const SEGMENT = /^(\d{10})\.seg$/;

const prefixOf = (key: string): string => `${SHIPPED_JOURNAL_PREFIX}/${key}/`;
export const segmentKey = (key: string, seq: number): string =>
  `${prefixOf(key)}${String(seq).padStart(10, '0')}.seg`;

/** The job payload's name of a shipped journal (also its finalize job's singleton key). */
export const shippedJournalName = (key: string): string => `${SHIPPED_JOURNAL_PREFIX}/${key}`;

/** Where a worker rebuilds shipped journals: beside, never inside, its own recorder's journals. */
export function shippedJournalDir(dataDir: string, key: string): string {
  return path.join(dataDir, 'journal-shipped', key);
}

/** The segment numbers stored for a journal, in order. */
async function listSegments(store: BlobStore, key: string): Promise<number[]> {
  const seqs: number[] = [];
  for await (const k of store.list(prefixOf(key))) {
    const m = SEGMENT.exec(k.slice(prefixOf(key).length));
    if (m) seqs.push(Number(m[1]));
  }
  return seqs.sort((a, b) => a - b);
}

export function createBlobJournalShipTarget(store: BlobStore): JournalShipTarget {
  return {
    async putSegment(key, seq, bytes) {
      await store.put(segmentKey(key, seq), bytes, { contentType: 'application/octet-stream' });
    },
    async lastSegment(key) {
      return (await listSegments(store, key)).at(-1) ?? null;
    },
  };
}

export type MaterializeResult =
  | {
      readonly kind: 'rebuilt';
      readonly segments: number;
      /** The recorder shipped its final segment (the session closed or was handed over whole). */
      readonly final: boolean;
    }
  | { readonly kind: 'absent' };

/**
 * Rebuilds journal `key` from its segments in `dir` (emptied first: a retry starts afresh):
 * every piece written at its offset of its file, in segment order; session.json as the newest
 * segment carrying it has it. `absent` when no segment is stored (finalized and removed before,
 * or nothing was ever shipped). A segment that cannot be read fails the rebuild.
 */
export async function materializeShippedJournal(
  store: BlobStore,
  key: string,
  dir: string,
): Promise<MaterializeResult> {
  const seqs = await listSegments(store, key);
  if (seqs.length === 0) return { kind: 'absent' };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const fds = new Map<string, number>();
  let session: string | null = null;
  let final = false;
  try {
    for (const seq of seqs) {
      const parsed = parseJournalSegment(await store.get(segmentKey(key, seq)));
      if (!parsed.ok) throw new Error(`shipped journal ${key} segment ${seq}: ${parsed.reason}`);
      const segment = parsed.segment;
      if (segment.session !== undefined) session = segment.session;
      final ||= segment.final;
      for (const piece of segment.pieces) {
        let fd = fds.get(piece.file);
        if (fd === undefined) {
          fd = fs.openSync(path.join(dir, piece.file), 'w');
          fds.set(piece.file, fd);
        }
        let written = 0;
        while (written < piece.bytes.byteLength) {
          written += fs.writeSync(
            fd,
            piece.bytes,
            written,
            piece.bytes.byteLength - written,
            piece.offset + written,
          );
        }
      }
    }
  } finally {
    for (const fd of fds.values()) fs.closeSync(fd);
  }
  if (session !== null) fs.writeFileSync(path.join(dir, SESSION_FILE), session);
  return { kind: 'rebuilt', segments: seqs.length, final };
}

/** Whether any segment of journal `key` is stored. */
export async function hasShippedJournal(store: BlobStore, key: string): Promise<boolean> {
  return (await listSegments(store, key)).length > 0;
}

/** Removes every stored segment of journal `key` (the recording is stored). */
export async function deleteShippedJournal(store: BlobStore, key: string): Promise<void> {
  for (const seq of await listSegments(store, key)) await store.delete(segmentKey(key, seq));
}
