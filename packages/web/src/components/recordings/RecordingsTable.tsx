// The Recordings page's table: one row per recording with its owner, topic (with how it was made
// and, in a transcript search, the matching line), parties, direction, duration and location, and
// the checkboxes of the bulk selection.
import { useTranslation } from 'react-i18next';
import type { RecordingSummary } from '@callvault/shared';
import { Badge, Button, Checkbox, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { SELECT_ALL_LIMIT, formatDuration, formatRecordedTime } from '../../lib/recordings.js';
import { PartyList } from './PartyList.js';
import { ProvenanceBadges } from './ProvenanceBadges.js';
import { displayTopic } from '../../lib/recording-topic.js';

export function RecordingsTable(props: {
  readonly rows: readonly RecordingSummary[];
  /** Whether the viewer has bulk actions, and so checkboxes. */
  readonly selectable: boolean;
  readonly selected: ReadonlySet<string>;
  readonly allSelected: boolean;
  readonly selectingAll: boolean;
  readonly onToggleAll: () => void;
  readonly onSelect: (id: string, on: boolean) => void;
  readonly onOpen: (recording: RecordingSummary) => void;
  readonly locationNameOf: (locationId: string | null) => string;
}): ReactNode {
  const { t } = useTranslation(['recordings', 'common']);
  const { selected, allSelected } = props;
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table highlightOnHover verticalSpacing="xs" horizontalSpacing="sm">
        <Table.Thead bg="gray.0">
          <Table.Tr>
            <Table.Th w={40}>
              {props.selectable && (
                <Checkbox
                  aria-label={t('table.selectAll', { limit: SELECT_ALL_LIMIT })}
                  checked={allSelected}
                  indeterminate={selected.size > 0 && !allSelected}
                  disabled={props.selectingAll}
                  onChange={props.onToggleAll}
                />
              )}
            </Table.Th>
            <Table.Th>{t('table.recorded')}</Table.Th>
            <Table.Th>{t('table.owner')}</Table.Th>
            <Table.Th>{t('table.topic')}</Table.Th>
            <Table.Th>{t('table.parties')}</Table.Th>
            <Table.Th>{t('table.direction')}</Table.Th>
            <Table.Th>{t('table.duration')}</Table.Th>
            <Table.Th>{t('table.location')}</Table.Th>
            <Table.Th w={80} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.rows.map((r) => (
            <RecordingRow
              key={r.id}
              recording={r}
              selectable={props.selectable}
              selected={selected.has(r.id)}
              onSelect={(on) => props.onSelect(r.id, on)}
              onOpen={() => props.onOpen(r)}
              locationName={props.locationNameOf(r.locationId)}
            />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

interface RecordingRowProps {
  readonly recording: RecordingSummary;
  readonly selectable: boolean;
  readonly selected: boolean;
  readonly onSelect: (on: boolean) => void;
  readonly onOpen: () => void;
  readonly locationName: string;
}

function RecordingRow(props: RecordingRowProps): ReactNode {
  const { t } = useTranslation(['recordings', 'common']);
  const { recording: r } = props;
  return (
    <Table.Tr bg={props.selected ? 'indigo.0' : undefined}>
      <Table.Td>
        {props.selectable && (
          <Checkbox
            aria-label={t('table.select', { topic: displayTopic(r), owner: r.ownerName })}
            checked={props.selected}
            onChange={(e) => props.onSelect(e.currentTarget.checked)}
          />
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatRecordedTime(r.timeRecorded)}</Table.Td>
      <Table.Td>
        <Text size="sm" fw={500}>
          {r.ownerName}
        </Text>
        {r.ownerType === 'unattributed' ? (
          <Badge
            variant="light"
            color="orange"
            radius="sm"
            tt="none"
            title={t('table.unattributedTitle')}
          >
            {t('ownerType.unattributed')}
          </Badge>
        ) : (
          <Text size="xs" c="dimmed">
            {r.ownerEmail ?? t(`ownerType.${r.ownerType}`)}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {displayTopic(r)}
        <ProvenanceBadges provenance={r} mt={4} />
        {r.transcriptMatch && (
          <Text size="xs" c="dimmed" data-testid="transcript-match" miw={220} maw={360}>
            <Text span ff="monospace" size="xs">
              {formatDuration(r.transcriptMatch.start)}
            </Text>{' '}
            <Text span fw={600} size="xs">
              {r.transcriptMatch.speaker}:
            </Text>{' '}
            “{r.transcriptMatch.snippet}”
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <PartyList parties={r.parties} />
      </Table.Td>
      <Table.Td>{r.direction ? t(`direction.${r.direction}`) : '—'}</Table.Td>
      <Table.Td ff="monospace">{formatDuration(r.durationSeconds)}</Table.Td>
      <Table.Td>{props.locationName}</Table.Td>
      <Table.Td>
        <Button
          size="compact-sm"
          variant="light"
          onClick={props.onOpen}
          aria-label={t('table.openLabel', { topic: displayTopic(r), owner: r.ownerName })}
        >
          {t('table.open')}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}
