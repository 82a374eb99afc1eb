// The frame of the organisation's and a location's call-recording pages: the header, the notice
// for read-only administrators, and the cards, each shown once its query has loaded (a skeleton
// meanwhile, an error with a retry when it failed).
import { useTranslation } from 'react-i18next';
import { Alert, Skeleton, Stack } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorAlert } from '../../../components/ErrorAlert.js';

export function CallRecordingSettingsPage({
  header,
  canEdit,
  children,
}: {
  readonly header: ReactNode;
  readonly canEdit: boolean;
  readonly children: ReactNode;
}): ReactNode {
  const { t } = useTranslation(['callRecording', 'common', 'controlHub']);
  return (
    <>
      {header}
      {!canEdit && (
        <Alert variant="light" color="gray" mb="lg">
          {t('readOnly')}
        </Alert>
      )}
      <Stack gap="lg">{children}</Stack>
    </>
  );
}

/** A card that needs one query: its skeleton while loading, its error, or the card itself. */
export function QueryCard<T>({
  query,
  errorTitle,
  skeletonCount = 1,
  children,
}: {
  readonly query: UseQueryResult<T>;
  readonly errorTitle: string;
  /** How many card skeletons stand in for it while it loads. */
  readonly skeletonCount?: number;
  readonly children: (data: T) => ReactNode;
}): ReactNode {
  if (query.error) {
    return (
      <ErrorAlert title={errorTitle} error={query.error} onRetry={() => void query.refetch()} />
    );
  }
  if (query.data !== undefined) return children(query.data);
  return Array.from({ length: skeletonCount }, (_, i) => <CardSkeleton key={i} />);
}

export function CardSkeleton(): ReactNode {
  return (
    <Stack gap="sm" p="lg" bg="white" style={{ borderRadius: 8 }} aria-busy="true">
      <Skeleton height={18} width="30%" radius="xl" />
      <Skeleton height={12} width="60%" radius="xl" />
      <Skeleton height={36} mt="sm" />
      <Skeleton height={36} />
    </Stack>
  );
}
