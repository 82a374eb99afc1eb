// Control Hub → Recording trunks: the SBCs and call systems allowed to open SIPREC sessions with
// Callvault, by source address and optionally digest credentials or, over TLS, a client
// certificate (mutual TLS: CA bundle, pinned fingerprints, expected subjects); and the SIPREC
// URIs an SBC is configured with (`/api/recording-trunks`).
import {
  Badge,
  Button,
  Card,
  Code,
  Group,
  Modal,
  PasswordInput,
  SegmentedControl,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Textarea,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  RecordingTrunk,
  RecordingTrunkCreate,
  RecordingTrunkList,
  SiprecUri,
} from '@callvault/shared';
import type { TFunction } from 'i18next';
import { api } from '../../api/client.js';
import {
  createRecordingTrunk,
  deleteRecordingTrunk,
  updateRecordingTrunk,
} from '../../api/recording-trunks.api.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { IconPlus, IconTrunk } from '../../components/icons.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useToast } from '../../components/Toaster.js';
import { describeError } from '../../lib/error-messages.js';
import { formatDate } from '../../lib/format.js';
import { findErrorField } from '../../lib/recording-form.js';
import { useCanEditSettings } from '../../lib/use-can-edit-settings.js';
import { TrunkDefaultOwnerField } from './TrunkDefaultOwnerField.js';
import { checkTrunkBody, splitSources, trunkProblemText, type TrunkField } from './trunk-form.js';

const trunksQueryKey = ['recordingTrunks'] as const;

type Editing =
  { readonly mode: 'create' } | { readonly mode: 'edit'; readonly trunk: RecordingTrunk };

