// The Recordings bulk bar's "Place legal hold": one hold per selected recording, with a reason,
// for the roles that manage holds (administrators and compliance officers).
import type { Me } from '@callvault/shared';
import { Button } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { canManageHolds } from '../../auth/access.js';
import { LegalHoldDialog } from './LegalHoldDialog.js';

export function HoldSelectionButton(props: {
  readonly me: Me;
  readonly ids: readonly string[];
  readonly disabled: boolean;
}): ReactNode {
  const { t } = useTranslation('compliance');
  const [open, setOpen] = useState(false);
  if (!canManageHolds(props.me.roles)) return null;
  return (
    <>
      <Button size="xs" variant="default" disabled={props.disabled} onClick={() => setOpen(true)}>
        {t('holds.create')}
      </Button>
      <LegalHoldDialog
        opened={open}
        target={{ kind: 'recordings', ids: props.ids }}
        onClose={() => setOpen(false)}
      />
    </>
  );
}
