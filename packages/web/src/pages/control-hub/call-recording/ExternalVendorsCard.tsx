// External SIPREC recorders the organisation registered (`/api/recording-vendors`): they appear as
// recording providers for the org and its locations, each with its health from the recorders'
// OPTIONS probes (up; down since when, with the last error; not checked yet). A vendor in use
// cannot be deleted.
import {
  Badge,
  Button,
  Code,
  Group,
  Modal,
  PasswordInput,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  createRecordingVendor,
  deleteRecordingVendor,
  listRecordingVendors,
} from '../../../api/recording-settings.api.js';
import {
  METADATA_DIALECTS,
  type MetadataDialect,
  type OrgVendors,
  type RecordingVendor,
  type RecordingVendorHealth,
  type RecordingVendorWithHealth,
} from '@callvault/shared';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { IconPlus, IconTrash } from '../../../components/icons.js';
import { SettingsCard } from '../../../components/SettingsCard.js';
import { useToast } from '../../../components/Toaster.js';
import { describeError } from '../../../lib/error-messages.js';
import { formatDateTime } from '../../../lib/format.js';
import { findErrorField } from '../../../lib/recording-form.js';
import { callRecordingKeys } from './recording-queries.js';

/** How often the page asks again for the recorders' health (the probes run every 30 s). */
const HEALTH_REFRESH_MS = 30_000;

function VendorHealthBadge({
  health,
}: {
  readonly health: RecordingVendorHealth | null | undefined;
}): ReactNode {
  const { t, i18n } = useTranslation('callRecording');
  const lang = i18n.resolvedLanguage ?? 'en';
  if (!health || health.state === 'unknown') {
    return (
      <Badge variant="light" color="gray" radius="sm" tt="none">
        {t('externalVendors.unknown')}
      </Badge>
    );
  }
  const checked = health.checkedAt
    ? t('externalVendors.checkedAt', { when: formatDateTime(health.checkedAt, lang) })
    : undefined;
  if (health.state === 'up') {
    return (
      <Badge variant="light" color="green" radius="sm" tt="none" title={checked}>
        {t('externalVendors.up')}
      </Badge>
    );
  }
  return (
    <Text size="sm" c="red.8" title={checked}>
      {t('externalVendors.downSince', {
        when: health.downSince ? formatDateTime(health.downSince, lang) : '—',
        error: health.lastError ?? '',
      })}
    </Text>
  );
}

const VENDOR_FIELDS = ['name', 'sipUri', 'description', 'metadataDialect', 'digest'] as const;

/** How Callvault signals to the recorder: its metadata format, and digest when it asks for one. */
function VendorSignalling({
  vendor,
}: {
  readonly vendor: RecordingVendorWithHealth | undefined;
}): ReactNode {
  const { t } = useTranslation('callRecording');
  if (!vendor?.metadataDialect) return null;
  return (
    <Text size="xs" c="dimmed" mt={4}>
      {t(`externalVendors.dialect.${vendor.metadataDialect}`)}
      {vendor.digest &&
        ` · ${t('externalVendors.digestShown', {
          username: vendor.digest.username,
          realm: vendor.digest.realm,
        })}`}
    </Text>
  );
}

