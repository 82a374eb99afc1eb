// Answers a download (storage/file-response.ts) over HTTP: 200 or 206 with Content-Range
// (RFC 9110 §14.4), Content-Length when known, Accept-Ranges, and Content-Disposition inline with
// the file's name; never cached (each read is authorised and audited).
import type { FastifyReply } from 'fastify';
import type { FileResponse } from '../storage/file-response.js';

export function sendFileResponse(reply: FastifyReply, file: FileResponse): FastifyReply {
  reply
    .status(file.range ? 206 : 200)
    .header('cache-control', 'private, no-store')
    .header('content-disposition', `inline; filename="${file.filename}"`)
    .header('content-type', file.contentType);
  if (file.acceptRanges !== null) reply.header('accept-ranges', file.acceptRanges);
  if (file.range) {
    const { start, end, total } = file.range;
    reply.header('content-range', `bytes ${start}-${end}/${total}`);
  }
  if (file.size !== null) reply.header('content-length', String(file.size));
  return reply.send(file.stream);
}
