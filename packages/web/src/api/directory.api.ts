// The org directory of the Webex-compatible API (`/v1`): people, workspaces, virtual lines and
// locations, as Control Hub lists them.
import { api, type Page } from './client.js';
import type {
  Location,
  LocationList,
  Person,
  PersonList,
  VirtualLine,
  VirtualLineList,
  Workspace,
  WorkspaceList,
} from '@callvault/shared';

/** How many rows one request asks for; further pages follow the `Link` header. */
export const PAGE_SIZE = 100;

export interface DirectoryFilter {
  readonly displayName?: string | undefined;
  readonly email?: string | undefined;
  readonly locationId?: string | undefined;
}

/** One page of people; pass the previous page's `nextPath` to continue. */
export function listPeople(
  filter: DirectoryFilter,
  nextPath: string | null,
  signal?: AbortSignal,
): Promise<Page<PersonList>> {
  if (nextPath !== null) return api.getPage(nextPath, { signal });
  return api.getPage('/v1/people', { query: { ...filter, max: PAGE_SIZE }, signal });
}

export function listWorkspaces(
  filter: DirectoryFilter,
  nextPath: string | null,
  signal?: AbortSignal,
): Promise<Page<WorkspaceList>> {
  if (nextPath !== null) return api.getPage(nextPath, { signal });
  const { displayName, locationId } = filter;
  return api.getPage('/v1/workspaces', {
    query: { displayName, locationId, max: PAGE_SIZE },
    signal,
  });
}

export function listVirtualLines(
  filter: DirectoryFilter,
  nextPath: string | null,
  signal?: AbortSignal,
): Promise<Page<VirtualLineList>> {
  if (nextPath !== null) return api.getPage(nextPath, { signal });
  // The virtual-lines list names its display-name prefix filter `name`.
  return api.getPage('/v1/telephony/config/virtualLines', {
    query: { name: filter.displayName, locationId: filter.locationId, max: PAGE_SIZE },
    signal,
  });
}

/** Every location of the org: few enough to load whole, and needed to name other rows' location. */
export async function listLocations(signal?: AbortSignal): Promise<Location[]> {
  const locations: Location[] = [];
  let page = await api.getPage<LocationList>('/v1/locations', {
    query: { max: 1000 },
    signal,
  });
  locations.push(...page.body.items);
  while (page.nextPath !== null) {
    page = await api.getPage<LocationList>(page.nextPath, { signal });
    locations.push(...page.body.items);
  }
  return locations;
}

export function fetchPerson(id: string, signal?: AbortSignal): Promise<Person> {
  return api.get(`/v1/people/${encodeURIComponent(id)}`, { signal });
}

export function fetchWorkspace(id: string, signal?: AbortSignal): Promise<Workspace> {
  return api.get(`/v1/workspaces/${encodeURIComponent(id)}`, { signal });
}

export function fetchVirtualLine(id: string, signal?: AbortSignal): Promise<VirtualLine> {
  return api.get(`/v1/telephony/config/virtualLines/${encodeURIComponent(id)}`, { signal });
}

export function fetchLocation(id: string, signal?: AbortSignal): Promise<Location> {
  return api.get(`/v1/locations/${encodeURIComponent(id)}`, { signal });
}
