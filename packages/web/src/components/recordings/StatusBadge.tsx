import { Badge } from '@mantine/core';
import type { ReactNode } from 'react';
import type { RecordingStatus } from '@callvault/shared';

export const STATUS_LABELS: Readonly<Record<RecordingStatus, string>> = {
  available: 'Available',
  deleted: 'In recycle bin',
  purged: 'Purged',
};

const STATUS_COLORS: Readonly<Record<RecordingStatus, string>> = {
  available: 'teal',
  deleted: 'orange',
  purged: 'gray',
};

export function StatusBadge({ status }: { readonly status: RecordingStatus }): ReactNode {
  return (
    <Badge variant="light" color={STATUS_COLORS[status]} radius="sm" tt="none">
      {STATUS_LABELS[status]}
    </Badge>
  );
}
