// Recordings: Callvault's search and bulk actions (`/api/recordings`) for administrators and
// compliance officers, and the Webex converged-recordings endpoints (`/v1/convergedRecordings`) for
// details, metadata and a person's own recordings (SPEC §7, §9.1).
import { api, type Page } from './client.js';
import type {
  CallDirection,
  ConvergedRecording,
  ConvergedRecordingDetails,
  ConvergedRecordingMetadata,
  EntityCallRecording,
  ItemsResponse,
  RecordingBulkRequest,
  RecordingBulkResult,
  RecordingOwnerType,
  RecordingSearchResult,
  RecordingStatus,
} from './types.js';

/** Rows per search page: the server's page of 100, continued by the `Link` header. */
export const RECORDINGS_PAGE_SIZE = 100;

/** What the Recordings page asks the server for; blank values mean "no filter". */
export interface RecordingSearchFilter {
  /** Owner name or email prefix. */
  readonly q?: string | undefined;
  /** ISO 8601, inclusive. */
  readonly from?: string | undefined;
  /** ISO 8601, exclusive. */
  readonly to?: string | undefined;
  readonly locationId?: string | undefined;
  readonly ownerType?: RecordingOwnerType | undefined;
  readonly status?: RecordingStatus | undefined;
  readonly topic?: string | undefined;
  readonly direction?: CallDirection | undefined;
}

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
export function changeRecordingsInBulk(
  request: RecordingBulkRequest,
): Promise<RecordingBulkResult> {
  return api.post('/api/recordings/bulk', { body: request });
}

/** Details, with temporary audio links only for those allowed to play and download. */
export function fetchRecordingDetails(
  id: string,
  signal?: AbortSignal,
): Promise<ConvergedRecordingDetails> {
  return api.get(`/v1/convergedRecordings/${encodeURIComponent(id)}`, { signal });
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
): Promise<Page<ItemsResponse<ConvergedRecording>>> {
  if (nextPath !== null) return api.getPage(nextPath, { signal });
  return api.getPage('/v1/convergedRecordings', {
    query: { ...window, max: RECORDINGS_PAGE_SIZE },
    signal,
  });
}

/** Moves the person's own recordings to the recycle bin. */
export function softDeleteMyRecordings(recordingIds: readonly string[]): Promise<void> {
  return api.post('/v1/convergedRecordings/softDelete', { body: { recordingIds } });
}

/** The signed-in person's recording settings, including what they may do with their recordings. */
export function fetchMyRecordingSettings(signal?: AbortSignal): Promise<EntityCallRecording> {
  return api.get('/v1/telephony/config/people/me/settings/callRecording', { signal });
}
