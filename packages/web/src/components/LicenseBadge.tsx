import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CallingLicense } from '@callvault/shared';
import type { ReactNode } from 'react';

const LICENSE_COLORS: Readonly<Record<CallingLicense, string>> = {
  professional: 'teal',
  basic: 'blue',
  none: 'gray',
};

export function LicenseBadge({ license }: { readonly license: CallingLicense }): ReactNode {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={LICENSE_COLORS[license]} radius="sm" tt="none" size="md">
      {t(`license.${license}`)}
    </Badge>
  );
}
