// The call-recording form of one person, workspace or virtual line (SPEC §3.3): every field with
// its Webex label, the checks the server makes (with its words), the server's own errors next to
// the field they are about, and the read-only platform information.
import {
  Alert,
  Breadcrumbs,
  Card,
  Checkbox,
  Group,
  NumberInput,
  Radio,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../../../api/client.js';
import { fetchPerson, fetchVirtualLine, fetchWorkspace } from '../../../api/directory.api.js';
import { updateEntityRecording } from '../../../api/recording-settings.api.js';
import { type AccessSettings, type EntityCallRecording, RECORD_MODES } from '@callvault/shared';
import type { RecordableKind } from '../../../api/recording-settings.api.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { RouterAnchor } from '../../../components/RouterLinks.js';
import { FormActions, SettingsCard } from '../../../components/SettingsCard.js';
import { useToast } from '../../../components/Toaster.js';
import { describeError } from '../../../lib/error-messages.js';
import {
  NOTIFICATION_TYPE_LABELS,
  RECORD_MODE_DESCRIPTIONS,
  RECORD_MODE_LABELS,
  REPEAT_INTERVAL_MAX,
  REPEAT_INTERVAL_MIN,
  findErrorField,
  toEntityForm,
  toEntityUpdate,
  validateEntityForm,
  type EntityRecordingForm,
} from '../../../lib/recording-form.js';
import { useCanEditSettings } from '../../../lib/use-can-edit-settings.js';
import { CardSkeleton } from './CallRecordingSettingsPage.js';
import { entityRecordingQuery } from './recording-queries.js';

const KIND_INFO = {
  person: {
    list: '/control-hub/people',
    listLabel: 'People',
    noun: 'person',
    load: async (id: string, signal: AbortSignal) => (await fetchPerson(id, signal)).displayName,
  },
  workspace: {
    list: '/control-hub/workspaces',
    listLabel: 'Workspaces',
    noun: 'workspace',
    load: async (id: string, signal: AbortSignal) => (await fetchWorkspace(id, signal)).displayName,
  },
  virtualLine: {
    list: '/control-hub/virtual-lines',
    listLabel: 'Virtual lines',
    noun: 'virtual line',
    load: async (id: string, signal: AbortSignal) =>
      (await fetchVirtualLine(id, signal)).displayName,
  },
} as const satisfies Record<RecordableKind, unknown>;

const ACCESS_LABELS: Readonly<Record<keyof AccessSettings, string>> = {
  viewAndPlayRecordingsEnabled: 'View and play recordings',
  downloadRecordingsEnabled: 'Download recordings',
  deleteRecordingsEnabled: 'Delete recordings',
  shareRecordingsEnabled: 'Share recordings',
};

/** Server messages that name one of these fields are shown under it. */
const SERVER_FIELDS = ['repeat.interval', 'record', 'notification.type'] as const;

export function EntityRecordingPage({
  kind,
  id,
}: {
  readonly kind: RecordableKind;
  readonly id: string;
}): ReactNode {
  const info = KIND_INFO[kind];
  const canEdit = useCanEditSettings();
  const name = useQuery({
    queryKey: ['directory', kind, id],
    queryFn: ({ signal }) => info.load(id, signal),
  });
  const settings = useQuery(entityRecordingQuery(kind, id));
  const title = name.data ?? (name.isPending ? '…' : `This ${info.noun}`);

  return (
    <>
      <Breadcrumbs mb="sm" separator="›" fz="sm">
        <RouterAnchor to={info.list} size="sm">
          {info.listLabel}
        </RouterAnchor>
        <Text size="sm" c="dimmed">
          {title}
        </Text>
      </Breadcrumbs>
      <PageHeader
        eyebrow="Call recording"
        title={title}
        description={`How calls of this ${info.noun} are recorded. Recording also needs to be on for the organisation.`}
      />
      {!canEdit && (
        <Alert variant="light" color="gray" mb="lg">
          You have read-only access: an administrator with full rights can change these settings.
        </Alert>
      )}
      {settings.error ? (
        <ErrorAlert
          title="Could not load the recording settings"
          error={settings.error}
          onRetry={() => void settings.refetch()}
        />
      ) : settings.data ? (
        <EntityRecordingForm kind={kind} id={id} settings={settings.data} canEdit={canEdit} />
      ) : (
        <Stack gap="lg">
          <CardSkeleton />
          <CardSkeleton />
        </Stack>
      )}
    </>
  );
}

function EntityRecordingForm(props: {
  readonly kind: RecordableKind;
  readonly id: string;
  readonly settings: EntityCallRecording;
  readonly canEdit: boolean;
}): ReactNode {
  const { kind, id, settings, canEdit } = props;
  const queryClient = useQueryClient();
  const toast = useToast();
  const [saved, setSaved] = useState(() => toEntityForm(settings));
  const [form, setForm] = useState(saved);
  const [showErrors, setShowErrors] = useState(false);
  const intervalInput = useRef<HTMLInputElement>(null);
  const errors = validateEntityForm(form);
  const save = useMutation({
    mutationFn: (values: EntityRecordingForm) =>
      updateEntityRecording(kind, id, toEntityUpdate(values)),
    onSuccess: async (_r, values) => {
      setSaved(values);
      setShowErrors(false);
      await queryClient.invalidateQueries({ queryKey: entityRecordingQuery(kind, id).queryKey });
      toast({ title: 'Call recording settings saved' });
    },
  });
  const dirty = JSON.stringify(form) !== JSON.stringify(saved);
  const serverField = save.error ? findErrorField(save.error, SERVER_FIELDS) : null;
  const serverError = (field: (typeof SERVER_FIELDS)[number]): string | null =>
    save.error && serverField === field ? describeError(save.error) : null;
  const intervalError =
    (showErrors ? errors.repeatInterval : undefined) ?? serverError('repeat.interval');
  const licenceProblem =
    save.error instanceof ApiError && save.error.errorCode === 'LICENSE_REQUIRED';

  const set = (patch: Partial<EntityRecordingForm>): void => {
    setForm((current) => ({ ...current, ...patch }));
  };

  function submit(event: FormEvent): void {
    event.preventDefault();
    setShowErrors(true);
    if (validateEntityForm(form).repeatInterval !== undefined) {
      // Centred, so the save bar stuck to the bottom of the window does not hide the message.
      intervalInput.current?.focus({ preventScroll: true });
      intervalInput.current?.scrollIntoView({ block: 'center' });
      return;
    }
    save.mutate(form);
  }

  const off = !form.enabled;
  const locked = !canEdit;

  return (
    <form onSubmit={submit} aria-label="Call recording settings" noValidate>
      <Stack gap="lg">
        <SettingsCard
          title="Recording"
          description="Whether this line's calls are recorded, and when."
          aside={
            <Switch
              label="Call recording"
              checked={form.enabled}
              onChange={(e) => set({ enabled: e.currentTarget.checked })}
              disabled={locked}
              labelPosition="left"
              size="md"
            />
          }
        >
          <Stack gap="lg">
            <Radio.Group
              label="Record"
              value={form.record}
              onChange={(value) => {
                const mode = RECORD_MODES.find((m) => m === value);
                if (mode) set({ record: mode });
              }}
              error={serverError('record')}
            >
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" mt="xs">
                {RECORD_MODES.map((mode) => (
                  <Radio
                    key={mode}
                    value={mode}
                    label={RECORD_MODE_LABELS[mode]}
                    description={RECORD_MODE_DESCRIPTIONS[mode]}
                    disabled={locked || off}
                  />
                ))}
              </SimpleGrid>
            </Radio.Group>
            <Switch
              label="Record voicemail"
              description="Messages left for this line are recorded too."
              checked={form.recordVoicemailEnabled}
              onChange={(e) => set({ recordVoicemailEnabled: e.currentTarget.checked })}
              disabled={locked || off}
            />
          </Stack>
        </SettingsCard>

        <SettingsCard
          title="Announcements and tones"
          description="What the parties hear while a call is recorded. A compliance announcement set for the organisation or location replaces the start/stop announcement when it plays."
        >
          <Stack gap="xl">
            <Stack gap="xs">
              <Text fw={500} size="sm">
                Play recording start/stop announcement
              </Text>
              <Group gap="xl">
                <Checkbox
                  label="Internal calls"
                  checked={form.internalCallsEnabled}
                  onChange={(e) => set({ internalCallsEnabled: e.currentTarget.checked })}
                  disabled={locked || off}
                />
                <Checkbox
                  label="PSTN calls"
                  checked={form.pstnCallsEnabled}
                  onChange={(e) => set({ pstnCallsEnabled: e.currentTarget.checked })}
                  disabled={locked || off}
                />
              </Group>
            </Stack>

            <Group align="flex-start" gap="xl">
              <Switch
                label="Pause/resume notification"
                description="Played when the user pauses or resumes recording."
                checked={form.notificationEnabled}
                onChange={(e) => set({ notificationEnabled: e.currentTarget.checked })}
                disabled={locked || off}
                style={{ flex: '1 1 280px' }}
              />
              <Stack gap={4}>
                <Text size="sm" fw={500} id="notification-type-label">
                  Notification type
                </Text>
                <SegmentedControl
                  aria-labelledby="notification-type-label"
                  data={[
                    { value: 'Beep', label: NOTIFICATION_TYPE_LABELS.Beep },
                    {
                      value: 'Play Announcement',
                      label: NOTIFICATION_TYPE_LABELS['Play Announcement'],
                    },
                  ]}
                  value={form.notificationType}
                  onChange={(value) =>
                    set({ notificationType: value === 'Beep' ? 'Beep' : 'Play Announcement' })
                  }
                  disabled={locked || off || !form.notificationEnabled}
                />
                {serverError('notification.type') !== null && (
                  <Text size="xs" c="red">
                    {serverError('notification.type')}
                  </Text>
                )}
              </Stack>
            </Group>

            <Group align="flex-start" gap="xl">
              <Switch
                label="Repeat tone"
                description="A short tone at a regular interval reminds both parties the call is recorded."
                checked={form.repeatEnabled}
                onChange={(e) => set({ repeatEnabled: e.currentTarget.checked })}
                disabled={locked || off}
                style={{ flex: '1 1 280px' }}
              />
              <NumberInput
                ref={intervalInput}
                label="Repeat tone interval (seconds)"
                description={`${REPEAT_INTERVAL_MIN}–${REPEAT_INTERVAL_MAX} seconds`}
                value={form.repeatInterval}
                onChange={(value) => {
                  set({ repeatInterval: value });
                  if (save.error) save.reset();
                }}
                onBlur={() => setShowErrors(true)}
                allowDecimal={false}
                allowNegative={false}
                clampBehavior="none"
                min={REPEAT_INTERVAL_MIN}
                max={REPEAT_INTERVAL_MAX}
                error={intervalError}
                disabled={locked || off}
                w={260}
              />
            </Group>
          </Stack>
        </SettingsCard>

        <SettingsCard
          title="Transcripts and access"
          description="Whether recordings get a transcript, and what this user may do with their own recordings in User Hub."
        >
          <Stack gap="lg">
            <Switch
              label="Transcribe recordings"
              checked={form.transcriptEnabled}
              onChange={(e) => set({ transcriptEnabled: e.currentTarget.checked })}
              disabled={locked || off}
            />
            <Checkbox.Group
              label="Recording access"
              value={(Object.keys(ACCESS_LABELS) as (keyof AccessSettings)[]).filter(
                (key) => form.access[key],
              )}
              onChange={(checked) =>
                set({
                  access: {
                    viewAndPlayRecordingsEnabled: checked.includes('viewAndPlayRecordingsEnabled'),
                    downloadRecordingsEnabled: checked.includes('downloadRecordingsEnabled'),
                    deleteRecordingsEnabled: checked.includes('deleteRecordingsEnabled'),
                    shareRecordingsEnabled: checked.includes('shareRecordingsEnabled'),
                  },
                })
              }
            >
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" mt="xs">
                {(Object.entries(ACCESS_LABELS) as [keyof AccessSettings, string][]).map(
                  ([key, label]) => (
                    <Checkbox key={key} value={key} label={label} disabled={locked || off} />
                  ),
                )}
              </SimpleGrid>
            </Checkbox.Group>
          </Stack>
        </SettingsCard>

        <SettingsCard
          title="Platform information"
          description="How the recording platform knows this line. Set by Callvault; it cannot be changed here."
        >
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
            <TextInput label="Service provider" value={settings.serviceProvider} readOnly />
            <TextInput label="External group" value={settings.externalGroup} readOnly />
            <TextInput label="External identifier" value={settings.externalIdentifier} readOnly />
          </SimpleGrid>
        </SettingsCard>

        {save.error && serverField === null && (
          <ErrorAlert
            title={licenceProblem ? 'Licence required' : 'Not saved'}
            error={save.error}
          />
        )}

        <Card
          withBorder
          radius="md"
          padding="md"
          shadow="sm"
          style={{ position: 'sticky', bottom: 16, zIndex: 5 }}
        >
          <FormActions
            dirty={dirty}
            saving={save.isPending}
            disabled={locked}
            note={
              dirty ? (
                'You have unsaved changes.'
              ) : (
                <>
                  Organisation-wide settings are on the{' '}
                  <RouterAnchor to="/control-hub/call-recording" size="sm">
                    Call recording
                  </RouterAnchor>{' '}
                  page.
                </>
              )
            }
            onCancel={() => {
              setForm(saved);
              setShowErrors(false);
              save.reset();
            }}
          />
        </Card>
      </Stack>
    </form>
  );
}
