// Test helper: a writable stream that keeps what a pino logger writes, one entry per line.
import { Writable } from 'node:stream';

/** A pino destination that keeps each written line. */
export function captureLines(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}
