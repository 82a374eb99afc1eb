// Changing the org directory (`/v1` people, workspaces, virtual lines, locations and call
// features) and setting a person's console password (`/api/people/{id}/password`).
import type {
  AdminSetPasswordBody,
  AdminSetPasswordResult,
  CallFeature,
  CallFeatureCreate,
  CallFeatureKind,
  CallFeatureUpdate,
  Location,
  Person,
  PersonCreate,
  PersonUpdate,
  VirtualLine,
  VirtualLineCreate,
  VirtualLineUpdate,
  Workspace,
  WorkspaceCreate,
  WorkspaceUpdate,
} from '@callvault/shared';
import { api } from './client.js';

const enc = encodeURIComponent;

export interface LocationBody {
  readonly name?: string;
  readonly timeZone?: string;
  readonly announcementLanguage?: string;
  readonly address?: { readonly country?: string };
}

export const createLocation = (body: LocationBody): Promise<Location> =>
  api.post('/v1/locations', { body });
export const updateLocation = (id: string, body: LocationBody): Promise<Location> =>
  api.put(`/v1/locations/${enc(id)}`, { body });
export const deleteLocation = (id: string): Promise<void> => api.delete(`/v1/locations/${enc(id)}`);

export const createPerson = (body: PersonCreate): Promise<Person> =>
  api.post('/v1/people', { body });
export const updatePerson = (id: string, body: PersonUpdate): Promise<Person> =>
  api.put(`/v1/people/${enc(id)}`, { body });
export const deletePerson = (id: string): Promise<void> => api.delete(`/v1/people/${enc(id)}`);

export const setPersonPassword = (
  id: string,
  body: AdminSetPasswordBody,
): Promise<AdminSetPasswordResult> => api.post(`/api/people/${enc(id)}/password`, { body });

export const createWorkspace = (body: WorkspaceCreate): Promise<Workspace> =>
  api.post('/v1/workspaces', { body });
export const updateWorkspace = (id: string, body: WorkspaceUpdate): Promise<Workspace> =>
  api.put(`/v1/workspaces/${enc(id)}`, { body });
export const deleteWorkspace = (id: string): Promise<void> =>
  api.delete(`/v1/workspaces/${enc(id)}`);

const VL = '/v1/telephony/config/virtualLines';
export const createVirtualLine = (body: VirtualLineCreate): Promise<VirtualLine> =>
  api.post(VL, { body });
export const updateVirtualLine = (id: string, body: VirtualLineUpdate): Promise<VirtualLine> =>
  api.put(`${VL}/${enc(id)}`, { body });
export const deleteVirtualLine = (id: string): Promise<void> => api.delete(`${VL}/${enc(id)}`);

const featuresPath = (locationId: string, kind: CallFeatureKind): string =>
  `/v1/telephony/config/locations/${enc(locationId)}/${kind}`;

/** The call features of one kind at one location (Webex answers `{ [kind]: [...] }`). */
export async function listCallFeatures(
  locationId: string,
  kind: CallFeatureKind,
  signal?: AbortSignal,
): Promise<CallFeature[]> {
  const body = await api.get<Record<string, CallFeature[] | undefined>>(
    featuresPath(locationId, kind),
    { signal },
  );
  return body[kind] ?? [];
}
export const createCallFeature = (
  locationId: string,
  kind: CallFeatureKind,
  body: CallFeatureCreate,
): Promise<CallFeature> => api.post(featuresPath(locationId, kind), { body });
export const updateCallFeature = (
  locationId: string,
  kind: CallFeatureKind,
  id: string,
  body: CallFeatureUpdate,
): Promise<CallFeature> => api.put(`${featuresPath(locationId, kind)}/${enc(id)}`, { body });
export const deleteCallFeature = (
  locationId: string,
  kind: CallFeatureKind,
  id: string,
): Promise<void> => api.delete(`${featuresPath(locationId, kind)}/${enc(id)}`);
