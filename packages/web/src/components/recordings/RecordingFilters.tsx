// The Recordings page's filters beyond the owner box: dates (last 7 days by default), location,
// owner type, status, topic, direction and, for compliance officers, words said in the call.
import { useTranslation } from 'react-i18next';
import type {
  CallDirection,
  Location,
  RecordingOwnerType,
  RecordingStatus,
  Role,
} from '@callvault/shared';
import { Button, Collapse, Group, Select, SimpleGrid, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { canSeePurged, defaultDateRange } from '../../lib/recordings.js';

const OWNER_TYPES: readonly RecordingOwnerType[] = ['user', 'place', 'virtualLine', 'unattributed'];
const DIRECTIONS: readonly CallDirection[] = ['inbound', 'outbound', 'internal'];

export interface AdvancedFilters {
  readonly from: string;
  readonly to: string;
  readonly locationId: string | null;
  readonly ownerType: RecordingOwnerType | null;
  readonly status: RecordingStatus;
  readonly topic: string;
  readonly direction: CallDirection | null;
  /** Words said in the call (compliance officers only). */
  readonly transcript: string;
}

export function initialFilters(): AdvancedFilters {
  return {
    ...defaultDateRange(new Date()),
    locationId: null,
    ownerType: null,
    status: 'available',
    topic: '',
    direction: null,
    transcript: '',
  };
}

export function AdvancedRecordingFilters(props: {
  readonly open: boolean;
  readonly filters: AdvancedFilters;
  readonly onChange: (filters: AdvancedFilters) => void;
  readonly locations: readonly Location[];
  readonly roles: readonly Role[];
  /** Compliance officers also search the words said in calls. */
  readonly searchTranscripts: boolean;
}): ReactNode {
  const { t } = useTranslation(['recordings', 'common']);
  const { filters: advanced } = props;
  const setFilter = <K extends keyof AdvancedFilters>(key: K, value: AdvancedFilters[K]): void =>
    props.onChange({ ...advanced, [key]: value });
  const statusOptions = (['available', 'deleted', 'purged'] as const)
    .filter((s) => s !== 'purged' || canSeePurged(props.roles))
    .map((s) => ({ value: s, label: t(`status.${s}`) }));
  return (
    <Collapse in={props.open} id="recordings-advanced">
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm" pt="xs">
        <TextInput
          label={t('filters.from')}
          type="date"
          value={advanced.from}
          max={advanced.to || undefined}
          onChange={(e) => setFilter('from', e.currentTarget.value)}
        />
        <TextInput
          label={t('filters.to')}
          type="date"
          value={advanced.to}
          min={advanced.from || undefined}
          onChange={(e) => setFilter('to', e.currentTarget.value)}
        />
        <Select
          label={t('filters.location')}
          placeholder={t('filters.allLocations')}
          clearable
          data={props.locations.map((l) => ({ value: l.id, label: l.name }))}
          value={advanced.locationId}
          onChange={(v) => setFilter('locationId', v)}
        />
        <Select
          label={t('filters.ownerType')}
          placeholder={t('filters.allOwnerTypes')}
          clearable
          data={OWNER_TYPES.map((value) => ({ value, label: t(`ownerType.${value}`) }))}
          value={advanced.ownerType}
          onChange={(v) => setFilter('ownerType', v as RecordingOwnerType | null)}
        />
        <Select
          label={t('filters.status')}
          data={statusOptions}
          value={advanced.status}
          allowDeselect={false}
          onChange={(v) => v !== null && setFilter('status', v as RecordingStatus)}
        />
        <TextInput
          label={t('filters.topic')}
          placeholder={t('filters.topicPlaceholder')}
          value={advanced.topic}
          onChange={(e) => setFilter('topic', e.currentTarget.value)}
        />
        <Select
          label={t('filters.direction')}
          placeholder={t('filters.allDirections')}
          clearable
          data={DIRECTIONS.map((value) => ({ value, label: t(`direction.${value}`) }))}
          value={advanced.direction}
          onChange={(v) => setFilter('direction', v as CallDirection | null)}
        />
        {props.searchTranscripts && (
          <TextInput
            label={t('filters.transcript')}
            placeholder={t('filters.transcriptPlaceholder')}
            title={t('filters.transcriptTitle')}
            maxLength={200}
            value={advanced.transcript}
            onChange={(e) => setFilter('transcript', e.currentTarget.value)}
          />
        )}
        <Group align="flex-end">
          <Button variant="subtle" onClick={() => props.onChange(initialFilters())}>
            {t('filters.reset')}
          </Button>
        </Group>
      </SimpleGrid>
    </Collapse>
  );
}
