// People, workspaces and virtual lines as Control Hub lists them: each one's API call, columns and
// words for the one list page (RecordableListPage).
import type {
  Person,
  PersonList,
  VirtualLine,
  VirtualLineList,
  Workspace,
  WorkspaceList,
} from '@callvault/shared';
import { Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { listPeople, listVirtualLines, listWorkspaces } from '../../api/directory.api.js';
import { LicenseBadge } from '../../components/LicenseBadge.js';
import { IconPeople, IconVirtualLine, IconWorkspace } from '../../components/icons.js';
import { formatLanguage } from '../../lib/format.js';
import { RecordableListPage, type RecordableList } from './RecordableListPage.js';

function Name({ children }: { readonly children: string }): ReactNode {
  return (
    <Text size="sm" fw={500}>
      {children}
    </Text>
  );
}

export const PEOPLE_LIST: RecordableList<PersonList, Person> = {
  kind: 'person',
  name: 'people',
  fetchPage: listPeople,
  rowsOf: (body) => body.items,
  searchFieldsOf: (p, locations) => [
    p.displayName,
    ...p.emails,
    p.extension,
    ...p.phoneNumbers.map((n) => n.value),
    locations.nameOf(p.locationId),
  ],
  serverSearch: true,
  columns: (locations, t) => [
    {
      header: t('column.name'),
      cell: (p) => (
        <Stack gap={0}>
          <Text size="sm" fw={500}>
            {p.displayName}
          </Text>
          {p.phoneNumbers[0] && (
            <Text size="xs" c="dimmed">
              {p.phoneNumbers[0].value}
            </Text>
          )}
        </Stack>
      ),
    },
    { header: t('column.email'), cell: (p) => p.emails[0] ?? '—' },
    { header: t('column.extension'), cell: (p) => p.extension ?? '—', width: 110 },
    { header: t('column.location'), cell: (p) => locations.nameOf(p.locationId) },
    { header: t('column.licence'), cell: (p) => <LicenseBadge license={p.callingLicense} /> },
  ],
  emptyIcon: <IconPeople size={28} />,
};

export const WORKSPACES_LIST: RecordableList<WorkspaceList, Workspace> = {
  kind: 'workspace',
  name: 'workspaces',
  fetchPage: listWorkspaces,
  rowsOf: (body) => body.items,
  searchFieldsOf: (w, locations) => [
    w.displayName,
    w.extension,
    ...w.phoneNumbers.map((n) => n.value),
    locations.nameOf(w.locationId),
  ],
  serverSearch: true,
  columns: (locations, t) => [
    { header: t('column.name'), cell: (w) => <Name>{w.displayName}</Name> },
    { header: t('column.location'), cell: (w) => locations.nameOf(w.locationId) },
    { header: t('column.extension'), cell: (w) => w.extension ?? '—', width: 110 },
    { header: t('column.phoneNumber'), cell: (w) => w.phoneNumbers[0]?.value ?? '—' },
    {
      header: t('column.announcementLanguage'),
      cell: (w) => formatLanguage(w.announcementLanguage),
    },
    { header: t('column.licence'), cell: (w) => <LicenseBadge license={w.callingLicense} /> },
  ],
  emptyIcon: <IconWorkspace size={28} />,
};

export const VIRTUAL_LINES_LIST: RecordableList<VirtualLineList, VirtualLine> = {
  kind: 'virtualLine',
  name: 'virtualLines',
  fetchPage: listVirtualLines,
  rowsOf: (body) => body.virtualLines,
  searchFieldsOf: (v) => [v.displayName, v.number.extension, v.number.external, v.location.name],
  serverSearch: true,
  columns: (_locations, t) => [
    { header: t('column.name'), cell: (v) => <Name>{v.displayName}</Name> },
    { header: t('column.extension'), cell: (v) => v.number.extension ?? '—', width: 110 },
    { header: t('column.phoneNumber'), cell: (v) => v.number.external ?? '—' },
    { header: t('column.location'), cell: (v) => v.location.name },
  ],
  emptyIcon: <IconVirtualLine size={28} />,
};

// One component per route, so leaving one list for another starts the next with a clear search.
export const PeoplePage = (): ReactNode => <RecordableListPage list={PEOPLE_LIST} />;
export const WorkspacesPage = (): ReactNode => <RecordableListPage list={WORKSPACES_LIST} />;
export const VirtualLinesPage = (): ReactNode => <RecordableListPage list={VIRTUAL_LINES_LIST} />;
