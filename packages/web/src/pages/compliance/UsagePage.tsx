// Usage and quota (SPEC §3.1, §6): bytes used against the quota, by location and by owner type,
// the last 90 days, and the 80/90/100 % thresholds with when each was crossed and which
// storage-quota webhooks were notified.
import type { QuotaThresholds, UsageBreakdown } from '@callvault/shared';
import {
  Badge,
  Card,
  Group,
  List,
  Loader,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  fetchQuotaThresholds,
  fetchUsage,
  fetchUsageBreakdown,
  fetchUsageHistory,
} from '../../api/compliance.api.js';
import { UsageChart } from '../../components/compliance/UsageChart.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { PageHeader } from '../../components/PageHeader.js';
import { formatDateTime, formatNumber, formatStorage } from '../../lib/compliance-format.js';
import { usePageTitle } from '../../lib/use-page-title.js';

export function UsagePage(): ReactNode {
  const { t, i18n } = useTranslation('compliance');
  const lang = i18n.resolvedLanguage ?? 'en';
  usePageTitle(t('usage.title'));
  const usage = useQuery({ queryKey: ['usage'], queryFn: ({ signal }) => fetchUsage(signal) });
  const breakdown = useQuery({
    queryKey: ['usage', 'breakdown'],
    queryFn: ({ signal }) => fetchUsageBreakdown(signal),
  });
  const history = useQuery({
    queryKey: ['usage', 'history'],
    queryFn: ({ signal }) => fetchUsageHistory(signal),
  });
  const thresholds = useQuery({
    queryKey: ['usage', 'thresholds'],
    queryFn: ({ signal }) => fetchQuotaThresholds(signal),
  });
  const error = usage.error ?? breakdown.error ?? history.error ?? thresholds.error;

  return (
    <>
      <PageHeader
        eyebrow={t('eyebrow')}
        title={t('usage.title')}
        description={t('usage.description')}
      />
      {error && (
        <ErrorAlert
          title={t('usage.loadFailed')}
          error={error}
          onRetry={() => {
            void usage.refetch();
            void breakdown.refetch();
            void history.refetch();
            void thresholds.refetch();
          }}
        />
      )}
      <Stack gap="lg">
        <Card withBorder radius="md" data-testid="usage-summary">
          {usage.data ? (
            <Stack gap="xs">
              <Text size="sm" c="dimmed">
                {t('usage.used')}
              </Text>
              <Group gap="xs" align="baseline" wrap="wrap">
                <Text fz={28} fw={700} data-testid="usage-bytes" data-bytes={usage.data.bytesUsed}>
                  {formatStorage(usage.data.bytesUsed, lang)}
                </Text>
                <Text c="dimmed" data-testid="usage-quota" data-bytes={usage.data.quotaBytes}>
                  {t('usage.ofQuota', { quota: formatStorage(usage.data.quotaBytes, lang) })}
                </Text>
              </Group>
              <Progress
                value={Math.min(100, usage.data.percent)}
                color={
                  usage.data.level >= 100 ? 'red' : usage.data.level >= 80 ? 'orange' : 'indigo'
                }
                aria-label={t('usage.percent', { percent: formatNumber(usage.data.percent, lang) })}
              />
              <Group justify="space-between" wrap="wrap">
                <Text size="sm" data-testid="usage-percent" data-percent={usage.data.percent}>
                  {t('usage.percent', { percent: formatNumber(usage.data.percent, lang) })}
                </Text>
                <Text size="sm" c="dimmed" data-testid="usage-recordings">
                  {t('usage.recordings', { count: usage.data.recordings })}
                </Text>
              </Group>
            </Stack>
          ) : (
            <Loader size="sm" />
          )}
        </Card>

        <Card withBorder radius="md">
          <Title order={2} fz="lg" mb="sm">
            {t('usage.history')}
          </Title>
          {history.data ? (
            history.data.days.some((d) => d.bytesUsed !== null) ? (
              <UsageChart
                history={history.data}
                label={t('usage.historyLabel')}
                quotaLabel={t('usage.quotaLine')}
                lang={lang}
              />
            ) : (
              <Text c="dimmed">{t('usage.noHistory')}</Text>
            )
          ) : (
            <Loader size="sm" />
          )}
        </Card>

        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <BreakdownCard
            title={t('usage.byLocation')}
            testId="usage-by-location"
            rows={(breakdown.data?.byLocation ?? []).map((g) => ({
              key: g.locationId ?? '',
              label: g.locationName ?? t('usage.noLocation'),
              bytes: g.bytes,
              recordings: g.recordings,
            }))}
            loading={breakdown.isPending}
            lang={lang}
          />
          <BreakdownCard
            title={t('usage.byOwnerType')}
            testId="usage-by-owner-type"
            rows={(breakdown.data?.byOwnerType ?? []).map((g) => ({
              key: g.ownerType,
              label: ownerTypeLabel(g, t),
              bytes: g.bytes,
              recordings: g.recordings,
            }))}
            loading={breakdown.isPending}
            lang={lang}
          />
        </SimpleGrid>
        <Text size="xs" c="dimmed" mt={-12}>
          {t('usage.sharedNote')}
        </Text>

        <Card withBorder radius="md">
          <Title order={2} fz="lg" mb={4}>
            {t('usage.thresholds')}
          </Title>
          <Text size="sm" c="dimmed" mb="md">
            {t('usage.thresholdsText')}
          </Text>
          {thresholds.data ? (
            <ThresholdList data={thresholds.data} lang={lang} />
          ) : (
            <Loader size="sm" />
          )}
        </Card>
      </Stack>
    </>
  );
}

