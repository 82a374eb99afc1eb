// The confirmation every bulk action passes through (SPEC §7): what will happen to how many
// recordings, in words that say whether it can be undone, plus what the action needs (a new owner
// for reassign; a reason for a compliance officer's permanent delete).
import { Alert, Button, Group, Modal, Select, Stack, TextInput, Textarea } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { listPeople } from '../../api/directory.api.js';
import type { BulkRecordingAction, RecordingBulkBody } from '@callvault/shared';
import { toServerFilter } from '../../lib/search.js';
import { IconAlert } from '../icons.js';

export const BULK_ACTION_LABELS: Readonly<Record<BulkRecordingAction, string>> = {
  softDelete: 'Move to recycle bin',
  restore: 'Restore',
  purge: 'Purge',
  reassign: 'Reassign',
  delete: 'Delete permanently',
};

const count = (n: number): string => (n === 1 ? '1 recording' : `${n} recordings`);

function warningOf(action: BulkRecordingAction, n: number): { text: string; danger: boolean } {
  switch (action) {
    case 'softDelete':
      return {
        text: `${count(n)} will move to the recycle bin. Their owners no longer see them; an administrator can restore them until they are purged.`,
        danger: false,
      };
    case 'restore':
      return {
        text: `${count(n)} will leave the recycle bin and be available to their owners again.`,
        danger: false,
      };
    case 'purge':
      return {
        text: `${count(n)} will be purged: their audio is removed for good and cannot be restored. Recordings under a legal hold are kept.`,
        danger: true,
      };
    case 'reassign':
      return {
        text: `${count(n)} will belong to the person you choose. The previous owners lose access to them, and the new owner's access settings apply.`,
        danger: false,
      };
    case 'delete':
      return {
        text: `${count(n)} and their audio will be deleted permanently. This cannot be undone; the audit log keeps your reason.`,
        danger: true,
      };
  }
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
  const { action } = props;
  return (
    <Modal
      opened={action !== null}
      onClose={props.onClose}
      title={action ? `${BULK_ACTION_LABELS[action]}?` : ''}
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
        title={warning.danger ? 'This cannot be undone' : 'Please confirm'}
      >
        {warning.text}
      </Alert>
      {action === 'reassign' && <PersonPicker value={newOwner} onChange={setNewOwner} />}
      {action === 'delete' && (
        <>
          <TextInput
            label="Reason"
            required
            maxLength={255}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            description="Kept in the audit log with the deleted recordings' checksums."
          />
          <Textarea
            label="Comment"
            maxLength={255}
            autosize
            minRows={2}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            description={`${comment.length}/255 characters`}
          />
        </>
      )}
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={props.onClose} disabled={pending}>
          Cancel
        </Button>
        <Button
          color={warning.danger ? 'red' : undefined}
          onClick={confirm}
          disabled={!ready}
          loading={pending}
        >
          {BULK_ACTION_LABELS[action]} ({ids.length})
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
      label="New owner"
      placeholder="Type a name"
      required
      searchable
      data={options}
      value={value}
      onChange={onChange}
      searchValue={search}
      onSearchChange={setSearch}
      nothingFoundMessage={people.isFetching ? 'Searching…' : 'No person found'}
      comboboxProps={{ withinPortal: true }}
      filter={({ options: all }) => all}
    />
  );
}
