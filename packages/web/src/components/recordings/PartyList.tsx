// A call's parties as short labels; hovering (or focusing) one shows its number (SPEC §7).
import { useTranslation } from 'react-i18next';
import { Stack, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import type { RecordingParty } from '@callvault/shared';
import { describeParty, describePartyNumber } from '../../lib/recordings.js';

export function PartyList({ parties }: { readonly parties: readonly RecordingParty[] }): ReactNode {
  // The labels come from the current language: render again when it changes.
  useTranslation('recordings');
  if (parties.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      {parties.map((party, index) => (
        <Tooltip key={index} label={describePartyNumber(party)} withArrow openDelay={150}>
          <Text
            size="sm"
            tabIndex={0}
            data-testid="party"
            style={{ cursor: 'help', textDecoration: 'underline dotted', whiteSpace: 'nowrap' }}
          >
            {describeParty(party)}
          </Text>
        </Tooltip>
      ))}
    </Stack>
  );
}
