// The call behind a recording, from `GET /v1/convergedRecordings/{id}/metadata`: who took part on
// which channel, the direction and numbers, what happened to the recording during the call
// (pause/resume as `recordingActions`) and the SHA-256 kept for chain of custody.
import { Code, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ConvergedRecordingMetadata } from '../../api/types.js';
import { describeParty } from '../../lib/recordings.js';

const DIRECTION_LABELS = { inbound: 'Inbound', outbound: 'Outbound', internal: 'Internal' };

/** A recording action as a sentence: its kind and when, whatever names the recorder used. */
function describeAction(action: Readonly<Record<string, unknown>>): string {
  const kind = [action.action, action.type, action.name].find((v) => typeof v === 'string');
  const when = [action.time, action.timestamp, action.at, action.offsetSeconds].find(
    (v) => typeof v === 'string' || typeof v === 'number',
  );
  if (typeof kind === 'string') {
    return when === undefined ? kind : `${kind} at ${String(when)}`;
  }
  return JSON.stringify(action);
}

export function RecordingMetadataPanel({
  metadata,
}: {
  readonly metadata: ConvergedRecordingMetadata;
}): ReactNode {
  const data = metadata.serviceData;
  return (
    <Stack gap="md" data-testid="recording-metadata">
      <div>
        <Title order={3} fz="md" mb={6}>
          Parties
        </Title>
        {data.parties.length === 0 ? (
          <Text size="sm" c="dimmed">
            The call system sent no party information.
          </Text>
        ) : (
          <Table withTableBorder verticalSpacing={6} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Party</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Number</Table.Th>
                <Table.Th>Channel</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.parties.map((p, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{describeParty(p)}</Table.Td>
                  <Table.Td>{p.role ?? '—'}</Table.Td>
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
            <Table.Th w={160}>Direction</Table.Th>
            <Table.Td>{data.direction ? DIRECTION_LABELS[data.direction] : 'Not known'}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Local number</Table.Th>
            <Table.Td>{data.localNumber ?? '—'}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Remote number</Table.Th>
            <Table.Td>{data.remoteNumber ?? '—'}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Channels</Table.Th>
            <Table.Td>{data.channels}</Table.Td>
          </Table.Tr>
          {data.callId !== undefined && (
            <Table.Tr>
              <Table.Th>Call ID</Table.Th>
              <Table.Td style={{ wordBreak: 'break-all' }}>{data.callId}</Table.Td>
            </Table.Tr>
          )}
          <Table.Tr>
            <Table.Th>SHA-256</Table.Th>
            <Table.Td>
              <Code style={{ wordBreak: 'break-all' }}>{metadata.sha256}</Code>
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <div>
        <Title order={3} fz="md" mb={6}>
          Recording actions
        </Title>
        {data.recordingActions.length === 0 ? (
          <Text size="sm" c="dimmed">
            No pauses, resumes or stops were recorded for this call.
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
    </Stack>
  );
}
