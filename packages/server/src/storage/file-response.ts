// A download as a value: what to send and how to describe it, with no HTTP in it. The route turns
// it into a response (http/file-reply.ts: status, Content-Range, Content-Disposition, …).
import { Readable } from 'node:stream';

export interface FileResponse {
  readonly stream: Readable;
  /** Bytes in `stream`, or null when not known before it ends (a conversion). */
  readonly size: number | null;
  readonly contentType: string;
  /** The name a client saves it under. */
  readonly filename: string;
  /** Whether the client may ask for byte ranges of this file; null says nothing. */
  readonly acceptRanges: 'bytes' | 'none' | null;
  /** Set when `stream` is one byte range (inclusive ends) of a file of `total` bytes. */
  readonly range: { readonly start: number; readonly end: number; readonly total: number } | null;
}

/** A byte range the file cannot satisfy: `size` is the whole file's. */
export interface UnsatisfiableRange {
  readonly unsatisfiable: true;
  readonly size: number;
}

/**
 * Reads the first part of `stream` before anything is answered, so a read that fails at once (a
 * hash that does not match, held back with the last part) fails before a status is sent; the
 * returned stream yields everything, that part first.
 */
export async function primeStream(stream: Readable): Promise<Readable> {
  const parts = stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const first = await parts.next();
  async function* all(): AsyncGenerator<Uint8Array> {
    try {
      if (first.done === true) return;
      yield first.value;
      for (let next = await parts.next(); next.done !== true; next = await parts.next()) {
        yield next.value;
      }
    } finally {
      // A client that goes away stops the read underneath as well.
      await parts.return?.();
    }
  }
  return Readable.from(all());
}
