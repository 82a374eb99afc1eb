// Recording trunks (`/api/recording-trunks`): where SIPREC sessions may come from.
import { api } from './client.js';
import type { ItemsResponse, RecordingTrunk, RecordingTrunkInput } from './types.js';

export async function listRecordingTrunks(signal?: AbortSignal): Promise<RecordingTrunk[]> {
  const body = await api.get<ItemsResponse<RecordingTrunk>>('/api/recording-trunks', { signal });
  return body.items;
}

export function createRecordingTrunk(input: RecordingTrunkInput): Promise<RecordingTrunk> {
  return api.post('/api/recording-trunks', { body: input });
}

export function updateRecordingTrunk(
  id: string,
  input: RecordingTrunkInput,
): Promise<RecordingTrunk> {
  return api.put(`/api/recording-trunks/${encodeURIComponent(id)}`, { body: input });
}

export function deleteRecordingTrunk(id: string): Promise<void> {
  return api.delete(`/api/recording-trunks/${encodeURIComponent(id)}`);
}
