import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useState, type ReactNode } from 'react';
import type { Location } from '@callvault/shared';
import { DirectoryListView, type Column } from '../../components/DirectoryListView.js';
import { PageHeader } from '../../components/PageHeader.js';
import { RouterButton } from '../../components/RouterLinks.js';
import { IconCallRecording, IconLocation } from '../../components/icons.js';
import { formatLanguage } from '../../lib/format.js';
import { matchesSearch } from '../../lib/search.js';
import { useLocations } from '../../lib/use-locations.js';

export function LocationsPage(): ReactNode {
  const { t } = useTranslation('controlHub');
  const [term, setTerm] = useState('');
  const locations = useLocations();
  // Locations load whole (an org has few), so the search box filters them in the browser.
  const rows = locations.locations.filter((l) =>
    matchesSearch(term, [l.name, l.timeZone, formatLanguage(l.announcementLanguage)]),
  );

  const columns: Column<Location>[] = [
    {
      header: t('column.name'),
      cell: (l) => (
        <Text size="sm" fw={500}>
          {l.name}
        </Text>
      ),
    },
    { header: t('column.timeZone'), cell: (l) => l.timeZone },
    {
      header: t('column.announcementLanguage'),
      cell: (l) => formatLanguage(l.announcementLanguage),
    },
    {
      header: '',
      width: 150,
      cell: (l) => (
        <RouterButton
          to="/control-hub/locations/$locationId/call-recording"
          params={{ locationId: l.id }}
          variant="default"
          size="compact-sm"
          leftSection={<IconCallRecording size={14} />}
          aria-label={t('callRecordingOf', { name: l.name })}
        >
          {t('callRecording')}
        </RouterButton>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        eyebrow={t('eyebrow')}
        title={t('locations.title')}
        description={t('locations.description')}
      />
      <DirectoryListView
        kind="locations"
        term={term}
        onTermChange={setTerm}
        list={{
          rows,
          loadedCount: locations.locations.length,
          isPending: locations.isPending,
          isSearching: false,
          error: locations.error,
          hasNextPage: false,
          isFetchingNextPage: false,
          fetchNextPage: () => undefined,
          refetch: locations.refetch,
        }}
        columns={columns}
        rowKey={(l) => l.id}
        emptyIcon={<IconLocation size={28} />}
      />
    </>
  );
}
