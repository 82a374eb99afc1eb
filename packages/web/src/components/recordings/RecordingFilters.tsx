// The Recordings page's filters beyond the owner box: dates (last 7 days by default), location,
// owner type, status, topic, direction and, for compliance officers, words said in the call.
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
import { STATUS_LABELS } from './StatusBadge.js';

export const OWNER_TYPE_LABELS: Readonly<Record<RecordingOwnerType, string>> = {
  user: 'Person',
  place: 'Workspace',
  virtualLine: 'Virtual line',
  // A call no one matched, held until a compliance officer or administrator gives it an owner.
  unattributed: 'Unattributed',
};

export const DIRECTION_LABELS: Readonly<Record<CallDirection, string>> = {
  inbound: 'Inbound',
  outbound: 'Outbound',
  internal: 'Internal',
};

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
  const { filters: advanced } = props;
  const setFilter = <K extends keyof AdvancedFilters>(key: K, value: AdvancedFilters[K]): void =>
    props.onChange({ ...advanced, [key]: value });
  const statusOptions = (['available', 'deleted', 'purged'] as const)
    .filter((s) => s !== 'purged' || canSeePurged(props.roles))
    .map((s) => ({ value: s, label: STATUS_LABELS[s] }));
  return (
    <Collapse in={props.open} id="recordings-advanced">
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm" pt="xs">
        <TextInput
          label="From"
          type="date"
          value={advanced.from}
          max={advanced.to || undefined}
          onChange={(e) => setFilter('from', e.currentTarget.value)}
        />
        <TextInput
          label="To"
          type="date"
          value={advanced.to}
          min={advanced.from || undefined}
          onChange={(e) => setFilter('to', e.currentTarget.value)}
        />
        <Select
          label="Location"
          placeholder="All locations"
          clearable
          data={props.locations.map((l) => ({ value: l.id, label: l.name }))}
          value={advanced.locationId}
          onChange={(v) => setFilter('locationId', v)}
        />
        <Select
          label="Owner type"
          placeholder="All owner types"
          clearable
          data={Object.entries(OWNER_TYPE_LABELS).map(([value, label]) => ({ value, label }))}
          value={advanced.ownerType}
          onChange={(v) => setFilter('ownerType', v as RecordingOwnerType | null)}
        />
        <Select
          label="Status"
          data={statusOptions}
          value={advanced.status}
          allowDeselect={false}
          onChange={(v) => v !== null && setFilter('status', v as RecordingStatus)}
        />
        <TextInput
          label="Topic"
          placeholder="Words in the topic"
          value={advanced.topic}
          onChange={(e) => setFilter('topic', e.currentTarget.value)}
        />
        <Select
          label="Direction"
          placeholder="All directions"
          clearable
          data={Object.entries(DIRECTION_LABELS).map(([value, label]) => ({ value, label }))}
          value={advanced.direction}
          onChange={(v) => setFilter('direction', v as CallDirection | null)}
        />
        {props.searchTranscripts && (
          <TextInput
            label="Words in transcript"
            placeholder="Words said in the call"
            title="Calls with every word in one line of their transcript"
            maxLength={200}
            value={advanced.transcript}
            onChange={(e) => setFilter('transcript', e.currentTarget.value)}
          />
        )}
        <Group align="flex-end">
          <Button variant="subtle" onClick={() => props.onChange(initialFilters())}>
            Reset filters
          </Button>
        </Group>
      </SimpleGrid>
    </Collapse>
  );
}
