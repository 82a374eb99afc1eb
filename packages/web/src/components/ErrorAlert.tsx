import { Alert, Button } from '@mantine/core';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';
import { IconAlert } from './icons.js';

/** A sentence for the person in front of the console, from whatever a request threw. */
export function describeError(error: Error): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return 'You do not have permission to see this.';
    if (error.body !== null) return error.body.message;
    return `The server answered HTTP ${error.status}.`;
  }
  if (error instanceof TypeError)
    return 'Cannot reach the Callvault server. Check your connection.';
  return error.message;
}

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
