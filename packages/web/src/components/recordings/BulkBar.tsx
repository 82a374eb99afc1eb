// The bar above the recordings table: how many are selected, and the bulk actions the viewer's
// roles allow for the status being shown.
import { useTranslation } from 'react-i18next';
import type { BulkRecordingAction } from '@callvault/shared';
import { Button, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { describeSelection } from '../../lib/recordings.js';

export function BulkBar(props: {
  readonly actions: readonly BulkRecordingAction[];
  readonly selectedCount: number;
  /** More recordings match than are selected (loaded or not). */
  readonly moreBeyondSelection: boolean;
  readonly selectingAll: boolean;
  readonly onAction: (action: BulkRecordingAction) => void;
  /** Further actions on the selection that are not bulk recording changes (a legal hold). */
  readonly extra?: ReactNode;
}): ReactNode {
  const { t } = useTranslation(['recordings', 'common']);
  const { actions, selectedCount, selectingAll } = props;
  return (
    <Group
      justify="space-between"
      px="md"
      py="xs"
      bg={selectedCount > 0 ? 'indigo.0' : 'gray.0'}
      data-testid="bulk-bar"
      // Stays under the header while a long selection scrolls by, so the actions are at hand.
      style={{ position: 'sticky', top: 60, zIndex: 3 }}
    >
      <Text size="sm" fw={500} aria-live="polite" data-testid="selection-count">
        {selectingAll
          ? t('selection.selectingAll')
          : describeSelection(selectedCount, props.moreBeyondSelection)}
      </Text>
      <Group gap="xs">
        {actions.map((action) => (
          <Button
            key={action}
            size="xs"
            variant={action === 'purge' || action === 'delete' ? 'light' : 'default'}
            color={action === 'purge' || action === 'delete' ? 'red' : undefined}
            disabled={selectedCount === 0 || selectingAll}
            onClick={() => props.onAction(action)}
          >
            {t(`bulk.action.${action}`)}
          </Button>
        ))}
        {props.extra}
      </Group>
    </Group>
  );
}
