// External SIPREC recorders the organisation registered (`/api/recording-vendors`): they appear as
// recording providers for the org and its locations. A vendor in use cannot be deleted.
import { Button, Code, Group, Modal, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import {
  createRecordingVendor,
  deleteRecordingVendor,
} from '../../../api/recording-settings.api.js';
import type { OrgVendors, RecordingVendor } from '@callvault/shared';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { IconPlus, IconTrash } from '../../../components/icons.js';
import { SettingsCard } from '../../../components/SettingsCard.js';
import { useToast } from '../../../components/Toaster.js';
import { describeError } from '../../../lib/error-messages.js';
import { findErrorField } from '../../../lib/recording-form.js';
import { callRecordingKeys } from './recording-queries.js';

const VENDOR_FIELDS = ['name', 'sipUri', 'description'] as const;

export function ExternalVendorsCard({
  vendors,
  canEdit,
}: {
  readonly vendors: OrgVendors;
  readonly canEdit: boolean;
}): ReactNode {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [registering, setRegistering] = useState(false);
  const [deleting, setDeleting] = useState<RecordingVendor | null>(null);
  const external = vendors.vendors.filter((v) => !v.builtIn);

  const remove = useMutation({
    mutationFn: (vendor: RecordingVendor) => deleteRecordingVendor(vendor.id),
    onSuccess: async (_r, vendor) => {
      await queryClient.invalidateQueries({ queryKey: callRecordingKeys.all });
      setDeleting(null);
      toast({ title: 'Recorder removed', message: `${vendor.name} is no longer a provider.` });
    },
  });

  return (
    <SettingsCard
      title="External recorders"
      description="SIPREC recorders outside Callvault that you can choose as a provider. Callvault sends them the call's media instead of recording it itself."
      aside={
        <Button
          variant="light"
          leftSection={<IconPlus size={16} />}
          onClick={() => setRegistering(true)}
          disabled={!canEdit}
        >
          Register recorder
        </Button>
      }
    >
      {external.length === 0 ? (
        <Text size="sm" c="dimmed">
          No external recorders registered. Calls are recorded by Callvault itself.
        </Text>
      ) : (
        <Table verticalSpacing="sm" aria-label="External recorders">
          <Table.Thead bg="gray.0">
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>SIPREC URI</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th w={110} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {external.map((v) => (
              <Table.Tr key={v.id}>
                <Table.Td fw={500}>{v.name}</Table.Td>
                <Table.Td>
                  <Code>{v.sipUri}</Code>
                </Table.Td>
                <Table.Td c={v.description ? undefined : 'dimmed'}>{v.description || '—'}</Table.Td>
                <Table.Td ta="right">
                  <Button
                    variant="subtle"
                    color="red"
                    size="compact-sm"
                    leftSection={<IconTrash size={14} />}
                    disabled={!canEdit}
                    onClick={() => {
                      remove.reset();
                      setDeleting(v);
                    }}
                    aria-label={`Delete ${v.name}`}
                  >
                    Delete
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      <RegisterVendorModal opened={registering} onClose={() => setRegistering(false)} />

      <Modal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={<Text fw={650}>Delete {deleting?.name}?</Text>}
        centered
      >
        <Stack gap="md">
          <Text size="sm">
            It stops being offered as a recording provider. A recorder the organisation or a
            location still uses cannot be deleted: choose another provider first.
          </Text>
          {remove.error && <ErrorAlert title="Not deleted" error={remove.error} />}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => deleting && remove.mutate(deleting)}
            >
              Delete recorder
            </Button>
          </Group>
        </Stack>
      </Modal>
    </SettingsCard>
  );
}

function RegisterVendorModal(props: {
  readonly opened: boolean;
  readonly onClose: () => void;
}): ReactNode {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [values, setValues] = useState({ name: '', sipUri: '', description: '' });
  const create = useMutation({
    mutationFn: createRecordingVendor,
    onSuccess: async (vendor) => {
      await queryClient.invalidateQueries({ queryKey: callRecordingKeys.all });
      toast({ title: 'Recorder registered', message: `${vendor.name} can now be chosen.` });
      close();
    },
  });
  const errorField = create.error ? findErrorField(create.error, VENDOR_FIELDS) : null;
  const fieldError = (field: (typeof VENDOR_FIELDS)[number]): string | null =>
    create.error && errorField === field ? describeError(create.error) : null;

  function close(): void {
    setValues({ name: '', sipUri: '', description: '' });
    create.reset();
    props.onClose();
  }

  function submit(event: FormEvent): void {
    event.preventDefault();
    const description = values.description.trim();
    create.mutate({
      name: values.name.trim(),
      sipUri: values.sipUri.trim(),
      ...(description === '' ? {} : { description }),
    });
  }

  return (
    <Modal
      opened={props.opened}
      onClose={close}
      title={<Text fw={650}>Register an external recorder</Text>}
      centered
      size="lg"
    >
      <form onSubmit={submit}>
        <Stack gap="md">
          <TextInput
            label="Name"
            placeholder="Archive recorder"
            required
            value={values.name}
            onChange={(e) => setValues({ ...values, name: e.currentTarget.value })}
            error={fieldError('name')}
          />
          <TextInput
            label="SIPREC URI"
            description="Where Callvault sends the recording session, e.g. sip:recorder@10.0.0.5:5060"
            placeholder="sip:recorder@example.net"
            required
            value={values.sipUri}
            onChange={(e) => setValues({ ...values, sipUri: e.currentTarget.value })}
            error={fieldError('sipUri')}
          />
          <Textarea
            label="Description"
            autosize
            minRows={2}
            value={values.description}
            onChange={(e) => setValues({ ...values, description: e.currentTarget.value })}
            error={fieldError('description')}
          />
          {create.error && errorField === null && (
            <ErrorAlert title="Not registered" error={create.error} />
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Register
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
