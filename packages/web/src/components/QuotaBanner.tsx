// The storage-quota banner (SPEC §6): shown to the people who manage recordings once the org's
// usage crosses 80, 90 or 100 % of its quota. The server decides the level; this only shows it.
import type { Usage } from '@callvault/shared';
import { Alert } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api } from '../api/client.js';
import i18next from 'i18next';
import { formatBytes, formatNumber } from '../lib/format.js';
import { IconAlert } from './icons.js';

/** The banner's words for a usage level, or null below 80 %. */
export function describeQuotaLevel(
  usage: Pick<Usage, 'bytesUsed' | 'quotaBytes' | 'percent' | 'level' | 'overQuota'>,
): { color: string; text: string } | null {
  if (usage.level < 80) return null;
  const amount = i18next.t('recordings:quota.amount', {
    used: formatBytes(usage.bytesUsed),
    quota: formatBytes(usage.quotaBytes),
    percent: formatNumber(usage.percent, undefined, { maximumFractionDigits: 0 }),
  });
  if (usage.overQuota || usage.level >= 100) {
    return { color: 'red', text: i18next.t('recordings:quota.full', { amount }) };
  }
  return {
    color: usage.level >= 90 ? 'orange' : 'yellow',
    text: i18next.t('recordings:quota.used', { level: formatNumber(usage.level), amount }),
  };
}

export function QuotaBanner(): ReactNode {
  const usage = useQuery({
    queryKey: ['usage'],
    queryFn: ({ signal }) => api.get<Usage>('/api/usage', { signal }),
    staleTime: 60_000,
    retry: false,
  });
  const banner = usage.data ? describeQuotaLevel(usage.data) : null;
  if (!banner) return null;
  return (
    <Alert color={banner.color} variant="light" icon={<IconAlert />} mb="md" role="status">
      {banner.text}
    </Alert>
  );
}
