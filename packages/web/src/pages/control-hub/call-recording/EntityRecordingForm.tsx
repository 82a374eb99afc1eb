// The call-recording form of one person, workspace or virtual line (SPEC §3.3): every field with
// its Webex label in the reader's language, the server's own rules checked before saving (a setting
// that is off is not checked), the server's errors next to the field they are about, and the
// read-only platform information. The form holds the values and the save; each card below only
// shows its fields.
import { RECORD_MODES, type AccessSettings, type EntityCallRecording } from '@callvault/shared';
import {
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
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/client.js';
import { updateEntityRecording, type RecordableKind } from '../../../api/recording-settings.api.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { RouterAnchor } from '../../../components/RouterLinks.js';
import { FormActions, SettingsCard } from '../../../components/SettingsCard.js';
import { useToast } from '../../../components/Toaster.js';
import { describeError } from '../../../lib/error-messages.js';
import { formatNumber } from '../../../lib/format.js';
import {
  NOTIFICATION_TYPE_KEYS,
  RECORD_MODE_KEYS,
  REPEAT_INTERVAL_MAX,
  REPEAT_INTERVAL_MIN,
  describeSettingsProblemText,
  findErrorField,
  toEntityForm,
  toEntityUpdate,
  validateEntityForm,
  type EntityRecordingForm as FormValues,
} from '../../../lib/recording-form.js';
import { entityRecordingQuery } from './recording-queries.js';

/** The access switches in the order shown; each is labelled `callRecording:entity.access.<key>`. */
const ACCESS_KEYS: readonly (keyof AccessSettings)[] = [
  'viewAndPlayRecordingsEnabled',
  'downloadRecordingsEnabled',
  'deleteRecordingsEnabled',
  'shareRecordingsEnabled',
];

/** Server messages that name one of these fields are shown under it. */
const SERVER_FIELDS = ['repeat.interval', 'record', 'notification.type'] as const;
type ServerField = (typeof SERVER_FIELDS)[number];

/** What every card gets: the values, a way to change some, and whether its fields are off. */
interface FieldsProps {
  readonly form: FormValues;
  readonly set: (patch: Partial<FormValues>) => void;
  /** The viewer may not edit settings. */
  readonly locked: boolean;
  /** Recording is off for this line: its options wait. */
  readonly off: boolean;
  /** The server's message about one field, when the last save failed on it. */
  readonly serverError: (field: ServerField) => string | null;
}

export function EntityRecordingForm(props: {
  readonly kind: RecordableKind;
  readonly id: string;
  readonly settings: EntityCallRecording;
  readonly canEdit: boolean;
}): ReactNode {
  const { kind, id, settings, canEdit } = props;
  const { t } = useTranslation('callRecording');
  const queryClient = useQueryClient();
  const toast = useToast();
  const [saved, setSaved] = useState(() => toEntityForm(settings));
  const [form, setForm] = useState(saved);
  const [showErrors, setShowErrors] = useState(false);
  const intervalInput = useRef<HTMLInputElement>(null);
  const errors = validateEntityForm(form);
  const save = useMutation({
    mutationFn: (values: FormValues) => updateEntityRecording(kind, id, toEntityUpdate(values)),
    onSuccess: async (_r, values) => {
      setSaved(values);
      setShowErrors(false);
      await queryClient.invalidateQueries({ queryKey: entityRecordingQuery(kind, id).queryKey });
      toast({ title: t('entity.saved') });
    },
  });
  const dirty = JSON.stringify(form) !== JSON.stringify(saved);
  const serverField = save.error ? findErrorField(save.error, SERVER_FIELDS) : null;
  const serverError = (field: ServerField): string | null =>
    save.error && serverField === field ? describeError(save.error) : null;
  const intervalError =
    (showErrors && errors.repeatInterval
      ? describeSettingsProblemText(errors.repeatInterval)
      : null) ?? serverError('repeat.interval');
  const licenceProblem =
    save.error instanceof ApiError && save.error.errorCode === 'LICENSE_REQUIRED';

  const set = (patch: Partial<FormValues>): void => {
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

  const fields: FieldsProps = { form, set, locked: !canEdit, off: !form.enabled, serverError };

  return (
    <form onSubmit={submit} aria-label={t('entity.formLabel')} noValidate>
      <Stack gap="lg">
        <RecordingCard {...fields} />
        <AnnouncementsCard
          {...fields}
          repeatInterval={{
            ref: intervalInput,
            error: intervalError,
            onChange: () => {
              if (save.error) save.reset();
            },
            onBlur: () => setShowErrors(true),
          }}
        />
        <AccessCard {...fields} />
        <PlatformInfoCard settings={settings} />

        {save.error && serverField === null && (
          <ErrorAlert
            title={licenceProblem ? t('entity.licenceRequired') : t('notSaved')}
            error={save.error}
          />
        )}

        <SaveBar
          dirty={dirty}
          saving={save.isPending}
          locked={!canEdit}
          onCancel={() => {
            setForm(saved);
            setShowErrors(false);
            save.reset();
          }}
        />
      </Stack>
    </form>
  );
}

function RecordingCard({ form, set, locked, off, serverError }: FieldsProps): ReactNode {
  const { t } = useTranslation('callRecording');
  return (
    <SettingsCard
      title={t('entity.recording.title')}
      description={t('entity.recording.description')}
      aside={
        <Switch
          label={t('entity.recording.switch')}
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
          label={t('entity.recording.record')}
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
                label={t(`recordMode.${RECORD_MODE_KEYS[mode]}.label`)}
                description={t(`recordMode.${RECORD_MODE_KEYS[mode]}.description`)}
                disabled={locked || off}
              />
            ))}
          </SimpleGrid>
        </Radio.Group>
        <Switch
          label={t('entity.recording.voicemail')}
          description={t('entity.recording.voicemailHelp')}
          checked={form.recordVoicemailEnabled}
          onChange={(e) => set({ recordVoicemailEnabled: e.currentTarget.checked })}
          disabled={locked || off}
        />
      </Stack>
    </SettingsCard>
  );
}

