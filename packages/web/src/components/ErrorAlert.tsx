import { Alert, Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';
import { describeError } from '../lib/error-messages.js';
import { IconAlert } from './icons.js';

interface ErrorAlertProps {
  readonly title: string;
  readonly error: Error;
  readonly onRetry?: () => void;
}

export function ErrorAlert({ title, error, onRetry }: ErrorAlertProps): ReactNode {
  const { t } = useTranslation(['common', 'errors']);
  const trackingId = error instanceof ApiError ? error.body?.trackingId : undefined;
  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlert />} my="md">
      {describeError(error)}
      {trackingId !== undefined && t('errors:trackingId', { id: trackingId })}
      {onRetry && (
        <Button variant="subtle" color="red" size="compact-sm" ml="sm" onClick={onRetry}>
          {t('actions.tryAgain')}
        </Button>
      )}
    </Alert>
  );
}
