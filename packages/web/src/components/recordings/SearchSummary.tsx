// Under the Recordings search: the dates searched (the server's default window when none were
// chosen) and how many recordings were found, "100+" while more pages remain.
import { Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { effectiveSearchWindow, formatWindowEdge } from '../../lib/search-window.js';

interface SearchSummaryProps {
  readonly filter: { readonly from?: string | undefined; readonly to?: string | undefined };
  /** Rows loaded so far; null while the first page loads. */
  readonly found: number | null;
  readonly more: boolean;
  /** When the results were fetched (ms since the epoch): "now" of the default window. */
  readonly fetchedAt: number;
}

export function SearchSummary({ filter, found, more, fetchedAt }: SearchSummaryProps): ReactNode {
  const { t, i18n } = useTranslation('a11y');
  const language = i18n.resolvedLanguage ?? 'en';
  const window = effectiveSearchWindow(filter, fetchedAt > 0 ? new Date(fetchedAt) : new Date());
  return (
    <Text size="sm" c="dimmed" data-testid="search-summary" aria-live="polite">
      {t('recordings.window', {
        from: formatWindowEdge(window.from, language),
        to: formatWindowEdge(window.to, language),
      })}
      {found !== null &&
        ` · ${more ? t('recordings.totalAtLeast', { count: found }) : t('recordings.total', { count: found })}`}
    </Text>
  );
}
