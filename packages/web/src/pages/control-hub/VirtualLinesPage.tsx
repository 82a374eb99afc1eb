import { Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { listVirtualLines } from '../../api/directory.api.js';
import type { VirtualLine } from '@callvault/shared';
import { DirectoryListView, type Column } from '../../components/DirectoryListView.js';
import { PageHeader } from '../../components/PageHeader.js';
import { RouterButton } from '../../components/RouterLinks.js';
import { IconCallRecording, IconVirtualLine } from '../../components/icons.js';
import { useDirectoryList } from '../../lib/use-directory-list.js';
import { useLocations } from '../../lib/use-locations.js';

export function VirtualLinesPage(): ReactNode {
  const [term, setTerm] = useState('');
  const [settledTerm] = useDebouncedValue(term, 300);
  const [locationId, setLocationId] = useState<string | null>(null);
  const locations = useLocations();

  const list = useDirectoryList({
    name: 'virtualLines',
    fetchPage: listVirtualLines,
    rowsOf: (body) => body.virtualLines,
    searchFieldsOf: (v: VirtualLine) => [
      v.displayName,
      v.number.extension,
      v.number.external,
      v.location.name,
    ],
    // The virtual-lines list has no name filter in the API: the search box works on loaded rows.
    serverSearch: false,
    locationId,
    term,
    settledTerm,
  });

  const columns: Column<VirtualLine>[] = [
    {
      header: 'Name',
      cell: (v) => (
        <Text size="sm" fw={500}>
          {v.displayName}
        </Text>
      ),
    },
    { header: 'Extension', cell: (v) => v.number.extension ?? '—', width: 110 },
    { header: 'Phone number', cell: (v) => v.number.external ?? '—' },
    { header: 'Location', cell: (v) => v.location.name },
    {
      header: '',
      width: 150,
      cell: (v) => (
        <RouterButton
          to="/control-hub/virtual-lines/$virtualLineId/call-recording"
          params={{ virtualLineId: v.id }}
          variant="default"
          size="compact-sm"
          leftSection={<IconCallRecording size={14} />}
          aria-label={`Call recording settings of ${v.displayName}`}
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
        title="Virtual lines"
        description="Extra numbers and extensions that ring on people's devices without a user of their own; they can be recorded like a person."
      />
      <DirectoryListView
        noun={{ one: 'virtual line', other: 'virtual lines' }}
        searchLabel="Search virtual lines"
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
        rowKey={(v) => v.id}
        emptyIcon={<IconVirtualLine size={28} />}
        emptyTitle="No virtual lines yet"
        emptyText="Virtual lines added through the Webex-compatible API (/v1/telephony/config/virtualLines) appear here."
      />
    </>
  );
}
