import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { listLocations } from '../api/directory.api.js';
import type { Location } from '@callvault/shared';

export interface Locations {
  readonly locations: readonly Location[];
  readonly isPending: boolean;
  readonly error: Error | null;
  readonly refetch: () => void;
  /** The location's name, or a placeholder while locations load or for a location since removed. */
  readonly nameOf: (locationId: string | null) => string;
}

export const locationsQueryKey = ['locations'] as const;

export function useLocations(): Locations {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: locationsQueryKey,
    queryFn: ({ signal }) => listLocations(signal),
  });
  const { data, isPending, error, refetch } = query;
  return useMemo(() => {
    const byId = new Map((data ?? []).map((l) => [l.id, l.name]));
    return {
      locations: data ?? [],
      isPending,
      error,
      refetch: () => void refetch(),
      nameOf: (id) =>
        id === null ? '—' : (byId.get(id) ?? (isPending ? '…' : t('unknownLocation'))),
    };
  }, [data, isPending, error, refetch, t]);
}
