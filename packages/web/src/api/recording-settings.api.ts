// Call-recording settings of the Webex-compatible API (SPEC §9.1): the organisation, its locations
// and each person, workspace or virtual line, plus Callvault's external-vendor registry and the
// custom compliance announcement upload.
import { api } from './client.js';
import type {
  ComplianceAnnouncement,
  ComplianceAnnouncementUpdate,
  EntityCallRecording,
  EntityCallRecordingUpdate,
  LocationComplianceAnnouncement,
  LocationComplianceAnnouncementUpdate,
  LocationVendorUpdate,
  LocationVendors,
  OrgCallRecording,
  OrgCallRecordingUpdate,
  OrgVendorUpdate,
  OrgVendors,
  RecordingVendorCreate,
  RecordingVendorList,
  RecordingVendorWithHealth,
  UploadedAnnouncement,
} from '@callvault/shared';

/** Whose recording settings a form edits; each has its own Webex path. */
export type RecordableKind = 'person' | 'workspace' | 'virtualLine';

const ORG_BASE = '/v1/telephony/config/callRecording';

function locationBase(locationId: string): string {
  return `/v1/telephony/config/locations/${encodeURIComponent(locationId)}/callRecording`;
}

export function fetchOrgCallRecording(signal?: AbortSignal): Promise<OrgCallRecording> {
  return api.get(ORG_BASE, { signal });
}

/** Turning recording off needs `acknowledgeDisable: true`; the server refuses it otherwise. */
export function updateOrgCallRecording(update: OrgCallRecordingUpdate): Promise<void> {
  return api.put(ORG_BASE, { body: update });
}

export function fetchOrgVendors(signal?: AbortSignal): Promise<OrgVendors> {
  return api.get(`${ORG_BASE}/vendors`, { signal });
}

export function updateOrgVendor(update: OrgVendorUpdate): Promise<void> {
  return api.put(`${ORG_BASE}/vendor`, { body: update });
}

export function fetchOrgAnnouncement(signal?: AbortSignal): Promise<ComplianceAnnouncement> {
  return api.get(`${ORG_BASE}/complianceAnnouncement`, { signal });
}

export function updateOrgAnnouncement(update: ComplianceAnnouncementUpdate): Promise<void> {
  return api.put(`${ORG_BASE}/complianceAnnouncement`, { body: update });
}

/** Uploads a WAV as the org's custom announcement, or a location's when `locationId` is given. */
export function uploadCustomAnnouncement(
  file: Blob,
  fileName: string,
  locationId?: string,
): Promise<UploadedAnnouncement> {
  return api.post('/api/announcements/custom', {
    query: { fileName, locationId },
    body: file,
    contentType: 'audio/wav',
  });
}

export function fetchLocationVendors(
  locationId: string,
  signal?: AbortSignal,
): Promise<LocationVendors> {
  return api.get(`${locationBase(locationId)}/vendors`, { signal });
}

export function updateLocationVendor(
  locationId: string,
  update: LocationVendorUpdate,
): Promise<void> {
  return api.put(`${locationBase(locationId)}/vendor`, { body: update });
}

export function fetchLocationAnnouncement(
  locationId: string,
  signal?: AbortSignal,
): Promise<LocationComplianceAnnouncement> {
  return api.get(`${locationBase(locationId)}/complianceAnnouncement`, { signal });
}

export function updateLocationAnnouncement(
  locationId: string,
  update: LocationComplianceAnnouncementUpdate,
): Promise<void> {
  return api.put(`${locationBase(locationId)}/complianceAnnouncement`, { body: update });
}

/** The Webex path of an entity's settings: each kind has its own, as in Webex. */
export function entityRecordingPath(kind: RecordableKind, id: string): string {
  const safe = encodeURIComponent(id);
  switch (kind) {
    case 'person':
      return `/v1/people/${safe}/features/callRecording`;
    case 'workspace':
      return `/v1/telephony/config/workspaces/${safe}/features/callRecordings`;
    case 'virtualLine':
      return `/v1/telephony/config/virtualLines/${safe}/callRecording`;
  }
}

export function fetchEntityRecording(
  kind: RecordableKind,
  id: string,
  signal?: AbortSignal,
): Promise<EntityCallRecording> {
  return api.get(entityRecordingPath(kind, id), { signal });
}

export function updateEntityRecording(
  kind: RecordableKind,
  id: string,
  update: EntityCallRecordingUpdate,
): Promise<void> {
  return api.put(entityRecordingPath(kind, id), { body: update });
}

export async function listRecordingVendors(
  signal?: AbortSignal,
): Promise<RecordingVendorWithHealth[]> {
  const body = await api.get<RecordingVendorList>('/api/recording-vendors', { signal });
  return body.items;
}

export function createRecordingVendor(
  input: RecordingVendorCreate,
): Promise<RecordingVendorWithHealth> {
  return api.post('/api/recording-vendors', { body: input });
}

export function deleteRecordingVendor(id: string): Promise<void> {
  return api.delete(`/api/recording-vendors/${encodeURIComponent(id)}`);
}
