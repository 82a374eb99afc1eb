import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import type { RecordingStatus } from '@callvault/shared';

const STATUS_COLORS: Readonly<Record<RecordingStatus, string>> = {
  available: 'teal',
  deleted: 'orange',
  purged: 'gray',
};

export function StatusBadge({ status }: { readonly status: RecordingStatus }): ReactNode {
  const { t } = useTranslation(['recordings', 'common']);
  return (
    <Badge variant="light" color={STATUS_COLORS[status]} radius="sm" tt="none">
      {t(`status.${status}`)}
    </Badge>
  );
}
