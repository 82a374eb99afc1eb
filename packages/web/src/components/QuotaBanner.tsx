// The storage-quota banner (SPEC §6): shown to the people who manage recordings once the org's
// usage crosses 80, 90 or 100 % of its quota. The server decides the level; this only shows it.
import type { Usage } from '@callvault/shared';
import { Alert } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api } from '../api/client.js';
import { formatBytes } from '../lib/recording-form.js';
import { IconAlert } from './icons.js';

/** The banner's words for a usage level, or null below 80 %. */
export function describeQuotaLevel(
  usage: Pick<Usage, 'bytesUsed' | 'quotaBytes' | 'percent' | 'level' | 'overQuota'>,
): { color: string; text: string } | null {
  if (usage.level < 80) return null;
  const amount = `${formatBytes(usage.bytesUsed)} of ${formatBytes(usage.quotaBytes)} (${usage.percent.toFixed(0)} %)`;
  if (usage.overQuota || usage.level >= 100) {
    return {
      color: 'red',
      text: `Recording storage is full: ${amount}. New recordings are still kept and follow the organisation's failure behaviour; delete or purge recordings, or raise the quota.`,
    };
  }
  return {
    color: usage.level >= 90 ? 'orange' : 'yellow',
    text: `Recording storage is ${usage.level} % used: ${amount}.`,
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
