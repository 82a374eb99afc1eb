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
  title: 'People',
  description:
    'Everyone in your organisation who can make or receive calls, and what their licence allows to be recorded.',
  noun: { one: 'person', other: 'people' },
  searchPlaceholder: 'Name, email, extension or number',
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
  columns: (locations) => [
    {
      header: 'Name',
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
    { header: 'Email', cell: (p) => p.emails[0] ?? '—' },
    { header: 'Extension', cell: (p) => p.extension ?? '—', width: 110 },
    { header: 'Location', cell: (p) => locations.nameOf(p.locationId) },
    { header: 'Licence', cell: (p) => <LicenseBadge license={p.callingLicense} /> },
  ],
  emptyIcon: <IconPeople size={28} />,
  emptyTitle: 'No people yet',
  emptyText:
    'People added to your organisation through the Webex-compatible API (/v1/people) appear here with their extension, location and calling licence.',
};

export const WORKSPACES_LIST: RecordableList<WorkspaceList, Workspace> = {
  kind: 'workspace',
  name: 'workspaces',
  title: 'Workspaces',
  description:
    'Shared rooms and devices such as lobby phones and meeting rooms. A workspace needs a Professional licence to be recorded.',
  noun: { one: 'workspace', other: 'workspaces' },
  searchPlaceholder: 'Name, extension or number',
  fetchPage: listWorkspaces,
  rowsOf: (body) => body.items,
  searchFieldsOf: (w, locations) => [
    w.displayName,
    w.extension,
    ...w.phoneNumbers.map((n) => n.value),
    locations.nameOf(w.locationId),
  ],
  serverSearch: true,
  columns: (locations) => [
    { header: 'Name', cell: (w) => <Name>{w.displayName}</Name> },
    { header: 'Location', cell: (w) => locations.nameOf(w.locationId) },
    { header: 'Extension', cell: (w) => w.extension ?? '—', width: 110 },
    { header: 'Phone number', cell: (w) => w.phoneNumbers[0]?.value ?? '—' },
    { header: 'Announcement language', cell: (w) => formatLanguage(w.announcementLanguage) },
    { header: 'Licence', cell: (w) => <LicenseBadge license={w.callingLicense} /> },
  ],
  emptyIcon: <IconWorkspace size={28} />,
  emptyTitle: 'No workspaces yet',
  emptyText: 'Workspaces added through the Webex-compatible API (/v1/workspaces) appear here.',
};

export const VIRTUAL_LINES_LIST: RecordableList<VirtualLineList, VirtualLine> = {
  kind: 'virtualLine',
  name: 'virtualLines',
  title: 'Virtual lines',
  description:
    "Extra numbers and extensions that ring on people's devices without a user of their own; they can be recorded like a person.",
  noun: { one: 'virtual line', other: 'virtual lines' },
  searchPlaceholder: 'Name, extension or number',
  fetchPage: listVirtualLines,
  rowsOf: (body) => body.virtualLines,
  searchFieldsOf: (v) => [v.displayName, v.number.extension, v.number.external, v.location.name],
  serverSearch: true,
  columns: () => [
    { header: 'Name', cell: (v) => <Name>{v.displayName}</Name> },
    { header: 'Extension', cell: (v) => v.number.extension ?? '—', width: 110 },
    { header: 'Phone number', cell: (v) => v.number.external ?? '—' },
    { header: 'Location', cell: (v) => v.location.name },
  ],
  emptyIcon: <IconVirtualLine size={28} />,
  emptyTitle: 'No virtual lines yet',
  emptyText:
    'Virtual lines added through the Webex-compatible API (/v1/telephony/config/virtualLines) appear here.',
};

// One component per route, so leaving one list for another starts the next with a clear search.
export const PeoplePage = (): ReactNode => <RecordableListPage list={PEOPLE_LIST} />;
export const WorkspacesPage = (): ReactNode => <RecordableListPage list={WORKSPACES_LIST} />;
export const VirtualLinesPage = (): ReactNode => <RecordableListPage list={VIRTUAL_LINES_LIST} />;
