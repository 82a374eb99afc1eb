// Answers a download (storage/file-response.ts) over HTTP: 200 or 206 with Content-Range
// (RFC 9110 §14.4), Content-Length when known, Accept-Ranges, and Content-Disposition inline with
// the file's name; never cached (each read is authorised and audited).
import contentDisposition from 'content-disposition';
import type { FastifyReply } from 'fastify';
import type { FileResponse } from '../storage/file-response.js';

export function sendFileResponse(reply: FastifyReply, file: FileResponse): FastifyReply {
  reply
    .status(file.range ? 206 : 200)
    .header('cache-control', 'private, no-store')
    // RFC 6266: an ASCII filename for old clients and filename* with the UTF-8 name.
    .header('content-disposition', dispositionHeader(file.filename))
    .header('content-type', file.contentType);
  if (file.acceptRanges !== null) reply.header('accept-ranges', file.acceptRanges);
  if (file.range) {
    const { start, end, total } = file.range;
    reply.header('content-range', `bytes ${start}-${end}/${total}`);
  }
  if (file.size !== null) reply.header('content-length', String(file.size));
  return reply.send(file.stream);
}

/** The ASCII name for clients that ignore filename*: accents dropped, other letters replaced. */
export function asciiFallbackName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[–—]/g, '-')
    .replace(/[^\x20-\x7e]/g, '_');
}

/** `inline; filename="…"; filename*=UTF-8''…` (RFC 6266 with RFC 8187 encoding). */
export function dispositionHeader(filename: string): string {
  return contentDisposition(filename, { type: 'inline', fallback: asciiFallbackName(filename) });
}
