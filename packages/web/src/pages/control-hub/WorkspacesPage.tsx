import { Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { listWorkspaces } from '../../api/directory.api.js';
import type { Workspace } from '@callvault/shared';
import { DirectoryListView, type Column } from '../../components/DirectoryListView.js';
import { PageHeader } from '../../components/PageHeader.js';
import { RouterButton } from '../../components/RouterLinks.js';
import { IconCallRecording, IconWorkspace } from '../../components/icons.js';
import { formatLanguage } from '../../lib/format.js';
import { useDirectoryList } from '../../lib/use-directory-list.js';
import { useLocations } from '../../lib/use-locations.js';
import { LicenseBadge } from './PeoplePage.js';

export function WorkspacesPage(): ReactNode {
  const [term, setTerm] = useState('');
  const [settledTerm] = useDebouncedValue(term, 300);
  const [locationId, setLocationId] = useState<string | null>(null);
  const locations = useLocations();

  const list = useDirectoryList({
    name: 'workspaces',
    fetchPage: listWorkspaces,
    rowsOf: (body) => body.items,
    searchFieldsOf: (w: Workspace) => [
      w.displayName,
      w.extension,
      ...w.phoneNumbers.map((n) => n.value),
      locations.nameOf(w.locationId),
    ],
    serverSearch: true,
    locationId,
    term,
    settledTerm,
  });

  const columns: Column<Workspace>[] = [
    {
      header: 'Name',
      cell: (w) => (
        <Text size="sm" fw={500}>
          {w.displayName}
        </Text>
      ),
    },
    { header: 'Location', cell: (w) => locations.nameOf(w.locationId) },
    { header: 'Extension', cell: (w) => w.extension ?? '—', width: 110 },
    { header: 'Phone number', cell: (w) => w.phoneNumbers[0]?.value ?? '—' },
    { header: 'Announcement language', cell: (w) => formatLanguage(w.announcementLanguage) },
    { header: 'Licence', cell: (w) => <LicenseBadge license={w.callingLicense} /> },
    {
      header: '',
      width: 150,
      cell: (w) => (
        <RouterButton
          to="/control-hub/workspaces/$workspaceId/call-recording"
          params={{ workspaceId: w.id }}
          variant="default"
          size="compact-sm"
          leftSection={<IconCallRecording size={14} />}
          aria-label={`Call recording settings of ${w.displayName}`}
        >
          Call recording
        </RouterButton>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        eyebrow="Control Hub"
        title="Workspaces"
        description="Shared rooms and devices such as lobby phones and meeting rooms. A workspace needs a Professional licence to be recorded."
      />
      <DirectoryListView
        noun={{ one: 'workspace', other: 'workspaces' }}
        searchLabel="Search workspaces"
        searchPlaceholder="Name, extension or number"
        term={term}
        onTermChange={setTerm}
        locationFilter={{
          locations: locations.locations,
          value: locationId,
          onChange: setLocationId,
        }}
        list={list}
        columns={columns}
        rowKey={(w) => w.id}
        emptyIcon={<IconWorkspace size={28} />}
        emptyTitle="No workspaces yet"
        emptyText="Workspaces added through the Webex-compatible API (/v1/workspaces) appear here."
      />
    </>
  );
}
