// The trunk form's default owner: who owns a call on the trunk when nothing in it names anyone
// (no metadata, or parties matching no one). A kind (none, person, workspace, virtual line) and a
// searchable select over that kind's directory list, found by name as one types.
import { SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TrunkDefaultOwner } from '@callvault/shared';
import {
  fetchPerson,
  fetchVirtualLine,
  fetchWorkspace,
  listPeople,
  listVirtualLines,
  listWorkspaces,
} from '../../api/directory.api.js';
import { toServerFilter } from '../../lib/search.js';

type OwnerKind = TrunkDefaultOwner['type'];

/** The kinds in the order offered; each is labelled `trunks:owner.<kind>`. */
const OWNER_KINDS: readonly OwnerKind[] = ['person', 'workspace', 'virtualLine'];

interface Option {
  readonly value: string;
  readonly label: string;
}

/** One page of the kind's directory, filtered by the typed name. */
async function searchOwners(kind: OwnerKind, term: string, signal: AbortSignal): Promise<Option[]> {
  const filter = toServerFilter(term) ?? {};
  switch (kind) {
    case 'person':
      return (await listPeople(filter, null, signal)).body.items.map((p) => ({
        value: p.id,
        label: p.emails[0] ? `${p.displayName} (${p.emails[0]})` : p.displayName,
      }));
    case 'workspace':
      return (await listWorkspaces(filter, null, signal)).body.items.map((w) => ({
        value: w.id,
        label: w.displayName,
      }));
    case 'virtualLine':
      return (await listVirtualLines(filter, null, signal)).body.virtualLines.map((v) => ({
        value: v.id,
        label: v.number.extension ? `${v.displayName} (${v.number.extension})` : v.displayName,
      }));
  }
}

/** The stored owner's name, for a value that is not on the first page of the list. */
async function nameOf(owner: TrunkDefaultOwner, signal: AbortSignal): Promise<string> {
  switch (owner.type) {
    case 'person':
      return (await fetchPerson(owner.id, signal)).displayName;
    case 'workspace':
      return (await fetchWorkspace(owner.id, signal)).displayName;
    case 'virtualLine':
      return (await fetchVirtualLine(owner.id, signal)).displayName;
  }
}

export function TrunkDefaultOwnerField(props: {
  readonly value: TrunkDefaultOwner | null;
  /** `choosing`: a kind is picked but no one of it yet (the form should not save then). */
  readonly onChange: (owner: TrunkDefaultOwner | null, choosing: boolean) => void;
  readonly error?: string | null;
}): ReactNode {
  const { value, onChange } = props;
  const { t, i18n } = useTranslation('trunks');
  const [kind, setKind] = useState<OwnerKind | 'none'>(value?.type ?? 'none');
  const [search, setSearch] = useState('');
  const [settled] = useDebouncedValue(search, 250);
  const owners = useQuery({
    queryKey: ['directory', kind, 'trunk-default-owner', settled],
    queryFn: ({ signal }) => (kind === 'none' ? [] : searchOwners(kind, settled, signal)),
    enabled: kind !== 'none',
    placeholderData: keepPreviousData,
  });
  const current = useQuery({
    queryKey: ['directory', 'trunk-default-owner-name', value],
    queryFn: ({ signal }) => (value ? nameOf(value, signal) : ''),
    enabled: value !== null,
  });
  const options = [...(owners.data ?? [])];
  if (value && value.type === kind && !options.some((o) => o.value === value.id)) {
    options.unshift({ value: value.id, label: current.data ?? value.id });
  }

  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {t('owner.label')}
      </Text>
      <Text size="xs" c="dimmed">
        {t('owner.help')}
      </Text>
      <SegmentedControl
        aria-label={t('owner.kindLabel')}
        value={kind}
        onChange={(next) => {
          setKind(next as OwnerKind | 'none');
          setSearch('');
          onChange(null, next !== 'none');
        }}
        data={[
          { value: 'none', label: t('owner.none') },
          ...OWNER_KINDS.map((k) => ({ value: k, label: t(`owner.${k}`) })),
        ]}
      />
      {kind !== 'none' && (
        <Select
          aria-label={t('owner.selectLabel', {
            kind: t(`owner.${kind}`).toLocaleLowerCase(i18n.language),
          })}
          placeholder={t('owner.placeholder')}
          searchable
          data={options}
          value={value?.type === kind ? value.id : null}
          onChange={(id) => onChange(id === null ? null : { type: kind, id }, id === null)}
          searchValue={search}
          onSearchChange={setSearch}
          nothingFoundMessage={owners.isFetching ? t('owner.searching') : t('owner.nobody')}
          comboboxProps={{ withinPortal: true }}
          filter={({ options: all }) => all}
          error={props.error}
        />
      )}
    </Stack>
  );
}
