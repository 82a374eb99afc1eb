import { Badge, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { listPeople } from '../../api/directory.api.js';
import type { CallingLicense, Person } from '@callvault/shared';
import { DirectoryListView, type Column } from '../../components/DirectoryListView.js';
import { PageHeader } from '../../components/PageHeader.js';
import { RouterButton } from '../../components/RouterLinks.js';
import { IconCallRecording, IconPeople } from '../../components/icons.js';
import { LICENSE_LABELS } from '../../lib/format.js';
import { useDirectoryList } from '../../lib/use-directory-list.js';
import { useLocations } from '../../lib/use-locations.js';

const LICENSE_COLORS: Readonly<Record<CallingLicense, string>> = {
  professional: 'teal',
  basic: 'blue',
  none: 'gray',
};

export function LicenseBadge({ license }: { readonly license: CallingLicense }): ReactNode {
  return (
    <Badge variant="light" color={LICENSE_COLORS[license]} radius="sm" tt="none" size="md">
      {LICENSE_LABELS[license]}
    </Badge>
  );
}

export function PeoplePage(): ReactNode {
  const [term, setTerm] = useState('');
  const [settledTerm] = useDebouncedValue(term, 300);
  const [locationId, setLocationId] = useState<string | null>(null);
  const locations = useLocations();

  const list = useDirectoryList({
    name: 'people',
    fetchPage: listPeople,
    rowsOf: (body) => body.items,
    searchFieldsOf: (p: Person) => [
      p.displayName,
      ...p.emails,
      p.extension,
      ...p.phoneNumbers.map((n) => n.value),
      locations.nameOf(p.locationId),
    ],
    serverSearch: true,
    locationId,
    term,
    settledTerm,
  });

  const columns: Column<Person>[] = [
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
    {
      header: '',
      width: 150,
      cell: (p) => (
        <RouterButton
          to="/control-hub/people/$personId/call-recording"
          params={{ personId: p.id }}
          variant="default"
          size="compact-sm"
          leftSection={<IconCallRecording size={14} />}
          aria-label={`Call recording settings of ${p.displayName}`}
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
        title="People"
        description="Everyone in your organisation who can make or receive calls, and what their licence allows to be recorded."
      />
      <DirectoryListView
        noun={{ one: 'person', other: 'people' }}
        searchLabel="Search people"
        searchPlaceholder="Name, email, extension or number"
        term={term}
        onTermChange={setTerm}
        locationFilter={{
          locations: locations.locations,
          value: locationId,
          onChange: setLocationId,
        }}
        list={list}
        columns={columns}
        rowKey={(p) => p.id}
        emptyIcon={<IconPeople size={28} />}
        emptyTitle="No people yet"
        emptyText="People added to your organisation through the Webex-compatible API (/v1/people) appear here with their extension, location and calling licence."
      />
    </>
  );
}