export function ExternalVendorsCard({
  vendors,
  canEdit,
}: {
  readonly vendors: OrgVendors;
  readonly canEdit: boolean;
}): ReactNode {
  const { t } = useTranslation('callRecording');
  const queryClient = useQueryClient();
  const toast = useToast();
  const [registering, setRegistering] = useState(false);
  const [deleting, setDeleting] = useState<RecordingVendor | null>(null);
  const external = vendors.vendors.filter((v) => !v.builtIn);
  const withHealth = useQuery({
    queryKey: [...callRecordingKeys.all, 'externalVendors'],
    queryFn: ({ signal }) => listRecordingVendors(signal),
    refetchInterval: HEALTH_REFRESH_MS,
    enabled: external.length > 0,
  });
  const healthOf = (id: string): RecordingVendorHealth | null | undefined =>
    withHealth.data?.find((v) => v.id === id)?.health;

  const remove = useMutation({
    mutationFn: (vendor: RecordingVendor) => deleteRecordingVendor(vendor.id),
    onSuccess: async (_r, vendor) => {
      await queryClient.invalidateQueries({ queryKey: callRecordingKeys.all });
      setDeleting(null);
      toast({
        title: t('externalVendors.removed'),
        message: t('externalVendors.removedMessage', { name: vendor.name }),
      });
    },
  });

  return (
    <SettingsCard
      title={t('externalVendors.title')}
      description={t('externalVendors.description')}
      aside={
        <Button
          variant="light"
          leftSection={<IconPlus size={16} />}
          onClick={() => setRegistering(true)}
          disabled={!canEdit}
        >
          {t('externalVendors.register')}
        </Button>
      }
    >
      {external.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('externalVendors.none')}
        </Text>
      ) : (
        <Table verticalSpacing="sm" aria-label={t('externalVendors.tableLabel')}>
          <Table.Thead bg="gray.0">
            <Table.Tr>
              <Table.Th>{t('externalVendors.name')}</Table.Th>
              <Table.Th>{t('externalVendors.sipUri')}</Table.Th>
              <Table.Th>{t('externalVendors.status')}</Table.Th>
              <Table.Th>{t('externalVendors.descriptionColumn')}</Table.Th>
              <Table.Th w={110} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {external.map((v) => (
              <Table.Tr key={v.id}>
                <Table.Td fw={500}>{v.name}</Table.Td>
                <Table.Td>
                  <Code>{v.sipUri}</Code>
                  <VendorSignalling vendor={withHealth.data?.find((w) => w.id === v.id)} />
                </Table.Td>
                <Table.Td>
                  <VendorHealthBadge health={healthOf(v.id)} />
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
                    aria-label={t('externalVendors.deleteLabel', { name: v.name })}
                  >
                    {t('externalVendors.delete')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {withHealth.error && (
        <ErrorAlert title={t('externalVendors.healthFailed')} error={withHealth.error} />
      )}

      <RegisterVendorModal opened={registering} onClose={() => setRegistering(false)} />

      <Modal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={
          <Text fw={650}>{t('externalVendors.deleteTitle', { name: deleting?.name ?? '' })}</Text>
        }
        centered
      >
        <Stack gap="md">
          <Text size="sm">{t('externalVendors.deleteBody')}</Text>
          {remove.error && (
            <ErrorAlert title={t('externalVendors.notDeleted')} error={remove.error} />
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setDeleting(null)}>
              {t('externalVendors.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => deleting && remove.mutate(deleting)}
            >
              {t('externalVendors.deleteConfirm')}
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
  const { t } = useTranslation('callRecording');
  const queryClient = useQueryClient();
  const toast = useToast();
  const empty = {
    name: '',
    sipUri: '',
    description: '',
    metadataDialect: 'rfc7865' as MetadataDialect,
    digestOn: false,
    username: '',
    realm: '',
    password: '',
  };
  const [values, setValues] = useState(empty);
  const [digestProblem, setDigestProblem] = useState(false);
  const create = useMutation({
    mutationFn: createRecordingVendor,
    onSuccess: async (vendor) => {
      await queryClient.invalidateQueries({ queryKey: callRecordingKeys.all });
      toast({
        title: t('externalVendors.registered'),
        message: t('externalVendors.registeredMessage', { name: vendor.name }),
      });
      close();
    },
  });
  const errorField = create.error ? findErrorField(create.error, VENDOR_FIELDS) : null;
  const fieldError = (field: (typeof VENDOR_FIELDS)[number]): string | null =>
    create.error && errorField === field ? describeError(create.error) : null;

  function close(): void {
    setValues(empty);
    setDigestProblem(false);
    create.reset();
    props.onClose();
  }

  function submit(event: FormEvent): void {
    event.preventDefault();
    const description = values.description.trim();
    const digest = {
      username: values.username.trim(),
      realm: values.realm.trim(),
      password: values.password,
    };
    // The server's rule: a digest needs all three (checked here first, in the reader's language).
    if (
      values.digestOn &&
      (digest.username === '' || digest.realm === '' || digest.password === '')
    ) {
      setDigestProblem(true);
      return;
    }
    setDigestProblem(false);
    create.mutate({
      name: values.name.trim(),
      sipUri: values.sipUri.trim(),
      ...(description === '' ? {} : { description }),
      metadataDialect: values.metadataDialect,
      ...(values.digestOn ? { digest } : {}),
    });
  }

  return (
    <Modal
      opened={props.opened}
      onClose={close}
      title={<Text fw={650}>{t('externalVendors.registerTitle')}</Text>}
      centered
      size="lg"
    >
      <form onSubmit={submit}>
        <Stack gap="md">
          <TextInput
            label={t('externalVendors.nameLabel')}
            placeholder={t('externalVendors.namePlaceholder')}
            required
            value={values.name}
            onChange={(e) => setValues({ ...values, name: e.currentTarget.value })}
            error={fieldError('name')}
          />
          <TextInput
            label={t('externalVendors.uriLabel')}
            description={t('externalVendors.uriDescription')}
            placeholder={t('externalVendors.uriPlaceholder')}
            required
            value={values.sipUri}
            onChange={(e) => setValues({ ...values, sipUri: e.currentTarget.value })}
            error={fieldError('sipUri')}
          />
          <Textarea
            label={t('externalVendors.descriptionLabel')}
            autosize
            minRows={2}
            value={values.description}
            onChange={(e) => setValues({ ...values, description: e.currentTarget.value })}
            error={fieldError('description')}
          />
          <Select
            label={t('externalVendors.dialectLabel')}
            description={t('externalVendors.dialectDescription')}
            data={METADATA_DIALECTS.map((d) => ({
              value: d,
              label: t(`externalVendors.dialect.${d}`),
            }))}
            value={values.metadataDialect}
            onChange={(v) =>
              setValues({ ...values, metadataDialect: (v ?? 'rfc7865') as MetadataDialect })
            }
            allowDeselect={false}
            error={fieldError('metadataDialect')}
          />
          <Switch
            label={t('externalVendors.digestLabel')}
            description={t('externalVendors.digestDescription')}
            checked={values.digestOn}
            onChange={(e) => setValues({ ...values, digestOn: e.currentTarget.checked })}
          />
          {values.digestOn && (
            <Stack gap="sm" pl="md">
              <TextInput
                label={t('externalVendors.digestUsername')}
                required
                autoComplete="off"
                value={values.username}
                onChange={(e) => setValues({ ...values, username: e.currentTarget.value })}
              />
              <TextInput
                label={t('externalVendors.digestRealm')}
                description={t('externalVendors.digestRealmDescription')}
                required
                value={values.realm}
                onChange={(e) => setValues({ ...values, realm: e.currentTarget.value })}
              />
              <PasswordInput
                label={t('externalVendors.digestPassword')}
                required
                autoComplete="new-password"
                value={values.password}
                onChange={(e) => setValues({ ...values, password: e.currentTarget.value })}
                error={digestProblem ? t('externalVendors.digestRequired') : fieldError('digest')}
              />
            </Stack>
          )}
          {create.error && errorField === null && (
            <ErrorAlert title={t('externalVendors.notRegistered')} error={create.error} />
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={create.isPending}>
              {t('externalVendors.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('externalVendors.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
