// The call behind a recording, from `GET /v1/convergedRecordings/{id}/metadata`: who took part on
// which channel, the direction and numbers, what happened to the recording during the call
// (pause/resume as `recordingActions`), the trunk, which part of the call it is, why it ended and
// what failed while capturing, the SRC's SIPREC metadata as received, and the SHA-256 kept for
// chain of custody.
import { Accordion, Code, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ConvergedRecordingMetadata } from '@callvault/shared';
import { describeEndReason, describeFailure } from '../../lib/provenance.js';
import { describeParty, formatBytes } from '../../lib/recordings.js';

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
          <Table.Tr>
            <Table.Th>Recording trunk</Table.Th>
            <Table.Td>{data.trunk?.name ?? '—'}</Table.Td>
          </Table.Tr>
          {data.unattributed && (
            <Table.Tr>
              <Table.Th>Recorded unattributed</Table.Th>
              <Table.Td>{data.unattributed.reason}</Table.Td>
            </Table.Tr>
          )}
          {data.segment && data.segment.count > 1 && (
            <Table.Tr>
              <Table.Th>Part of the call</Table.Th>
              <Table.Td>
                {data.segment.index} of {data.segment.count}
              </Table.Td>
            </Table.Tr>
          )}
          <Table.Tr>
            <Table.Th>Ended</Table.Th>
            <Table.Td>{describeEndReason(metadata.endReason) ?? 'Imported'}</Table.Td>
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
      {metadata.failures.length > 0 && (
        <div>
          <Title order={3} fz="md" mb={6}>
            Capture failures
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
            SIPREC metadata as received
          </Title>
          <Accordion variant="contained" chevronPosition="left">
            {data.srcMetadata.revisions.map((r) => (
              <Accordion.Item key={r.seq} value={String(r.seq)}>
                <Accordion.Control fz="sm">
                  Revision {r.seq} · {formatBytes(r.bytes)}
                </Accordion.Control>
                <Accordion.Panel>
                  {r.xml === null ? (
                    <Text size="sm" c="dimmed">
                      Too large to show here; the stored copy is complete.
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
