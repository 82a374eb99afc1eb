// Query keys and options of the call-recording pages, in one place so a change on one page
// refreshes what the others show (a new vendor appears in every location's list, for example).
import { queryOptions } from '@tanstack/react-query';
import {
  fetchEntityRecording,
  fetchLocationAnnouncement,
  fetchLocationVendors,
  fetchOrgAnnouncement,
  fetchOrgCallRecording,
  fetchOrgVendors,
} from '../../../api/recording-settings.api.js';
import type { RecordableKind } from '../../../api/recording-settings.api.js';

export const callRecordingKeys = {
  all: ['callRecording'] as const,
  org: ['callRecording', 'org'] as const,
  orgVendors: ['callRecording', 'org', 'vendors'] as const,
  orgAnnouncement: ['callRecording', 'org', 'announcement'] as const,
  location: (id: string) => ['callRecording', 'location', id] as const,
  entity: (kind: RecordableKind, id: string) => ['callRecording', 'entity', kind, id] as const,
};

export const orgCallRecordingQuery = queryOptions({
  queryKey: callRecordingKeys.org,
  queryFn: ({ signal }) => fetchOrgCallRecording(signal),
});

export const orgVendorsQuery = queryOptions({
  queryKey: callRecordingKeys.orgVendors,
  queryFn: ({ signal }) => fetchOrgVendors(signal),
});

export const orgAnnouncementQuery = queryOptions({
  queryKey: callRecordingKeys.orgAnnouncement,
  queryFn: ({ signal }) => fetchOrgAnnouncement(signal),
});

export function locationVendorsQuery(locationId: string) {
  return queryOptions({
    queryKey: [...callRecordingKeys.location(locationId), 'vendors'],
    queryFn: ({ signal }) => fetchLocationVendors(locationId, signal),
  });
}

export function locationAnnouncementQuery(locationId: string) {
  return queryOptions({
    queryKey: [...callRecordingKeys.location(locationId), 'announcement'],
    queryFn: ({ signal }) => fetchLocationAnnouncement(locationId, signal),
  });
}

export function entityRecordingQuery(kind: RecordableKind, id: string) {
  return queryOptions({
    queryKey: callRecordingKeys.entity(kind, id),
    queryFn: ({ signal }) => fetchEntityRecording(kind, id, signal),
    // A form starts from what the server holds now, not from a cached copy.
    staleTime: 0,
  });
}
