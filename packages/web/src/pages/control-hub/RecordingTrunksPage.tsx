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
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import type {
  RecordingTrunk,
  RecordingTrunkCreate,
  RecordingTrunkList,
  SiprecUri,
} from '@callvault/shared';
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
import { formatCount } from '../../lib/format.js';
import { findErrorField } from '../../lib/recording-form.js';
import { useCanEditSettings } from '../../lib/use-can-edit-settings.js';
import { TrunkDefaultOwnerField } from './TrunkDefaultOwnerField.js';

const trunksQueryKey = ['recordingTrunks'] as const;

/** Addresses as typed in the box: one per line, or separated by commas or spaces. */
export function splitSources(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

type Editing =
  { readonly mode: 'create' } | { readonly mode: 'edit'; readonly trunk: RecordingTrunk };

export function RecordingTrunksPage(): ReactNode {
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
      Add trunk
    </Button>
  );

  return (
    <>
      <PageHeader
        eyebrow="Control Hub"
        title="Recording trunks"
        description="Session border controllers and call systems allowed to send calls to Callvault for recording (SIPREC). Sessions from any other address are refused."
        actions={addButton}
      />
      {trunks.data && trunks.data.siprecUris.length > 0 && (
        <SiprecUrisCard uris={trunks.data.siprecUris} />
      )}
      <Card withBorder radius="md" padding={0}>
        {trunks.error ? (
          <ErrorAlert
            title="Could not load recording trunks"
            error={trunks.error}
            onRetry={() => void trunks.refetch()}
          />
        ) : trunks.isPending ? (
          <Text c="dimmed" p="lg" aria-busy="true">
            Loading recording trunks…
          </Text>
        ) : trunks.data.items.length === 0 ? (
          <EmptyState icon={<IconTrunk size={28} />} title="No recording trunks yet">
            Add the session border controller that forks your calls, with the addresses it sends
            from. Until then no SIPREC session is accepted.
          </EmptyState>
        ) : (
          <>
            <Table.ScrollContainer minWidth={720}>
              <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
                <Table.Thead bg="gray.0">
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Allowed sources</Table.Th>
                    <Table.Th>Authentication</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th w={170} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {trunks.data.items.map((t) => (
                    <Table.Tr key={t.id}>
                      <Table.Td fw={500}>{t.name}</Table.Td>
                      <Table.Td>
                        <Group gap={6}>
                          {t.allowedSources.map((s) => (
                            <Code key={s}>{s}</Code>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={2}>
                          {t.clientCertificate && (
                            <Text size="sm">
                              TLS client certificate · {describeRequirement(t.clientCertificate)}
                            </Text>
                          )}
                          {t.digest && (
                            <Text size="sm">
                              Digest · {t.digest.username}@{t.digest.realm}
                            </Text>
                          )}
                          {!t.digest && !t.clientCertificate && (
                            <Text size="sm" c="dimmed">
                              Source address only
                            </Text>
                          )}
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        <Badge
                          variant="light"
                          color={t.enabled ? 'teal' : 'gray'}
                          radius="sm"
                          tt="none"
                        >
                          {t.enabled ? 'Enabled' : 'Disabled'}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} justify="flex-end" wrap="nowrap">
                          <Button
                            variant="subtle"
                            size="compact-sm"
                            onClick={() => setEditing({ mode: 'edit', trunk: t })}
                            disabled={!canEdit}
                            aria-label={`Edit ${t.name}`}
                          >
                            Edit
                          </Button>
                          <Button
                            variant="subtle"
                            color="red"
                            size="compact-sm"
                            onClick={() => setDeleting(t)}
                            disabled={!canEdit}
                            aria-label={`Delete ${t.name}`}
                          >
                            Delete
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Text size="sm" c="dimmed" p="md">
              {formatCount(trunks.data.items.length, { one: 'trunk', other: 'trunks' })}
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
  const label = { udp: 'UDP', tcp: 'TCP', tls: 'TLS' } as const;
  return (
    <Card withBorder radius="md" padding="md" mb="md">
      <Text fw={600} size="sm">
        SIPREC URIs for your SBC
      </Text>
      <Text size="xs" c="dimmed" mb="xs">
        Configure the SBC&apos;s recording server (SRS) with one of these. Over TLS the SBC checks
        Callvault&apos;s certificate; a trunk below may also require the SBC&apos;s own.
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

function describeRequirement(c: NonNullable<RecordingTrunk['clientCertificate']>): string {
  const parts: string[] = [];
  if (c.caCertificates.length > 0) {
    parts.push(formatCount(c.caCertificates.length, { one: 'CA', other: 'CAs' }));
  }
  if (c.fingerprints.length > 0) {
    parts.push(formatCount(c.fingerprints.length, { one: 'pin', other: 'pins' }));
  }
  if (c.subjects.length > 0) parts.push(c.subjects.join(', '));
  return parts.join(' · ');
}

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
      toast({ title: existing ? 'Trunk saved' : 'Trunk added', message: trunk.name });
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
  const localErrors = {
    name: name.trim() === '' ? 'Give the trunk a name' : null,
    sources: splitSources(sources).length === 0 ? 'Add at least one address or CIDR' : null,
    country:
      country.trim() !== '' && !/^[A-Za-z]{2}$/.test(country.trim())
        ? 'Two letters (ISO 3166-1 alpha-2), or empty for the locations’ countries'
        : null,
    username: useDigest && username.trim() === '' ? 'Enter the digest username' : null,
    realm: useDigest && realm.trim() === '' ? 'Enter the digest realm' : null,
    password:
      useDigest && !keepsCredentials && password.length < 8
        ? 'The password needs at least 8 characters'
        : null,
    certificate:
      useCertificate && caBundle.trim() === '' && splitSources(fingerprints).length === 0
        ? 'Paste the CA certificates, or pin at least one fingerprint'
        : null,
    defaultOwner: choosingOwner ? 'Choose the default owner, or None' : null,
  };
  const shown = (error: string | null): string | null => (checked ? error : null);
  const serverField = save.error ? findErrorField(save.error, TRUNK_FIELDS) : null;
  const serverError = (field: (typeof TRUNK_FIELDS)[number]): string | null =>
    save.error && serverField === field ? describeError(save.error) : null;

  function submit(event: FormEvent): void {
    event.preventDefault();
    setChecked(true);
    if (Object.values(localErrors).some((e) => e !== null)) return;
    const digest = !useDigest
      ? null
      : keepsCredentials
        ? undefined
        : { username: username.trim(), realm: realm.trim(), password };
    save.mutate({
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
    });
  }

  return (
    <Modal
      opened
      onClose={props.onClose}
      title={<Text fw={650}>{existing ? `Edit ${existing.name}` : 'Add a recording trunk'}</Text>}
      size="lg"
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label="Name"
            placeholder="Stockholm SBC"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={shown(localErrors.name) ?? serverError('name')}
          />
          <Textarea
            label="Allowed sources"
            description="IP addresses or CIDR ranges the trunk sends from, one per line."
            placeholder={'192.0.2.10\n198.51.100.0/24'}
            required
            autosize
            minRows={3}
            value={sources}
            onChange={(e) => {
              setSources(e.currentTarget.value);
              if (serverField === 'allowedSources') save.reset();
            }}
            error={shown(localErrors.sources) ?? serverError('allowedSources')}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <Textarea
            label="Own SIP domains"
            description="Hosts whose user parts are this organization's extensions (sip:1001@pbx.example.com), one per line: a host name, an IP address, *.domain for its subdomains, or * for any host. Numbers and SIP addresses match on any host."
            placeholder={'pbx.example.com\n*.example.com\n192.0.2.10'}
            autosize
            minRows={2}
            value={ownDomains}
            onChange={(e) => {
              setOwnDomains(e.currentTarget.value);
              if (serverField === 'ownDomains') save.reset();
            }}
            error={serverError('ownDomains')}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <TextInput
            label="Dial-plan country"
            description="ISO 3166-1 alpha-2 country (SE, US…) of the national numbers this SBC sends (0760516936, 7602922410). Empty: each location's country."
            placeholder="SE"
            maxLength={2}
            value={country}
            onChange={(e) => setCountry(e.currentTarget.value)}
            error={shown(localErrors.country) ?? serverError('country')}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Media source
            </Text>
            <Text size="xs" c="dimmed">
              Where this SBC&apos;s RTP is taken from. &ldquo;First sender&rdquo; also accepts an
              SRC behind NAT: the first sender in the first 5 s of the call, whatever its address.
              Either way, one sender at a time.
            </Text>
            <SegmentedControl
              aria-label="Media source"
              value={mediaLatching}
              onChange={(value) => setMediaLatching(value as RecordingTrunk['mediaLatching'])}
              data={[
                { value: 'first-source', label: 'First sender (NAT)' },
                { value: 'signalled', label: 'SDP address only' },
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
            error={shown(localErrors.defaultOwner) ?? serverError('defaultOwner')}
          />
          <Switch
            label="Require digest authentication"
            description="The trunk must also answer a SIP digest challenge (RFC 3261 §22) with these credentials."
            checked={useDigest}
            onChange={(e) => setUseDigest(e.currentTarget.checked)}
          />
          {useDigest && (
            <Group grow align="flex-start">
              <TextInput
                label="Username"
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
                error={shown(localErrors.username)}
                autoComplete="off"
              />
              <TextInput
                label="Realm"
                value={realm}
                onChange={(e) => setRealm(e.currentTarget.value)}
                error={shown(localErrors.realm)}
                autoComplete="off"
              />
              <PasswordInput
                label="Password"
                placeholder={existing?.digest ? 'Unchanged' : undefined}
                description={existing?.digest ? 'Leave empty to keep it' : 'At least 8 characters'}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                error={shown(localErrors.password) ?? serverError('digest')}
                autoComplete="new-password"
              />
            </Group>
          )}
          <Switch
            label="Require a TLS client certificate (mutual TLS)"
            description="The SBC connects over TLS and presents a certificate from these CAs and/or with a pinned fingerprint; this trunk is then chosen by that certificate and never used over UDP or TCP. Clients without one are closed at the TLS handshake."
            checked={useCertificate}
            onChange={(e) => setUseCertificate(e.currentTarget.checked)}
          />
          {useCertificate && (
            <Stack gap="sm">
              <Textarea
                label="CA certificates (PEM)"
                description="The certificate authorities the SBC certificate must chain to (intermediates the SBC sends are followed). Empty: pins only."
                placeholder={'-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----'}
                autosize
                minRows={3}
                maxRows={10}
                value={caBundle}
                onChange={(e) => {
                  setCaBundle(e.currentTarget.value);
                  if (serverField === 'clientCertificate') save.reset();
                }}
                error={shown(localErrors.certificate) ?? serverError('clientCertificate')}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              />
              {stored && stored.caCertificates.length > 0 && (
                <Stack gap={2}>
                  {stored.caCertificates.map((c) => (
                    <Text key={c.fingerprint} size="xs" c="dimmed">
                      {c.subject} · expires {c.notAfter.slice(0, 10)}
                    </Text>
                  ))}
                </Stack>
              )}
              <Textarea
                label="Pinned SHA-256 fingerprints"
                description="The SBC certificate's SHA-256 fingerprint, one per line (openssl x509 -noout -fingerprint -sha256 -in sbc.pem). With CAs as well, both must match."
                placeholder="AB:CD:…"
                autosize
                minRows={1}
                value={fingerprints}
                onChange={(e) => setFingerprints(e.currentTarget.value)}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              />
              <Textarea
                label="Expected subject"
                description="Optional: DNS names, URIs or IP addresses of the certificate's subjectAltName (or its CN when it has none), one per line. Any one must match."
                placeholder="sbc1.example.com"
                autosize
                minRows={1}
                value={subjects}
                onChange={(e) => setSubjects(e.currentTarget.value)}
              />
            </Stack>
          )}
          <Switch
            label="Enabled"
            description="A disabled trunk keeps its settings but its sessions are refused."
            checked={enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          {save.error && serverField === null && (
            <ErrorAlert title="Not saved" error={save.error} />
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={props.onClose} disabled={save.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {existing ? 'Save' : 'Add trunk'}
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
  const queryClient = useQueryClient();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: (trunk: RecordingTrunk) => deleteRecordingTrunk(trunk.id),
    onSuccess: async (_r, trunk) => {
      await queryClient.invalidateQueries({ queryKey: trunksQueryKey });
      toast({ title: 'Trunk deleted', message: trunk.name });
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
      title={<Text fw={650}>Delete {props.trunk?.name}?</Text>}
      centered
    >
      <Stack gap="md">
        <Text size="sm">
          New recording sessions from its addresses will be refused. Recordings already made stay.
        </Text>
        {remove.error && <ErrorAlert title="Not deleted" error={remove.error} />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} disabled={remove.isPending}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => props.trunk && remove.mutate(props.trunk)}
          >
            Delete trunk
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