export function RecordingTrunksPage(): ReactNode {
  const { t } = useTranslation(['trunks', 'controlHub']);
  const canEdit = useCanEditSettings();
  const trunks = useQuery({
    queryKey: trunksQueryKey,
    queryFn: ({ signal }) => api.get<RecordingTrunkList>('/api/recording-trunks', { signal }),
  });
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<RecordingTrunk | null>(null);

  const addButton = (
    <Button
      leftSection={<IconPlus size={16} />}
      onClick={() => setEditing({ mode: 'create' })}
      disabled={!canEdit}
    >
      {t('add')}
    </Button>
  );

  return (
    <>
      <PageHeader
        eyebrow={t('controlHub:eyebrow')}
        title={t('title')}
        description={t('description')}
        actions={addButton}
      />
      {trunks.data && trunks.data.siprecUris.length > 0 && (
        <SiprecUrisCard uris={trunks.data.siprecUris} />
      )}
      <Card withBorder radius="md" padding={0}>
        {trunks.error ? (
          <ErrorAlert
            title={t('loadFailed')}
            error={trunks.error}
            onRetry={() => void trunks.refetch()}
          />
        ) : trunks.isPending ? (
          <Text c="dimmed" p="lg" aria-busy="true">
            {t('loading')}
          </Text>
        ) : trunks.data.items.length === 0 ? (
          <EmptyState icon={<IconTrunk size={28} />} title={t('emptyTitle')}>
            {t('emptyText')}
          </EmptyState>
        ) : (
          <>
            <Table.ScrollContainer minWidth={720}>
              <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
                <Table.Thead bg="gray.0">
                  <Table.Tr>
                    <Table.Th>{t('column.name')}</Table.Th>
                    <Table.Th>{t('column.sources')}</Table.Th>
                    <Table.Th>{t('column.authentication')}</Table.Th>
                    <Table.Th>{t('column.status')}</Table.Th>
                    <Table.Th w={170}>
                      <VisuallyHidden>{t('column.actions')}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {trunks.data.items.map((trunk) => (
                    <Table.Tr key={trunk.id}>
                      <Table.Td fw={500}>{trunk.name}</Table.Td>
                      <Table.Td>
                        <Group gap={6}>
                          {trunk.allowedSources.map((s) => (
                            <Code key={s}>{s}</Code>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={2}>
                          {trunk.clientCertificate && (
                            <Text size="sm">
                              {t('auth.certificate', {
                                requirement: describeRequirement(t, trunk.clientCertificate),
                              })}
                            </Text>
                          )}
                          {trunk.digest && (
                            <Text size="sm">
                              {t('auth.digest', {
                                username: trunk.digest.username,
                                realm: trunk.digest.realm,
                              })}
                            </Text>
                          )}
                          {!trunk.digest && !trunk.clientCertificate && (
                            <Text size="sm" c="dimmed">
                              {t('auth.sourceOnly')}
                            </Text>
                          )}
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        <Badge
                          variant="light"
                          color={trunk.enabled ? 'teal' : 'gray'}
                          radius="sm"
                          tt="none"
                        >
                          {trunk.enabled ? t('enabled') : t('disabled')}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} justify="flex-end" wrap="nowrap">
                          <Button
                            variant="subtle"
                            size="compact-sm"
                            onClick={() => setEditing({ mode: 'edit', trunk })}
                            disabled={!canEdit}
                            aria-label={t('editLabel', { name: trunk.name })}
                          >
                            {t('edit')}
                          </Button>
                          <Button
                            variant="subtle"
                            color="red"
                            size="compact-sm"
                            onClick={() => setDeleting(trunk)}
                            disabled={!canEdit}
                            aria-label={t('deleteLabel', { name: trunk.name })}
                          >
                            {t('delete')}
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Text size="sm" c="dimmed" p="md">
              {t('count', { count: trunks.data.items.length })}
            </Text>
          </>
        )}
      </Card>

      {editing && (
        <TrunkModal
          key={editing.mode === 'edit' ? editing.trunk.id : 'new'}
          editing={editing}
          onClose={() => setEditing(null)}
        />
      )}
      <DeleteTrunkModal trunk={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}

/** Where SBCs send SIPREC: one line per transport, ready to copy into the SBC. */
function SiprecUrisCard(props: { readonly uris: readonly SiprecUri[] }): ReactNode {
  const { t } = useTranslation('trunks');
  const label = { udp: 'UDP', tcp: 'TCP', tls: 'TLS' } as const;
  return (
    <Card withBorder radius="md" padding="md" mb="md">
      <Text fw={600} size="sm">
        {t('uris.title')}
      </Text>
      <Text size="xs" c="dimmed" mb="xs">
        {t('uris.text')}
      </Text>
      <Stack gap={4}>
        {props.uris.map((u) => (
          <Group key={u.uri} gap="xs" wrap="nowrap">
            <Badge
              variant="light"
              radius="sm"
              w={60}
              color={u.transport === 'tls' ? 'teal' : 'gray'}
            >
              {label[u.transport]}
            </Badge>
            <Code>{u.uri}</Code>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}

function describeRequirement(
  t: TFunction<'trunks'>,
  c: NonNullable<RecordingTrunk['clientCertificate']>,
): string {
  const parts: string[] = [];
  if (c.caCertificates.length > 0) {
    parts.push(t('requirement.cas', { count: c.caCertificates.length }));
  }
  if (c.fingerprints.length > 0) {
    parts.push(t('requirement.pins', { count: c.fingerprints.length }));
  }
  if (c.subjects.length > 0) parts.push(c.subjects.join(', '));
  return parts.join(' · ');
}

/** Example values in the boxes: addresses and formats, the same in every language. */
const EXAMPLES = {
  sources: '192.0.2.10\n198.51.100.0/24',
  ownDomains: 'pbx.example.com\n*.example.com\n192.0.2.10',
  caBundle: '-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----',
  fingerprint: 'AB:CD:…',
  subject: 'sbc1.example.com',
} as const;

const TRUNK_FIELDS = [
  'name',
  'allowedSources',
  'digest',
  'country',
  'ownDomains',
  'clientCertificate',
  'defaultOwner',
] as const;

function TrunkModal(props: { readonly editing: Editing; readonly onClose: () => void }): ReactNode {
  const { t } = useTranslation('trunks');
  const queryClient = useQueryClient();
  const toast = useToast();
  const existing = props.editing.mode === 'edit' ? props.editing.trunk : null;
  const [name, setName] = useState(existing?.name ?? '');
  const [sources, setSources] = useState(existing?.allowedSources.join('\n') ?? '');
  const [enabled, setEnabled] = useState(existing?.enabled ?? true);
  const [ownDomains, setOwnDomains] = useState(existing?.ownDomains.join('\n') ?? '');
  const [country, setCountry] = useState(existing?.country ?? '');
  const [mediaLatching, setMediaLatching] = useState<RecordingTrunk['mediaLatching']>(
    existing?.mediaLatching ?? 'first-source',
  );
  const [useDigest, setUseDigest] = useState(existing?.digest != null);
  const [username, setUsername] = useState(existing?.digest?.username ?? '');
  const [realm, setRealm] = useState(existing?.digest?.realm ?? '');
  const [password, setPassword] = useState('');
  const stored = existing?.clientCertificate ?? null;
  const [useCertificate, setUseCertificate] = useState(stored !== null);
  const [caBundle, setCaBundle] = useState(stored?.caBundle ?? '');
  const [fingerprints, setFingerprints] = useState(stored?.fingerprints.join('\n') ?? '');
  const [subjects, setSubjects] = useState(stored?.subjects.join('\n') ?? '');
  const [defaultOwner, setDefaultOwner] = useState(existing?.defaultOwner ?? null);
  const [choosingOwner, setChoosingOwner] = useState(false);
  const [checked, setChecked] = useState(false);

  const save = useMutation({
    mutationFn: (input: RecordingTrunkCreate) =>
      existing ? updateRecordingTrunk(existing.id, input) : createRecordingTrunk(input),
    onSuccess: async (trunk) => {
      await queryClient.invalidateQueries({ queryKey: trunksQueryKey });
      toast({ title: existing ? t('form.saved') : t('form.added'), message: trunk.name });
      props.onClose();
    },
  });

  // Keeping the stored credentials needs no password; new or changed credentials do.
  const keepsCredentials =
    existing?.digest != null &&
    useDigest &&
    password === '' &&
    username === existing.digest.username &&
    realm === existing.digest.realm;
  // The body as it would be sent: a switched-off digest or certificate is null, so not checked.
  const digest = !useDigest
    ? null
    : keepsCredentials
      ? undefined
      : { username: username.trim(), realm: realm.trim(), password };
  const body: RecordingTrunkCreate = {
    name: name.trim(),
    allowedSources: splitSources(sources),
    enabled,
    country: country.trim() === '' ? null : country.trim().toUpperCase(),
    ownDomains: splitSources(ownDomains),
    mediaLatching,
    ...(digest === undefined ? {} : { digest }),
    clientCertificate: useCertificate
      ? {
          caBundle: caBundle.trim() === '' ? null : caBundle.trim(),
          fingerprints: splitSources(fingerprints),
          subjects: splitSources(subjects),
        }
      : null,
    defaultOwner,
  };
  const problems = checkTrunkBody(body, { choosingOwner });
  const shown = (field: TrunkField): string | null => {
    const problem = problems[field];
    return checked && problem ? trunkProblemText(t, problem) : null;
  };
  const serverField = save.error ? findErrorField(save.error, TRUNK_FIELDS) : null;
  const serverError = (field: (typeof TRUNK_FIELDS)[number]): string | null =>
    save.error && serverField === field ? describeError(save.error) : null;

  function submit(event: FormEvent): void {
    event.preventDefault();
    setChecked(true);
    if (Object.keys(problems).length > 0) return;
    save.mutate(body);
  }

  return (
    <Modal
      opened
      onClose={props.onClose}
      title={
        <Text fw={650}>
          {existing ? t('form.editTitle', { name: existing.name }) : t('form.addTitle')}
        </Text>
      }
      size="lg"
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label={t('form.name')}
            placeholder={t('form.namePlaceholder')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={shown('name') ?? serverError('name')}
          />
          <Textarea
            label={t('form.sources')}
            description={t('form.sourcesHelp')}
            placeholder={EXAMPLES.sources}
            required
            autosize
            minRows={3}
            value={sources}
            onChange={(e) => {
              setSources(e.currentTarget.value);
              if (serverField === 'allowedSources') save.reset();
            }}
            error={shown('sources') ?? serverError('allowedSources')}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <Textarea
            label={t('form.ownDomains')}
            description={t('form.ownDomainsHelp')}
            placeholder={EXAMPLES.ownDomains}
            autosize
            minRows={2}
            value={ownDomains}
            onChange={(e) => {
              setOwnDomains(e.currentTarget.value);
              if (serverField === 'ownDomains') save.reset();
            }}
            error={shown('ownDomains') ?? serverError('ownDomains')}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <TextInput
            label={t('form.country')}
            description={t('form.countryHelp')}
            placeholder="SE"
            maxLength={2}
            value={country}
            onChange={(e) => setCountry(e.currentTarget.value)}
            error={shown('country') ?? serverError('country')}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('form.mediaSource')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('form.mediaSourceHelp')}
            </Text>
            <SegmentedControl
              aria-label={t('form.mediaSource')}
              value={mediaLatching}
              onChange={(value) => setMediaLatching(value as RecordingTrunk['mediaLatching'])}
              data={[
                { value: 'first-source', label: t('form.firstSource') },
                { value: 'signalled', label: t('form.signalled') },
              ]}
            />
          </Stack>
          <TrunkDefaultOwnerField
            value={defaultOwner}
            onChange={(owner, choosing) => {
              setDefaultOwner(owner);
              setChoosingOwner(choosing);
              if (serverField === 'defaultOwner') save.reset();
            }}
            error={shown('defaultOwner') ?? serverError('defaultOwner')}
          />
          <Switch
            label={t('form.digest')}
            description={t('form.digestHelp')}
            checked={useDigest}
            onChange={(e) => setUseDigest(e.currentTarget.checked)}
          />
          {useDigest && (
            <Group grow align="flex-start">
              <TextInput
                label={t('form.username')}
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
                error={shown('username')}
                autoComplete="off"
              />
              <TextInput
                label={t('form.realm')}
                value={realm}
                onChange={(e) => setRealm(e.currentTarget.value)}
                error={shown('realm')}
                autoComplete="off"
              />
              <PasswordInput
                label={t('form.password')}
                placeholder={existing?.digest ? t('form.passwordUnchanged') : undefined}
                description={
                  existing?.digest ? t('form.passwordKeep') : t('form.passwordHelp', { count: 8 })
                }
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                error={shown('password') ?? serverError('digest')}
                autoComplete="new-password"
              />
            </Group>
          )}
          <Switch
            label={t('form.certificate')}
            description={t('form.certificateHelp')}
            checked={useCertificate}
            onChange={(e) => setUseCertificate(e.currentTarget.checked)}
          />
          {useCertificate && (
            <Stack gap="sm">
              <Textarea
                label={t('form.caBundle')}
                description={t('form.caBundleHelp')}
                placeholder={EXAMPLES.caBundle}
                autosize
                minRows={3}
                maxRows={10}
                value={caBundle}
                onChange={(e) => {
                  setCaBundle(e.currentTarget.value);
                  if (serverField === 'clientCertificate') save.reset();
                }}
                error={shown('certificate') ?? serverError('clientCertificate')}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              />
              {stored && stored.caCertificates.length > 0 && (
                <Stack gap={2}>
                  {stored.caCertificates.map((c) => (
                    <Text key={c.fingerprint} size="xs" c="dimmed">
                      {t('form.caExpires', { subject: c.subject, date: formatDate(c.notAfter) })}
                    </Text>
                  ))}
                </Stack>
              )}
              <Textarea
                label={t('form.fingerprints')}
                description={t('form.fingerprintsHelp')}
                placeholder={EXAMPLES.fingerprint}
                autosize
                minRows={1}
                value={fingerprints}
                onChange={(e) => setFingerprints(e.currentTarget.value)}
                error={shown('fingerprints')}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              />
              <Textarea
                label={t('form.subjects')}
                description={t('form.subjectsHelp')}
                placeholder={EXAMPLES.subject}
                autosize
                minRows={1}
                value={subjects}
                onChange={(e) => setSubjects(e.currentTarget.value)}
                error={shown('subjects')}
              />
            </Stack>
          )}
          <Switch
            label={t('form.enabled')}
            description={t('form.enabledHelp')}
            checked={enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          {save.error && serverField === null && (
            <ErrorAlert title={t('form.notSaved')} error={save.error} />
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={props.onClose} disabled={save.isPending}>
              {t('form.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {existing ? t('form.save') : t('add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DeleteTrunkModal(props: {
  readonly trunk: RecordingTrunk | null;
  readonly onClose: () => void;
}): ReactNode {
  const { t } = useTranslation('trunks');
  const queryClient = useQueryClient();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: (trunk: RecordingTrunk) => deleteRecordingTrunk(trunk.id),
    onSuccess: async (_r, trunk) => {
      await queryClient.invalidateQueries({ queryKey: trunksQueryKey });
      toast({ title: t('remove.deleted'), message: trunk.name });
      close();
    },
  });
  function close(): void {
    remove.reset();
    props.onClose();
  }
  return (
    <Modal
      opened={props.trunk !== null}
      onClose={close}
      title={<Text fw={650}>{t('remove.title', { name: props.trunk?.name ?? '' })}</Text>}
      centered
    >
      <Stack gap="md">
        <Text size="sm">{t('remove.text')}</Text>
        {remove.error && <ErrorAlert title={t('remove.notDeleted')} error={remove.error} />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} disabled={remove.isPending}>
            {t('form.cancel')}
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => props.trunk && remove.mutate(props.trunk)}
          >
            {t('remove.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
