// Recordings: Callvault's search and bulk actions (`/api/recordings`) for administrators and
// compliance officers, and the Webex converged-recordings endpoints (`/v1/convergedRecordings`) for
// details, metadata and a person's own recordings (SPEC §7, §9.1).
import { isTranscriptDocument, type TranscriptDocument } from '../lib/transcript.js';
import { api, type Page } from './client.js';
import type {
  ConvergedRecordingDetails,
  ConvergedRecordingList,
  ConvergedRecordingMetadata,
  EntityCallRecording,
  ForwardedCall,
  ForwardedCallList,
  RecordingBulkBody,
  RecordingBulkResult,
  RecordingPeaks,
  RecordingSearchQuery,
  RecordingSearchResult,
  SoftDeleteBody,
} from '@callvault/shared';

/** Rows per search page: the server's page of 100, continued by the `Link` header. */
export const RECORDINGS_PAGE_SIZE = 100;

/** What the Recordings page asks the server for; blank values mean "no filter". */
export type RecordingSearchFilter = Pick<
  RecordingSearchQuery,
  'q' | 'from' | 'to' | 'locationId' | 'ownerType' | 'status' | 'topic' | 'direction' | 'transcript'
>;

/** One page of the org's recordings, newest first; pass the previous page's `nextPath` to go on. */
export function searchRecordings(
  filter: RecordingSearchFilter,
  nextPath: string | null,
  signal?: AbortSignal,
): Promise<Page<RecordingSearchResult>> {
  if (nextPath !== null) return api.getPage(nextPath, { signal });
  return api.getPage('/api/recordings', {
    query: { ...filter, max: RECORDINGS_PAGE_SIZE },
    signal,
  });
}

/** One action on up to 200 recordings; the server applies what it may and reports the rest. */
export function changeRecordingsInBulk(request: RecordingBulkBody): Promise<RecordingBulkResult> {
  return api.post('/api/recordings/bulk', { body: request });
}

/** Details, with temporary audio links only for those allowed to play and download. */
export function fetchRecordingDetails(
  id: string,
  signal?: AbortSignal,
): Promise<ConvergedRecordingDetails> {
  return api.get(`/v1/convergedRecordings/${encodeURIComponent(id)}`, { signal });
}

/**
 * The transcript behind the details' `transcriptDownloadLink`, as JSON. The link is signed and
 * authorised again by the server (administrators never get one; users per their access settings).
 */
export async function fetchTranscriptDocument(
  link: string,
  signal?: AbortSignal,
): Promise<TranscriptDocument> {
  const url = new URL(link, window.location.href);
  url.searchParams.set('format', 'json');
  const response = await fetch(url.toString(), { signal, credentials: 'same-origin' });
  if (!response.ok) {
    throw new Error(`The transcript could not be loaded (HTTP ${response.status})`);
  }
  const body: unknown = await response.json();
  if (!isTranscriptDocument(body)) throw new Error('The transcript is not in the expected form');
  return body;
}

export function fetchRecordingMetadata(
  id: string,
  signal?: AbortSignal,
): Promise<ConvergedRecordingMetadata> {
  return api.get(`/v1/convergedRecordings/${encodeURIComponent(id)}/metadata`, { signal });
}

/** The signed-in person's own recordings (Webex allows a window of at most 30 days). */
export function listMyRecordings(
  window: { readonly from: string; readonly to: string },
  nextPath: string | null,
  signal?: AbortSignal,
): Promise<Page<ConvergedRecordingList>> {
  if (nextPath !== null) return api.getPage(nextPath, { signal });
  return api.getPage('/v1/convergedRecordings', {
    query: { ...window, max: RECORDINGS_PAGE_SIZE },
    signal,
  });
}

/** Moves the person's own recordings to the recycle bin. */
export function softDeleteMyRecordings(recordingIds: readonly string[]): Promise<void> {
  const body: SoftDeleteBody = { recordingIds: [...recordingIds] };
  return api.post('/v1/convergedRecordings/softDelete', { body });
}

/** The signed-in person's recording settings, including what they may do with their recordings. */
export function fetchMyRecordingSettings(signal?: AbortSignal): Promise<EntityCallRecording> {
  return api.get('/v1/telephony/config/people/me/settings/callRecording', { signal });
}

/** A recording's waveform, precomputed on the server (`GET /api/recordings/{id}/peaks`). */
export function fetchRecordingPeaks(id: string, signal?: AbortSignal): Promise<RecordingPeaks> {
  return api.get(`/api/recordings/${encodeURIComponent(id)}/peaks`, { signal });
}

/**
 * Calls forwarded to an external recorder in a window, newest first (`/api/forwarded-calls`):
 * catalogue entries without audio; the org's for administrators and compliance officers.
 */
export async function listForwardedCalls(
  window: { from?: string | undefined; to?: string | undefined },
  signal?: AbortSignal,
): Promise<ForwardedCall[]> {
  const body = await api.get<ForwardedCallList>('/api/forwarded-calls', {
    query: { ...window, max: 100 },
    signal,
  });
  return body.items;
}
