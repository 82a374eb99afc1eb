// Placing a legal hold (SPEC §6), with a reason: on the recordings selected in Recordings (one
// hold per recording), or from the Legal holds page on an owner (a person, workspace or virtual
// line: all their recordings) or on the whole organisation.
import type { LegalHoldCreate } from '@callvault/shared';
import {
  Alert,
  Button,
  Group,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { createLegalHold } from '../../api/compliance.api.js';
import { listPeople, listVirtualLines, listWorkspaces } from '../../api/directory.api.js';
import { describeError } from '../../lib/error-messages.js';
import { toServerFilter } from '../../lib/search.js';
import { useToast } from '../Toaster.js';

/** How many matching owners the picker lists (they fit without scrolling). */
const OWNER_MATCHES_SHOWN = 6;

type Target =
  | { readonly kind: 'recordings'; readonly ids: readonly string[] }
  | { readonly kind: 'ownerOrOrg' };

type OwnerKind = 'person' | 'workspace' | 'virtualLine';

/** Places one hold per request, in order; stops at the first failure and says how far it got. */
async function placeHolds(requests: readonly LegalHoldCreate[]): Promise<number> {
  let done = 0;
  for (const request of requests) {
    try {
      await createLegalHold(request);
    } catch (error) {
      throw Object.assign(error instanceof Error ? error : new Error(String(error)), { done });
    }
    done++;
  }
  return done;
}

export function LegalHoldDialog(props: {
  readonly opened: boolean;
  readonly target: Target;
  readonly onClose: () => void;
  readonly onDone?: () => void;
}): ReactNode {
  const { t } = useTranslation('compliance');
  const title =
    props.target.kind === 'recordings'
      ? t('holds.bulkTitle', { count: props.target.ids.length })
      : t('holds.create');
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={title} centered size="lg">
      {props.opened && <LegalHoldForm {...props} />}
    </Modal>
  );
}

function LegalHoldForm({
  target,
  onClose,
  onDone,
}: {
  readonly target: Target;
  readonly onClose: () => void;
  readonly onDone?: () => void;
}): ReactNode {
  const { t } = useTranslation('compliance');
  const toast = useToast();
  const queryClient = useQueryClient();
  const [scope, setScope] = useState<'owner' | 'org'>('owner');
  const [ownerKind, setOwnerKind] = useState<OwnerKind>('person');
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [reason, setReason] = useState('');

  const requests = (): LegalHoldCreate[] => {
    const why = reason.trim();
    if (target.kind === 'recordings') {
      return target.ids.map((recordingId) => ({ scope: 'recording', recordingId, reason: why }));
    }
    if (scope === 'org') return [{ scope: 'org', reason: why }];
    return ownerId === null ? [] : [{ scope: 'owner', ownerId, reason: why }];
  };

  const place = useMutation({
    mutationFn: () => placeHolds(requests()),
    onSuccess: async (done) => {
      toast({
        title:
          target.kind === 'recordings'
            ? t('holds.createdToast', { count: done })
            : t('holds.createdOne'),
      });
      await queryClient.invalidateQueries({ queryKey: ['legal-holds'] });
      await queryClient.invalidateQueries({ queryKey: ['audit'] });
      onDone?.();
      onClose();
    },
    onError: async (error: Error & { done?: number }) => {
      const total = requests().length;
      toast({
        title: t('holds.createFailed'),
        message:
          error.done !== undefined && error.done > 0
            ? t('holds.bulkPartial', {
                done: error.done,
                count: total,
                error: describeError(error),
              })
            : describeError(error),
        tone: 'error',
      });
      await queryClient.invalidateQueries({ queryKey: ['legal-holds'] });
    },
  });

  const ready = reason.trim() !== '' && requests().length > 0;

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) place.mutate();
      }}
    >
      <Stack gap="md">
        {target.kind === 'recordings' ? (
          <Alert color="indigo" variant="light">
            {t('holds.bulkText', { count: target.ids.length })}
          </Alert>
        ) : (
          <>
            <Stack gap={4}>
              <Text size="sm" fw={500} id="hold-scope-label">
                {t('holds.scope')}
              </Text>
              <SegmentedControl
                aria-labelledby="hold-scope-label"
                value={scope}
                onChange={(v) => setScope(v as 'owner' | 'org')}
                data={[
                  { value: 'owner', label: t('holds.scopeOwner') },
                  { value: 'org', label: t('holds.scopeOrg') },
                ]}
                fullWidth
              />
            </Stack>
            {scope === 'owner' && (
              <>
                <Select
                  label={t('holds.ownerType')}
                  data={[
                    { value: 'person', label: t('holds.ownerPerson') },
                    { value: 'workspace', label: t('holds.ownerWorkspace') },
                    { value: 'virtualLine', label: t('holds.ownerVirtualLine') },
                  ]}
                  value={ownerKind}
                  allowDeselect={false}
                  onChange={(v) => {
                    setOwnerKind((v as OwnerKind | null) ?? 'person');
                    setOwnerId(null);
                  }}
                  comboboxProps={{ withinPortal: true }}
                />
                <OwnerPicker
                  key={ownerKind}
                  kind={ownerKind}
                  value={ownerId}
                  onChange={setOwnerId}
                />
              </>
            )}
          </>
        )}
        <Textarea
          label={t('holds.reason')}
          placeholder={t('holds.reasonPlaceholder')}
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
          <Button type="submit" disabled={!ready} loading={place.isPending}>
            {t('holds.confirmCreate')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function OwnerPicker({
  kind,
  value,
  onChange,
}: {
  readonly kind: OwnerKind;
  readonly value: string | null;
  readonly onChange: (id: string | null) => void;
}): ReactNode {
  const { t } = useTranslation('compliance');
  const [search, setSearch] = useState('');
  const [settled] = useDebouncedValue(search, 250);
  const owners = useQuery({
    queryKey: ['directory', kind, 'hold-picker', settled],
    queryFn: async ({ signal }): Promise<Array<{ value: string; label: string }>> => {
      if (kind === 'person') {
        const page = await listPeople(toServerFilter(settled) ?? {}, null, signal);
        return page.body.items.map((p) => ({
          value: p.id,
          label: p.emails[0] ? `${p.displayName} (${p.emails[0]})` : p.displayName,
        }));
      }
      const filter = settled.trim() === '' ? {} : { displayName: settled.trim() };
      if (kind === 'workspace') {
        const page = await listWorkspaces(filter, null, signal);
        return page.body.items.map((w) => ({ value: w.id, label: w.displayName }));
      }
      const page = await listVirtualLines(filter, null, signal);
      return page.body.virtualLines.map((v) => ({ value: v.id, label: v.displayName }));
    },
    placeholderData: keepPreviousData,
  });
  return (
    <Select
      label={t('holds.owner')}
      placeholder={t('holds.ownerPlaceholder')}
      required
      searchable
      data={owners.data ?? []}
      value={value}
      onChange={onChange}
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage={t('holds.nothingFound')}
      comboboxProps={{ withinPortal: true }}
      // The server searched already; only the first matches are listed.
      filter={({ options, limit }) => options.slice(0, limit)}
      // The first matches only, so the list never scrolls: a scrolling listbox has a scroll region
      // no key can reach (axe scrollable-region-focusable), and typing narrows the matches.
      limit={OWNER_MATCHES_SHOWN}
    />
  );
}
