import { Badge } from '@mantine/core';
import type { CallingLicense } from '@callvault/shared';
import type { ReactNode } from 'react';
import { LICENSE_LABELS } from '../lib/format.js';

const LICENSE_COLORS: Readonly<Record<CallingLicense, string>> = {
  professional: 'teal',
  basic: 'blue',
  none: 'gray',
};

export function LicenseBadge({ license }: { readonly license: CallingLicense }): ReactNode {
  return (
    <Badge variant="light" color={LICENSE_COLORS[license]} radius="sm" tt="none" size="md">
      {LICENSE_LABELS[license]}
    </Badge>
  );
}
