// Sharing one of one's own recordings (SPEC §7): pick a person of the org, an optional last day
// and whether they may download. The server decides whether sharing is allowed at all; the
// console offers the action only where the person's access settings allow it.
import { Button, Checkbox, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { searchShareRecipients, shareRecording } from '../../api/sharing.api.js';
import { describeError } from '../../lib/error-messages.js';
import { useToast } from '../Toaster.js';

export interface ShareTarget {
  readonly id: string;
  readonly topic: string;
}

/** The end of the chosen day in the browser's time zone, as the API's ISO 8601 expiry. */
export function expirationOf(day: string): string | undefined {
  if (day === '') return undefined;
  const end = new Date(`${day}T23:59:59`);
  return Number.isNaN(end.getTime()) ? undefined : end.toISOString();
}

export function ShareDialog({
  recording,
  onClose,
}: {
  readonly recording: ShareTarget | null;
  readonly onClose: () => void;
}): ReactNode {
  const { t } = useTranslation('sharing');
  return (
    <Modal
      opened={recording !== null}
      onClose={onClose}
      title={recording ? t('share.title', { topic: recording.topic }) : ''}
      centered
    >
      {recording && <ShareForm key={recording.id} recording={recording} onClose={onClose} />}
    </Modal>
  );
}

function ShareForm({
  recording,
  onClose,
}: {
  readonly recording: ShareTarget;
  readonly onClose: () => void;
}): ReactNode {
  const { t } = useTranslation('sharing');
  const toast = useToast();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [recipient, setRecipient] = useState<{ value: string; label: string } | null>(null);
  const recipientId = recipient?.value ?? null;
  const [day, setDay] = useState('');
  const [allowDownload, setAllowDownload] = useState(false);
  // Once a person is chosen the field shows their label: search for nothing new then.
  const term = recipient !== null && search === recipient.label ? '' : search;
  const recipients = useQuery({
    queryKey: ['share-recipients', term],
    queryFn: ({ signal }) => searchShareRecipients(term, signal),
    staleTime: 60_000,
  });
  const options = (recipients.data ?? []).map((p) => ({
    value: p.id,
    label: `${p.displayName} (${p.email})`,
  }));
  const today = new Date();
  const minDay = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;

  const submit = useMutation({
    mutationFn: () =>
      shareRecording(recording.id, {
        recipientId: recipientId ?? '',
        downloadEnabled: allowDownload,
        ...(expirationOf(day) !== undefined ? { expiration: expirationOf(day) } : {}),
      }),
    onSuccess: async (share) => {
      toast({
        title: t('share.sharedTitle'),
        message: t('share.sharedMessage', { name: share.recipientName, topic: recording.topic }),
      });
      await queryClient.invalidateQueries({ queryKey: ['recording-shares', recording.id] });
      onClose();
    },
    onError: (error) =>
      toast({ title: t('share.failedTitle'), message: describeError(error), tone: 'error' }),
  });

  return (
    <Stack gap="md">
      <Text size="sm">{t('share.intro')}</Text>
      <Select
        label={t('share.recipient')}
        placeholder={t('share.recipientPlaceholder')}
        searchable
        data={
          recipient && !options.some((o) => o.value === recipient.value)
            ? [recipient, ...options]
            : options
        }
        value={recipientId}
        onChange={(value, option) =>
          setRecipient(value === null ? null : { value, label: option.label })
        }
        searchValue={search}
        onSearchChange={setSearch}
        nothingFoundMessage={recipients.isFetching ? '…' : t('share.recipientNothingFound')}
        filter={({ options: all }) => all}
        required
      />
      <TextInput
        type="date"
        label={t('share.expiration')}
        description={t('share.expirationHint')}
        value={day}
        min={minDay}
        onChange={(event) => setDay(event.currentTarget.value)}
      />
      <Checkbox
        label={t('share.allowDownload')}
        checked={allowDownload}
        onChange={(event) => setAllowDownload(event.currentTarget.checked)}
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} disabled={submit.isPending}>
          {t('share.cancel')}
        </Button>
        <Button
          onClick={() => submit.mutate()}
          loading={submit.isPending}
          disabled={recipientId === null}
        >
          {t('share.submit')}
        </Button>
      </Group>
    </Stack>
  );
}
