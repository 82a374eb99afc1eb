// The confirmation every bulk action passes through (SPEC §7): what will happen to how many
// recordings, in words that say whether it can be undone, plus what the action needs (a new owner
// for reassign; a reason for a compliance officer's permanent delete).
import { useTranslation } from 'react-i18next';
import { Alert, Button, Group, Modal, Select, Stack, TextInput, Textarea } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import i18next from 'i18next';
import { useState, type ReactNode } from 'react';
import { listPeople } from '../../api/directory.api.js';
import type { BulkRecordingAction, RecordingBulkBody } from '@callvault/shared';
import { toServerFilter } from '../../lib/search.js';
import { IconAlert } from '../icons.js';

function warningOf(action: BulkRecordingAction, n: number): { text: string; danger: boolean } {
  return {
    text: i18next.t(`recordings:bulk.warning.${action}`, { count: n }),
    danger: action === 'purge' || action === 'delete',
  };
}

interface BulkActionDialogProps {
  /** The action being confirmed, or null when the dialog is closed. */
  readonly action: BulkRecordingAction | null;
  readonly ids: readonly string[];
  readonly pending: boolean;
  readonly onConfirm: (request: RecordingBulkBody) => void;
  readonly onClose: () => void;
}

export function BulkActionDialog(props: BulkActionDialogProps): ReactNode {
  const { t } = useTranslation(['recordings', 'common']);
  const { action } = props;
  return (
    <Modal
      opened={action !== null}
      onClose={props.onClose}
      title={action ? t('bulk.dialogTitle', { action: t(`bulk.action.${action}`) }) : ''}
      centered
      size="lg"
    >
      {action && <BulkActionForm key={action} {...props} action={action} />}
    </Modal>
  );
}

function BulkActionForm(
  props: BulkActionDialogProps & { readonly action: BulkRecordingAction },
): ReactNode {
  const { t } = useTranslation(['recordings', 'common']);
  const { action, ids, pending } = props;
  const [newOwner, setNewOwner] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [comment, setComment] = useState('');
  const warning = warningOf(action, ids.length);
  const ready =
    (action !== 'reassign' || newOwner !== null) && (action !== 'delete' || reason.trim() !== '');

  const confirm = (): void => {
    const request: RecordingBulkBody = {
      action,
      ids: [...ids],
      ...(action === 'reassign' && newOwner !== null ? { reassignOwnerEmail: newOwner } : {}),
      ...(action === 'delete'
        ? { reason: reason.trim(), ...(comment.trim() !== '' ? { comment: comment.trim() } : {}) }
        : {}),
    };
    props.onConfirm(request);
  };

  return (
    <Stack gap="md">
      <Alert
        color={warning.danger ? 'red' : 'yellow'}
        variant="light"
        icon={<IconAlert />}
        title={warning.danger ? t('bulk.cannotUndo') : t('bulk.confirm')}
      >
        {warning.text}
      </Alert>
      {action === 'reassign' && <PersonPicker value={newOwner} onChange={setNewOwner} />}
      {action === 'delete' && (
        <>
          <TextInput
            label={t('bulk.reason')}
            required
            maxLength={255}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            description={t('bulk.reasonHelp')}
          />
          <Textarea
            label={t('bulk.comment')}
            maxLength={255}
            autosize
            minRows={2}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            description={t('bulk.commentLength', { length: comment.length })}
          />
        </>
      )}
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={props.onClose} disabled={pending}>
          {t('common:actions.cancel')}
        </Button>
        <Button
          color={warning.danger ? 'red' : undefined}
          onClick={confirm}
          disabled={!ready}
          loading={pending}
        >
          {t('bulk.submit', { action: t(`bulk.action.${action}`), count: ids.length })}
        </Button>
      </Group>
    </Stack>
  );
}

/** A person of the org, found by name as one types; the value is their email. */
function PersonPicker({
  value,
  onChange,
}: {
  readonly value: string | null;
  readonly onChange: (email: string | null) => void;
}): ReactNode {
  const { t } = useTranslation(['recordings', 'common']);
  const [search, setSearch] = useState('');
  const [settled] = useDebouncedValue(search, 250);
  const filter = toServerFilter(settled) ?? {};
  const people = useQuery({
    queryKey: ['directory', 'people', 'picker', filter],
    queryFn: ({ signal }) => listPeople(filter, null, signal),
    placeholderData: keepPreviousData,
  });
  const options = (people.data?.body.items ?? [])
    .filter((p) => p.emails[0] !== undefined)
    .map((p) => ({ value: p.emails[0] ?? '', label: `${p.displayName} (${p.emails[0] ?? ''})` }));

  return (
    <Select
      label={t('bulk.newOwner')}
      placeholder={t('bulk.typeName')}
      required
      searchable
      data={options}
      value={value}
      onChange={onChange}
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage={people.isFetching ? t('bulk.searching') : t('bulk.noPerson')}
      comboboxProps={{ withinPortal: true }}
      filter={({ options: all }) => all}
    />
  );
}
