// Recording trunks (`/api/recording-trunks`): where SIPREC sessions may come from.
import { api } from './client.js';
import type { RecordingTrunk, RecordingTrunkCreate, RecordingTrunkList } from '@callvault/shared';

export async function listRecordingTrunks(signal?: AbortSignal): Promise<RecordingTrunk[]> {
  const body = await api.get<RecordingTrunkList>('/api/recording-trunks', { signal });
  return body.items;
}

export function createRecordingTrunk(input: RecordingTrunkCreate): Promise<RecordingTrunk> {
  return api.post('/api/recording-trunks', { body: input });
}

export function updateRecordingTrunk(
  id: string,
  input: RecordingTrunkCreate,
): Promise<RecordingTrunk> {
  return api.put(`/api/recording-trunks/${encodeURIComponent(id)}`, { body: input });
}

export function deleteRecordingTrunk(id: string): Promise<void> {
  return api.delete(`/api/recording-trunks/${encodeURIComponent(id)}`);
}
