// Legal holds (SPEC §6): the org's holds with what each holds (a recording, an owner's recordings
// or the whole organisation), who placed it and why; place one on an owner or the organisation
// (recordings are held from the Recordings page's bulk bar); release one with a reason; and the
// audit events of each hold.
import type { LegalHold, Me } from '@callvault/shared';
import {
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Textarea,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { listLegalHolds, releaseLegalHold } from '../../api/compliance.api.js';
import { canManageHolds } from '../../auth/access.js';
import { RouterAnchor } from '../../components/RouterLinks.js';
import { LegalHoldDialog } from '../../components/compliance/LegalHoldDialog.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useToast } from '../../components/Toaster.js';
import { IconAlert, IconPlus } from '../../components/icons.js';
import { formatDateTime } from '../../lib/compliance-format.js';
import { describeError } from '../../lib/error-messages.js';
import { usePageTitle } from '../../lib/use-page-title.js';

type StatusFilter = 'active' | 'released' | 'all';

export function LegalHoldsPage({ me }: { readonly me: Me }): ReactNode {
  const { t, i18n } = useTranslation('compliance');
  const lang = i18n.resolvedLanguage ?? 'en';
  usePageTitle(t('holds.title'));
  const [status, setStatus] = useState<StatusFilter>('active');
  const [creating, setCreating] = useState(false);
  const [releasing, setReleasing] = useState<LegalHold | null>(null);
  const manage = canManageHolds(me.roles);
  const holds = useQuery({
    queryKey: ['legal-holds', status],
    queryFn: ({ signal }) => listLegalHolds(status, signal),
  });

  const describeTarget = (h: LegalHold): string => {
    switch (h.scope) {
      case 'org':
        return t('holds.holdsOrg');
      case 'owner':
        return t('holds.holdsOwner', { name: h.ownerName ?? h.ownerId ?? '' });
      case 'recording':
        return t('holds.holdsRecording', { id: h.recordingId ?? '' });
    }
  };

  return (
    <>
      <PageHeader
        eyebrow={t('eyebrow')}
        title={t('holds.title')}
        description={t('holds.description')}
        actions={
          manage ? (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              {t('holds.create')}
            </Button>
          ) : undefined
        }
      />
      <Card withBorder radius="md" padding={0}>
        <Group p="md" gap="sm">
          <Text size="sm" fw={500} id="hold-status-label">
            {t('holds.status')}
          </Text>
          <SegmentedControl
            aria-labelledby="hold-status-label"
            value={status}
            onChange={(v) => setStatus(v as StatusFilter)}
            data={[
              { value: 'active', label: t('holds.statusActive') },
              { value: 'released', label: t('holds.statusReleased') },
              { value: 'all', label: t('holds.statusAll') },
            ]}
          />
        </Group>
        {holds.error ? (
          <ErrorAlert
            title={t('holds.loadFailed')}
            error={holds.error}
            onRetry={() => void holds.refetch()}
          />
        ) : holds.isPending ? (
          <Group p="md">
            <Loader size="sm" />
          </Group>
        ) : holds.data.length === 0 ? (
          <EmptyState icon={<IconAlert size={28} />} title={t('holds.empty')}>
            {null}
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm" data-testid="holds-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('holds.col.holds')}</Table.Th>
                  <Table.Th>{t('holds.col.reason')}</Table.Th>
                  <Table.Th>{t('holds.col.placed')}</Table.Th>
                  <Table.Th>{t('holds.col.status')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {holds.data.map((h) => (
                  <Table.Tr key={h.id} data-testid="hold-row" data-hold-id={h.id}>
                    <Table.Td maw={280} style={{ wordBreak: 'break-all' }}>
                      <Text size="sm">{describeTarget(h)}</Text>
                    </Table.Td>
                    <Table.Td maw={280}>
                      <Text size="sm">{h.reason}</Text>
                      {h.releaseReason !== null && (
                        <Text size="xs" c="dimmed">
                          {t('holds.releasedReason', { reason: h.releaseReason })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm">{formatDateTime(h.created, lang)}</Text>
                    </Table.Td>
                    <Table.Td>
                      {h.status === 'active' ? (
                        <Badge color="indigo" variant="light">
                          {t('holds.active')}
                        </Badge>
                      ) : (
                        <Badge color="gray" variant="light">
                          {t('holds.released', { when: formatDateTime(h.released ?? '', lang) })}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap" justify="flex-end">
                        <RouterAnchor to="/compliance/audit" search={{ targetId: h.id }} size="sm">
                          {t('holds.history')}
                        </RouterAnchor>
                        {manage && h.status === 'active' && (
                          <Button size="xs" variant="light" onClick={() => setReleasing(h)}>
                            {t('holds.release')}
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      <LegalHoldDialog
        opened={creating}
        target={{ kind: 'ownerOrOrg' }}
        onClose={() => setCreating(false)}
      />
      <ReleaseDialog hold={releasing} onClose={() => setReleasing(null)} />
    </>
  );
}

function ReleaseDialog({
  hold,
  onClose,
}: {
  readonly hold: LegalHold | null;
  readonly onClose: () => void;
}): ReactNode {
  const { t } = useTranslation('compliance');
  const toast = useToast();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const release = useMutation({
    mutationFn: (h: LegalHold) => releaseLegalHold(h.id, reason.trim()),
    onSuccess: async () => {
      toast({ title: t('holds.releasedToast') });
      setReason('');
      onClose();
      await queryClient.invalidateQueries({ queryKey: ['legal-holds'] });
      await queryClient.invalidateQueries({ queryKey: ['audit'] });
    },
    onError: (error) =>
      toast({ title: t('holds.releaseFailed'), message: describeError(error), tone: 'error' }),
  });
  return (
    <Modal opened={hold !== null} onClose={onClose} title={t('holds.releaseTitle')} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (hold && reason.trim() !== '') release.mutate(hold);
        }}
      >
        <Stack gap="md">
          <Text size="sm">{t('holds.releaseText')}</Text>
          <Textarea
            label={t('holds.releaseReason')}
            required
            maxLength={1000}
            autosize
            minRows={2}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('holds.cancel')}
            </Button>
            <Button
              type="submit"
              color="red"
              disabled={reason.trim() === ''}
              loading={release.isPending}
            >
              {t('holds.confirmRelease')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