/** How the repeat-tone interval box reports to the form (it is checked before saving). */
interface RepeatIntervalBinding {
  readonly ref: RefObject<HTMLInputElement | null>;
  readonly error: string | null | undefined;
  readonly onChange: () => void;
  readonly onBlur: () => void;
}

function AnnouncementsCard(
  props: FieldsProps & { readonly repeatInterval: RepeatIntervalBinding },
): ReactNode {
  const { form, set, locked, off } = props;
  const { t } = useTranslation('callRecording');
  return (
    <SettingsCard
      title={t('entity.announcements.title')}
      description={t('entity.announcements.description')}
    >
      <Stack gap="xl">
        <Stack gap="xs">
          <Text fw={500} size="sm">
            {t('entity.announcements.startStop')}
          </Text>
          <Group gap="xl">
            <Checkbox
              label={t('entity.announcements.internal')}
              checked={form.internalCallsEnabled}
              onChange={(e) => set({ internalCallsEnabled: e.currentTarget.checked })}
              disabled={locked || off}
            />
            <Checkbox
              label={t('entity.announcements.pstn')}
              checked={form.pstnCallsEnabled}
              onChange={(e) => set({ pstnCallsEnabled: e.currentTarget.checked })}
              disabled={locked || off}
            />
          </Group>
        </Stack>
        <NotificationFields {...props} />
        <RepeatToneFields {...props} />
      </Stack>
    </SettingsCard>
  );
}