function ownerTypeLabel(
  g: UsageBreakdown['byOwnerType'][number],
  t: ReturnType<typeof useTranslation<'compliance'>>['t'],
): string {
  switch (g.ownerType) {
    case 'user':
      return t('usage.ownerType.user');
    case 'place':
      return t('usage.ownerType.place');
    case 'virtualLine':
      return t('usage.ownerType.virtualLine');
    case 'unattributed':
      return t('usage.ownerType.unattributed');
    default:
      return g.ownerType;
  }
}

function BreakdownCard(props: {
  readonly title: string;
  readonly testId: string;
  readonly rows: ReadonlyArray<{ key: string; label: string; bytes: number; recordings: number }>;
  readonly loading: boolean;
  readonly lang: string;
}): ReactNode {
  const { t } = useTranslation('compliance');
  return (
    <Card withBorder radius="md">
      <Title order={2} fz="lg" mb="sm">
        {props.title}
      </Title>
      {props.loading ? (
        <Loader size="sm" />
      ) : (
        <Table data-testid={props.testId}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('usage.col.group')}</Table.Th>
              <Table.Th ta="right">{t('usage.col.bytes')}</Table.Th>
              <Table.Th ta="right">{t('usage.col.recordings')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.rows.map((r) => (
              <Table.Tr key={r.key} data-key={r.key} data-bytes={r.bytes}>
                <Table.Td>{r.label}</Table.Td>
                <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {formatStorage(r.bytes, props.lang)}
                </Table.Td>
                <Table.Td ta="right">{formatNumber(r.recordings, props.lang)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function ThresholdList({
  data,
  lang,
}: {
  readonly data: QuotaThresholds;
  readonly lang: string;
}): ReactNode {
  const { t } = useTranslation('compliance');
  return (
    <Stack gap="md" data-testid="usage-thresholds">
      {data.thresholds.map((th) => (
        <Stack key={th.threshold} gap={4} data-testid="threshold" data-threshold={th.threshold}>
          <Group gap="sm" wrap="wrap">
            <Text fw={600}>{t('usage.threshold', { threshold: th.threshold })}</Text>
            <Badge color={th.reached ? 'orange' : 'gray'} variant="light">
              {th.reached ? t('usage.reached') : t('usage.notReached')}
            </Badge>
            <Text size="sm" c="dimmed">
              {th.lastCrossed !== null
                ? t('usage.lastCrossed', { when: formatDateTime(th.lastCrossed, lang) })
                : t('usage.neverCrossed')}
            </Text>
          </Group>
          {th.lastCrossed !== null &&
            (th.recipients.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('usage.noRecipients')}
              </Text>
            ) : (
              <List size="sm" spacing={2}>
                {th.recipients.map((r) => (
                  <List.Item key={r.webhookId}>
                    {t('usage.recipientLine', {
                      recipients: t('usage.recipients'),
                      name: r.webhookName,
                      url: r.targetUrl,
                      status: t(`usage.delivery.${r.status}`),
                    })}
                  </List.Item>
                ))}
              </List>
            ))}
        </Stack>
      ))}
    </Stack>
  );
}
