// Rendering a captured session: journals → aligned PCM, one channel per stream. The stages, each
// in its own file: read-journal → align (channel order, rate, origin) → decode each stream onto
// its channel. Cutting by the owners' actions (cut-recording.ts) and interleaving for an encoder
// (interleave.ts) follow per recording.
import type { CaptureSessionFile } from '../capture/capture-journal.js';
import { alignStreams, createAlignedChannels } from './align-streams.js';
import { decodeStream, type DecodedStream } from './decode-stream.js';
import { readStreamJournal, type JournalStream } from './read-journal.js';

export interface RenderedSession {
  readonly sampleRate: number;
  /** One PCM channel per stream, in `order`. */
  readonly channels: Int16Array[];
  readonly order: readonly DecodedStream[];
  readonly originMs: number;
  readonly truncatedBytes: number;
}

/** Decodes every stream of a journal directory onto one timeline. */
export function renderCapturedSession(dir: string, session: CaptureSessionFile): RenderedSession {
  return renderJournalStreams(
    session,
    session.streams.map((info) => readStreamJournal(dir, info)),
  );
}

/** Decodes journals already opened onto one timeline. */
export function renderJournalStreams(
  session: Pick<CaptureSessionFile, 'owners' | 'senders' | 'startedAt'>,
  streams: readonly JournalStream[],
): RenderedSession {
  const alignment = alignStreams(session, streams);
  const aligned = createAlignedChannels(alignment);
  const order = alignment.streams.map((stream, channel) =>
    decodeStream(stream, alignment.originMs, (frame) => aligned.place(channel, frame)),
  );
  return {
    sampleRate: alignment.sampleRate,
    channels: aligned.channels(),
    order,
    originMs: alignment.originMs,
    truncatedBytes: alignment.streams.reduce((n, s) => n + s.summary.truncatedBytes, 0),
  };
}
