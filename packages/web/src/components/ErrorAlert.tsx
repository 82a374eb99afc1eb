import { Alert, Button } from '@mantine/core';
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
  const trackingId = error instanceof ApiError ? error.body?.trackingId : undefined;
  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlert />} my="md">
      {describeError(error)}
      {trackingId !== undefined && ` (tracking ID ${trackingId})`}
      {onRetry && (
        <Button variant="subtle" color="red" size="compact-sm" ml="sm" onClick={onRetry}>
          Try again
        </Button>
      )}
    </Alert>
  );
}
