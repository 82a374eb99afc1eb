// A recovered or partly failed recording is badged wherever it is listed or played: the badge
// names what happened and its tooltip says it in a sentence (lib/provenance.ts).
import { useTranslation } from 'react-i18next';
import { Alert, Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import type { RecordingProvenance } from '@callvault/shared';
import { describeEndReason, provenanceBadges } from '../../lib/provenance.js';

export function ProvenanceBadges({
  provenance,
  mt,
}: {
  readonly provenance: RecordingProvenance;
  /** Space above, when the badges go under other text (a list's topic). */
  readonly mt?: number;
}): ReactNode {
  const badges = provenanceBadges(provenance);
  if (badges.length === 0) return null;
  return (
    <Group gap={4} {...(mt === undefined ? {} : { mt })}>
      {badges.map((b) => (
        <Tooltip key={b.kind} label={b.description} multiline w={320} withArrow>
          <Badge
            variant="light"
            color={b.color}
            radius="sm"
            tt="none"
            // Never squeezed to an ellipsis by a narrow table cell.
            style={{ flexShrink: 0, overflow: 'visible' }}
            data-testid={`provenance-${b.kind}`}
          >
            {b.label}
          </Badge>
        </Tooltip>
      ))}
    </Group>
  );
}

/** The player's account of how the recording was made: what went wrong, and why it ended. */
export function ProvenanceNote({
  provenance,
}: {
  readonly provenance: RecordingProvenance;
}): ReactNode {
  const { t } = useTranslation(['player', 'common']);
  const badges = provenanceBadges(provenance);
  const ended = describeEndReason(provenance.endReason);
  return (
    <Stack gap="xs">
      {badges.map((b) => (
        <Alert
          key={b.kind}
          variant="light"
          color={b.color}
          title={b.label}
          data-testid={`provenance-note-${b.kind}`}
        >
          {b.description}
        </Alert>
      ))}
      {ended && (
        <Text size="sm" c="dimmed" data-testid="recording-end-reason">
          {t('provenance.ended', { reason: ended })}
        </Text>
      )}
    </Stack>
  );
}
