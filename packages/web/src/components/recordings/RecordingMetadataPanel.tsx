// The call behind a recording, from `GET /v1/convergedRecordings/{id}/metadata`: who took part on
// which channel, the direction and numbers, what happened to the recording during the call
// (pause/resume as `recordingActions`), the trunk, which part of the call it is, why it ended and
// what failed while capturing, the SRC's SIPREC metadata as received, and the SHA-256 kept for
// chain of custody.
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import { Accordion, Code, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ConvergedRecordingMetadata } from '@callvault/shared';
import { describeEndReason, describeFailure } from '../../lib/provenance.js';
import { describeParty, formatBytes } from '../../lib/recordings.js';

/** A recording action as a sentence: its kind and when, whatever names the recorder used. */
function describeAction(action: Readonly<Record<string, unknown>>): string {
  const kind = [action.action, action.type, action.name].find((v) => typeof v === 'string');
  const when = [action.time, action.timestamp, action.at, action.offsetSeconds].find(
    (v) => typeof v === 'string' || typeof v === 'number',
  );
  if (typeof kind === 'string') {
    return when === undefined
      ? kind
      : i18next.t('player:metadata.actionAt', { kind, when: String(when) });
  }
  return JSON.stringify(action);
}

export function RecordingMetadataPanel({
  metadata,
}: {
  readonly metadata: ConvergedRecordingMetadata;
}): ReactNode {
  const { t } = useTranslation(['player', 'recordings', 'common']);
  const data = metadata.serviceData;
  return (
    <Stack gap="md" data-testid="recording-metadata">
      <div>
        <Title order={3} fz="md" mb={6}>
          {t('metadata.parties')}
        </Title>
        {data.parties.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('metadata.noParties')}
          </Text>
        ) : (
          <Table withTableBorder verticalSpacing={6} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('metadata.party')}</Table.Th>
                <Table.Th>{t('metadata.role')}</Table.Th>
                <Table.Th>{t('metadata.number')}</Table.Th>
                <Table.Th>{t('metadata.channel')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.parties.map((p, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{describeParty(p)}</Table.Td>
                  <Table.Td>{p.role ? t(`recordings:party.role.${p.role}`) : '—'}</Table.Td>
                  <Table.Td>{p.number ?? p.address ?? '—'}</Table.Td>
                  <Table.Td>{p.channel ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </div>
      <Table variant="vertical" withTableBorder verticalSpacing={6} fz="sm">
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={160}>{t('metadata.direction')}</Table.Th>
            <Table.Td>
              {data.direction
                ? t(`recordings:direction.${data.direction}`)
                : t('metadata.notKnown')}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('metadata.localNumber')}</Table.Th>
            <Table.Td>{data.localNumber ?? '—'}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('metadata.remoteNumber')}</Table.Th>
            <Table.Td>{data.remoteNumber ?? '—'}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('metadata.channels')}</Table.Th>
            <Table.Td>{data.channels}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('metadata.trunk')}</Table.Th>
            <Table.Td>{data.trunk?.name ?? '—'}</Table.Td>
          </Table.Tr>
          {data.unattributed && (
            <Table.Tr>
              <Table.Th>{t('metadata.unattributed')}</Table.Th>
              <Table.Td>{data.unattributed.reason}</Table.Td>
            </Table.Tr>
          )}
          {data.segment && data.segment.count > 1 && (
            <Table.Tr>
              <Table.Th>{t('metadata.segment')}</Table.Th>
              <Table.Td>
                {t('metadata.segmentOf', {
                  index: data.segment.index,
                  count: data.segment.count,
                })}
              </Table.Td>
            </Table.Tr>
          )}
          <Table.Tr>
            <Table.Th>{t('metadata.ended')}</Table.Th>
            <Table.Td>{describeEndReason(metadata.endReason) ?? t('metadata.imported')}</Table.Td>
          </Table.Tr>
          {data.callId !== undefined && (
            <Table.Tr>
              <Table.Th>{t('metadata.callId')}</Table.Th>
              <Table.Td style={{ wordBreak: 'break-all' }}>{data.callId}</Table.Td>
            </Table.Tr>
          )}
          <Table.Tr>
            <Table.Th>{t('metadata.sha256')}</Table.Th>
            <Table.Td>
              <Code style={{ wordBreak: 'break-all' }}>{metadata.sha256}</Code>
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <div>
        <Title order={3} fz="md" mb={6}>
          {t('metadata.actions')}
        </Title>
        {data.recordingActions.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('metadata.noActions')}
          </Text>
        ) : (
          <Stack gap={2} component="ol" pl="md" m={0}>
            {data.recordingActions.map((action, i) => (
              <Text component="li" size="sm" key={i}>
                {describeAction(action)}
              </Text>
            ))}
          </Stack>
        )}
      </div>
      {metadata.failures.length > 0 && (
        <div>
          <Title order={3} fz="md" mb={6}>
            {t('metadata.failures')}
          </Title>
          <Stack gap={2} component="ol" pl="md" m={0}>
            {metadata.failures.map((f, i) => (
              <Text component="li" size="sm" key={i}>
                {describeFailure(f)} — {f.detail}
              </Text>
            ))}
          </Stack>
        </div>
      )}
      {data.srcMetadata && data.srcMetadata.revisions.length > 0 && (
        <div>
          <Title order={3} fz="md" mb={6}>
            {t('metadata.srcMetadata')}
          </Title>
          <Accordion variant="contained" chevronPosition="left">
            {data.srcMetadata.revisions.map((r) => (
              <Accordion.Item key={r.seq} value={String(r.seq)}>
                <Accordion.Control fz="sm">
                  {t('metadata.revision', { seq: r.seq, size: formatBytes(r.bytes) })}
                </Accordion.Control>
                <Accordion.Panel>
                  {r.xml === null ? (
                    <Text size="sm" c="dimmed">
                      {t('metadata.tooLarge')}
                    </Text>
                  ) : (
                    <Code block fz="xs" mah={320} style={{ overflow: 'auto' }}>
                      {r.xml}
                    </Code>
                  )}
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
        </div>
      )}
    </Stack>
  );
}
