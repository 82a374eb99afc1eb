// Asks before deleting a directory entry, and says why the server refused (a location in use).
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from './messages.js';

export function DeleteModal(props: {
  readonly name: string;
  readonly onConfirm: () => Promise<unknown>;
  readonly onDone: () => void;
  readonly onClose: () => void;
}): ReactNode {
  const { t } = useTranslation('directory');
  const remove = useMutation({ mutationFn: props.onConfirm, onSuccess: props.onDone });
  return (
    <Modal
      opened
      onClose={props.onClose}
      title={<Text fw={650}>{t('delete.title', { name: props.name })}</Text>}
      centered
    >
      <Stack gap="md">
        <Text size="sm">{t('delete.text')}</Text>
        {remove.error && (
          <Alert color="red" title={t('delete.failed')} role="alert">
            {errorText(t, remove.error)}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={props.onClose} disabled={remove.isPending}>
            {t('action.cancel')}
          </Button>
          <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
            {t('action.delete')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
