// Retention (SPEC §3.1, §6): the org's retention period, changed by full administrators only (the
// server refuses anyone else). While a new value is typed, the page previews how many recordings
// the next purge would remove with it; saving a value that would purge any asks first.
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, type Me } from '@callvault/shared';
import { Alert, Button, Card, Group, Loader, Modal, NumberInput, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  fetchRecordingPolicy,
  previewRetention,
  updateRetention,
} from '../../api/compliance.api.js';
import { canEditRetention } from '../../auth/access.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useToast } from '../../components/Toaster.js';
import { IconAlert } from '../../components/icons.js';
import { formatDateTime } from '../../lib/compliance-format.js';
import { describeError } from '../../lib/error-messages.js';
import { usePageTitle } from '../../lib/use-page-title.js';

const valid = (n: number | null): n is number =>
  n !== null && Number.isInteger(n) && n >= MIN_RETENTION_DAYS && n <= MAX_RETENTION_DAYS;

export function RetentionPage({ me }: { readonly me: Me }): ReactNode {
  const { t, i18n } = useTranslation('compliance');
  const lang = i18n.resolvedLanguage ?? 'en';
  usePageTitle(t('retention.title'));
  const toast = useToast();
  const queryClient = useQueryClient();
  const editable = canEditRetention(me.roles);
  const policy = useQuery({
    queryKey: ['recording-policy'],
    queryFn: ({ signal }) => fetchRecordingPolicy(signal),
  });
  const [days, setDays] = useState<number | null>(null);
  useEffect(() => {
    if (policy.data && days === null) setDays(policy.data.retentionDays);
  }, [policy.data, days]);
  const [settled] = useDebouncedValue(days, 300);
  const preview = useQuery({
    queryKey: ['recording-policy', 'preview', settled],
    queryFn: ({ signal }) => previewRetention(settled as number, signal),
    enabled: valid(settled),
    placeholderData: keepPreviousData,
  });
  const [confirming, setConfirming] = useState(false);
  const save = useMutation({
    mutationFn: (value: number) => updateRetention(value),
    onSuccess: async () => {
      toast({ title: t('retention.saved') });
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: ['recording-policy'] });
    },
    onError: (error) =>
      toast({ title: t('retention.saveFailed'), message: describeError(error), tone: 'error' }),
  });

  const current = policy.data?.retentionDays;
  const changed = valid(days) && days !== current;
  // The preview must be of the value being saved, not of one typed earlier.
  const previewOfDays = preview.data && preview.data.retentionDays === days ? preview.data : null;

  const submit = () => {
    if (!valid(days) || previewOfDays === null) return;
    if (previewOfDays.recordings > 0) setConfirming(true);
    else save.mutate(days);
  };

  return (
    <>
      <PageHeader
        eyebrow={t('eyebrow')}
        title={t('retention.title')}
        description={t('retention.description')}
      />
      {policy.error ? (
        <ErrorAlert
          title={t('retention.loadFailed')}
          error={policy.error}
          onRetry={() => void policy.refetch()}
        />
      ) : !policy.data ? (
        <Loader size="sm" />
      ) : (
        <Card withBorder radius="md" maw={640}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
          >
            <Stack gap="md">
              <Text data-testid="retention-current">
                {t('retention.current', { count: policy.data.retentionDays })}
              </Text>
              <NumberInput
                label={t('retention.days')}
                description={t('retention.range', {
                  min: MIN_RETENTION_DAYS,
                  max: MAX_RETENTION_DAYS,
                })}
                min={MIN_RETENTION_DAYS}
                max={MAX_RETENTION_DAYS}
                allowDecimal={false}
                allowNegative={false}
                value={days ?? ''}
                onChange={(v) => setDays(typeof v === 'number' ? v : v === '' ? null : Number(v))}
                disabled={!editable}
                maw={240}
              />
              {previewOfDays && (
                <Alert
                  color={previewOfDays.recordings > 0 ? 'orange' : 'gray'}
                  variant="light"
                  icon={<IconAlert />}
                  role="status"
                  data-testid="retention-preview"
                  data-recordings={previewOfDays.recordings}
                >
                  {t('retention.preview', {
                    count: previewOfDays.recordings,
                    days: previewOfDays.retentionDays,
                    cutoff: formatDateTime(previewOfDays.cutoff, lang),
                  })}
                  {previewOfDays.held > 0 && (
                    <Text size="sm" mt={4}>
                      {t('retention.held', { count: previewOfDays.held })}
                    </Text>
                  )}
                </Alert>
              )}
              {editable ? (
                <Group>
                  <Button
                    type="submit"
                    disabled={!changed || previewOfDays === null}
                    loading={save.isPending && !confirming}
                  >
                    {t('retention.save')}
                  </Button>
                </Group>
              ) : (
                <Text size="sm" c="dimmed">
                  {t('retention.readOnly')}
                </Text>
              )}
            </Stack>
          </form>
        </Card>
      )}
      <Modal
        opened={confirming && previewOfDays !== null}
        onClose={() => setConfirming(false)}
        title={t('retention.confirmTitle', { count: previewOfDays?.recordings ?? 0 })}
        centered
      >
        <Stack gap="md">
          <Text size="sm">
            {t('retention.confirmText', {
              count: previewOfDays?.recordings ?? 0,
              days: days ?? 0,
            })}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('retention.cancel')}
            </Button>
            <Button
              color="red"
              loading={save.isPending}
              onClick={() => {
                if (valid(days)) save.mutate(days);
              }}
            >
              {t('retention.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
