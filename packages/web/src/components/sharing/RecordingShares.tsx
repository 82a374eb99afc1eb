// Who a recording is shared with, for its owner, administrators and compliance officers, each
// share with a Revoke button (the server decides who may revoke; read-only administrators get a
// refusal they can read).
import { Badge, Button, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecordingShare } from '@callvault/shared';
import { listRecordingShares, revokeRecordingShare } from '../../api/sharing.api.js';
import { describeError } from '../../lib/error-messages.js';
import { ErrorAlert } from '../ErrorAlert.js';
import { useToast } from '../Toaster.js';

export function RecordingShares({
  recordingId,
  topic,
}: {
  readonly recordingId: string;
  readonly topic: string;
}): ReactNode {
  const { t, i18n } = useTranslation('sharing');
  const toast = useToast();
  const queryClient = useQueryClient();
  const shares = useQuery({
    queryKey: ['recording-shares', recordingId],
    queryFn: ({ signal }) => listRecordingShares(recordingId, signal),
  });
  const revoke = useMutation({
    mutationFn: (share: RecordingShare) => revokeRecordingShare(recordingId, share.id),
    onSuccess: async (_done, share) => {
      toast({
        title: t('shares.revokedTitle'),
        message: t('shares.revokedMessage', { name: share.recipientName, topic }),
      });
      await queryClient.invalidateQueries({ queryKey: ['recording-shares', recordingId] });
    },
    onError: (error) =>
      toast({ title: t('shares.revokeFailedTitle'), message: describeError(error), tone: 'error' }),
  });
  const dateOf = (iso: string): string =>
    new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium' }).format(new Date(iso));

  return (
    <Stack gap="xs" data-testid="recording-shares">
      <Title order={3} fz="md">
        {t('shares.title')}
      </Title>
      {shares.error ? (
        <ErrorAlert
          title={t('shares.loadFailed')}
          error={shares.error}
          onRetry={() => void shares.refetch()}
        />
      ) : shares.isPending ? (
        <Skeleton height={40} radius="md" />
      ) : shares.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('shares.none')}
        </Text>
      ) : (
        shares.data.map((share) => (
          <Group key={share.id} justify="space-between" wrap="wrap" gap="xs">
            <div>
              <Text size="sm">
                {share.recipientName}{' '}
                <Text span c="dimmed">
                  ({share.recipientEmail})
                </Text>
              </Text>
              <Group gap={6}>
                <Text size="xs" c="dimmed">
                  {share.expiration !== null
                    ? t('shares.until', { date: dateOf(share.expiration) })
                    : t('shares.noExpiry')}
                </Text>
                <Badge size="xs" variant="light" tt="none" radius="sm">
                  {share.downloadEnabled ? t('shares.download') : t('shares.playOnly')}
                </Badge>
              </Group>
            </div>
            <Button
              size="compact-sm"
              variant="subtle"
              color="red"
              onClick={() => revoke.mutate(share)}
              loading={revoke.isPending && revoke.variables.id === share.id}
              aria-label={t('shares.revokeLabel', { name: share.recipientName })}
            >
              {t('shares.revoke')}
            </Button>
          </Group>
        ))
      )}
    </Stack>
  );
}