function NotificationFields({ form, set, locked, off, serverError }: FieldsProps): ReactNode {
  const { t } = useTranslation('callRecording');
  return (
    <Group align="flex-start" gap="xl">
      <Switch
        label={t('entity.announcements.notification')}
        description={t('entity.announcements.notificationHelp')}
        checked={form.notificationEnabled}
        onChange={(e) => set({ notificationEnabled: e.currentTarget.checked })}
        disabled={locked || off}
        style={{ flex: '1 1 280px' }}
      />
      <Stack gap={4}>
        <Text size="sm" fw={500} id="notification-type-label">
          {t('entity.announcements.notificationType')}
        </Text>
        <SegmentedControl
          aria-labelledby="notification-type-label"
          data={[
            { value: 'Beep', label: t(`notificationType.${NOTIFICATION_TYPE_KEYS.Beep}`) },
            {
              value: 'Play Announcement',
              label: t(`notificationType.${NOTIFICATION_TYPE_KEYS['Play Announcement']}`),
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
  );
}

function RepeatToneFields(
  props: FieldsProps & { readonly repeatInterval: RepeatIntervalBinding },
): ReactNode {
  const { form, set, locked, off, repeatInterval } = props;
  const { t } = useTranslation('callRecording');
  return (
    <Group align="flex-start" gap="xl">
      <Switch
        label={t('entity.announcements.repeat')}
        description={t('entity.announcements.repeatHelp')}
        checked={form.repeatEnabled}
        onChange={(e) => set({ repeatEnabled: e.currentTarget.checked })}
        disabled={locked || off}
        style={{ flex: '1 1 280px' }}
      />
      <NumberInput
        ref={repeatInterval.ref}
        label={t('entity.announcements.interval')}
        description={t('entity.announcements.intervalHelp', {
          min: formatNumber(REPEAT_INTERVAL_MIN),
          max: formatNumber(REPEAT_INTERVAL_MAX),
        })}
        value={form.repeatInterval}
        onChange={(value) => {
          set({ repeatInterval: value });
          repeatInterval.onChange();
        }}
        onBlur={repeatInterval.onBlur}
        allowDecimal={false}
        allowNegative={false}
        clampBehavior="none"
        min={REPEAT_INTERVAL_MIN}
        max={REPEAT_INTERVAL_MAX}
        error={repeatInterval.error}
        disabled={locked || off || !form.repeatEnabled}
        w={260}
      />
    </Group>
  );
}

function AccessCard({ form, set, locked, off }: FieldsProps): ReactNode {
  const { t } = useTranslation('callRecording');
  return (
    <SettingsCard title={t('entity.access.title')} description={t('entity.access.description')}>
      <Stack gap="lg">
        <Switch
          label={t('entity.access.transcribe')}
          checked={form.transcriptEnabled}
          onChange={(e) => set({ transcriptEnabled: e.currentTarget.checked })}
          disabled={locked || off}
        />
        <Checkbox.Group
          label={t('entity.access.label')}
          value={ACCESS_KEYS.filter((key) => form.access[key])}
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
            {ACCESS_KEYS.map((key) => (
              <Checkbox
                key={key}
                value={key}
                label={t(`entity.access.${key}`)}
                disabled={locked || off}
              />
            ))}
          </SimpleGrid>
        </Checkbox.Group>
      </Stack>
    </SettingsCard>
  );
}

function PlatformInfoCard({ settings }: { readonly settings: EntityCallRecording }): ReactNode {
  const { t } = useTranslation('callRecording');
  return (
    <SettingsCard title={t('entity.platform.title')} description={t('entity.platform.description')}>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
        <TextInput
          label={t('entity.platform.serviceProvider')}
          value={settings.serviceProvider}
          readOnly
        />
        <TextInput
          label={t('entity.platform.externalGroup')}
          value={settings.externalGroup}
          readOnly
        />
        <TextInput
          label={t('entity.platform.externalIdentifier')}
          value={settings.externalIdentifier}
          readOnly
        />
      </SimpleGrid>
    </SettingsCard>
  );
}

/** Save and cancel, kept in view at the bottom of the window while the form scrolls. */
function SaveBar(props: {
  readonly dirty: boolean;
  readonly saving: boolean;
  readonly locked: boolean;
  readonly onCancel: () => void;
}): ReactNode {
  const { dirty } = props;
  const { t } = useTranslation('callRecording');
  return (
    <Card
      withBorder
      radius="md"
      padding="md"
      shadow="sm"
      style={{ position: 'sticky', bottom: 16, zIndex: 5 }}
    >
      <FormActions
        dirty={dirty}
        saving={props.saving}
        disabled={props.locked}
        note={
          dirty ? (
            t('entity.unsaved')
          ) : (
            <>
              {t('entity.orgSettingsBefore')}
              <RouterAnchor to="/control-hub/call-recording" size="sm">
                {t('entity.orgSettingsLink')}
              </RouterAnchor>
              {t('entity.orgSettingsAfter')}
            </>
          )
        }
        onCancel={props.onCancel}
      />
    </Card>
  );
}
