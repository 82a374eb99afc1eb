// Sharing recordings (SPEC §7): an owner shares with people of the org, recipients list what is
// shared with them, the owner, administrators and compliance officers list and revoke shares.
import { api } from './client.js';
import type {
  RecordingShare,
  RecordingShareList,
  ShareCreate,
  ShareRecipient,
  ShareRecipientList,
  SharedRecording,
  SharedRecordingList,
} from '@callvault/shared';

const sharesPath = (recordingId: string): string =>
  `/v1/convergedRecordings/${encodeURIComponent(recordingId)}/shares`;

export async function listSharedWithMe(signal?: AbortSignal): Promise<SharedRecording[]> {
  const list = await api.get<SharedRecordingList>('/v1/convergedRecordings/sharedWithMe', {
    signal,
  });
  return list.items;
}

/** People of the org whose name or email starts with `q`, for the share picker. */
export async function searchShareRecipients(
  q: string,
  signal?: AbortSignal,
): Promise<ShareRecipient[]> {
  const list = await api.get<ShareRecipientList>('/v1/convergedRecordings/shareRecipients', {
    query: { q },
    signal,
  });
  return list.items;
}

export function shareRecording(recordingId: string, body: ShareCreate): Promise<RecordingShare> {
  return api.post(sharesPath(recordingId), { body });
}

export async function listRecordingShares(
  recordingId: string,
  signal?: AbortSignal,
): Promise<RecordingShare[]> {
  const list = await api.get<RecordingShareList>(sharesPath(recordingId), { signal });
  return list.items;
}

export function revokeRecordingShare(recordingId: string, shareId: string): Promise<void> {
  return api.delete(`${sharesPath(recordingId)}/${encodeURIComponent(shareId)}`);
}
