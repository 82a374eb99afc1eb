// The compliance announcement fields (SPEC §4), shared by the organisation page and a location's
// own settings: when the announcement plays, its delay on outbound calls, and which audio it is.
// The values are checked with the server's own rules (checkAnnouncementValues), so the delay is
// not checked while it is off.
import { Alert, FileInput, Group, NumberInput, Radio, Stack, Switch, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { uploadCustomAnnouncement } from '../../../api/recording-settings.api.js';
import {
  checkComplianceAnnouncement,
  wholeNumberOf,
  type ComplianceAnnouncementUpdate,
  type SettingsProblem,
  type UploadedAnnouncement,
} from '@callvault/shared';
import { IconUpload } from '../../../components/icons.js';
import { useToast } from '../../../components/Toaster.js';
import { describeError } from '../../../lib/error-messages.js';
import { formatDurationWords, formatNumber } from '../../../lib/format.js';
import { ANNOUNCEMENT_DELAY_MAX, ANNOUNCEMENT_DELAY_MIN } from '../../../lib/recording-form.js';

/** The fields the card edits, the delay as typed (a string while the box is empty). */
export interface AnnouncementFormValues {
  readonly inboundPSTNCallsEnabled: boolean;
  readonly outboundPSTNCallsEnabled: boolean;
  readonly outboundPSTNCallsDelayEnabled: boolean;
  readonly delayInSeconds: number | string;
  readonly announcementType: 'DEFAULT' | 'CUSTOM';
}

/** The server's rules on the values; the delay's problem, if any (the only one a form can make). */
export function checkAnnouncementValues(
  values: AnnouncementFormValues,
  customFileName: string | null,
): SettingsProblem | null {
  return (
    checkComplianceAnnouncement({
      ...values,
      hasCustomFile: customFileName !== null,
    }).find((p) => p.field === 'delayInSeconds') ?? null
  );
}

/** The PUT fields: an empty delay box (allowed while the delay is off) sends no delay. */
export function toAnnouncementUpdate(values: AnnouncementFormValues): ComplianceAnnouncementUpdate {
  const { delayInSeconds, ...rest } = values;
  const delay = wholeNumberOf(delayInSeconds);
  return delay === null ? rest : { ...rest, delayInSeconds: delay };
}

interface ComplianceAnnouncementFieldsProps {
  readonly values: AnnouncementFormValues;
  readonly onChange: (values: AnnouncementFormValues) => void;
  readonly disabled: boolean;
  readonly delayError: string | null;
  /** The custom file stored on the server, if one was uploaded. */
  readonly customFileName: string | null;
  /** Upload for this location instead of the org. */
  readonly locationId?: string;
  /** Why a file cannot be uploaded yet, or null when it can. */
  readonly uploadBlockedReason?: string | null;
  readonly onUploaded: (uploaded: UploadedAnnouncement) => void;
}

export function ComplianceAnnouncementFields(props: ComplianceAnnouncementFieldsProps): ReactNode {
  const { values, onChange, disabled } = props;
  const { t } = useTranslation('callRecording');
  const toast = useToast();
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: (chosen: File) => uploadCustomAnnouncement(chosen, chosen.name, props.locationId),
    onSuccess: (uploaded) => {
      toast({
        title: t('announcement.uploaded'),
        message: t('announcement.uploadedText', {
          name: uploaded.fileName,
          duration: formatDurationWords(Math.max(1, Math.round(uploaded.durationMs / 1000))),
        }),
      });
      props.onUploaded(uploaded);
    },
  });
  const set = (patch: Partial<AnnouncementFormValues>): void => onChange({ ...values, ...patch });
  const blocked = props.uploadBlockedReason ?? null;

  return (
    <Stack gap="lg">
      <Stack gap="sm">
        <Switch
          label={t('announcement.inbound')}
          description={t('announcement.inboundHelp')}
          checked={values.inboundPSTNCallsEnabled}
          onChange={(e) => set({ inboundPSTNCallsEnabled: e.currentTarget.checked })}
          disabled={disabled}
        />
        <Switch
          label={t('announcement.outbound')}
          description={t('announcement.outboundHelp')}
          checked={values.outboundPSTNCallsEnabled}
          onChange={(e) => set({ outboundPSTNCallsEnabled: e.currentTarget.checked })}
          disabled={disabled}
        />
        <Group align="flex-start" gap="xl" pl={54}>
          <Switch
            label={t('announcement.delayEnabled')}
            checked={values.outboundPSTNCallsDelayEnabled}
            onChange={(e) => set({ outboundPSTNCallsDelayEnabled: e.currentTarget.checked })}
            disabled={disabled || !values.outboundPSTNCallsEnabled}
            size="sm"
          />
          <NumberInput
            label={t('announcement.delay')}
            description={t('announcement.delayHelp', {
              min: formatNumber(ANNOUNCEMENT_DELAY_MIN),
              max: formatNumber(ANNOUNCEMENT_DELAY_MAX),
            })}
            value={values.delayInSeconds}
            onChange={(value) => set({ delayInSeconds: value })}
            min={ANNOUNCEMENT_DELAY_MIN}
            max={ANNOUNCEMENT_DELAY_MAX}
            allowDecimal={false}
            clampBehavior="none"
            w={180}
            error={props.delayError}
            disabled={
              disabled || !values.outboundPSTNCallsEnabled || !values.outboundPSTNCallsDelayEnabled
            }
          />
        </Group>
      </Stack>

      <Radio.Group
        label={t('announcement.audio')}
        value={values.announcementType}
        onChange={(value) => set({ announcementType: value === 'CUSTOM' ? 'CUSTOM' : 'DEFAULT' })}
      >
        <Stack gap="sm" mt="xs">
          <Radio
            value="DEFAULT"
            label={t('announcement.default')}
            description={t('announcement.defaultHelp')}
            disabled={disabled}
          />
          <Radio
            value="CUSTOM"
            label={t('announcement.custom')}
            description={
              props.customFileName
                ? t('announcement.currentFile', { name: props.customFileName })
                : t('announcement.uploadFirst')
            }
            disabled={disabled || props.customFileName === null}
          />
        </Stack>
      </Radio.Group>

      <Stack gap={6}>
        <Group align="flex-end" gap="sm" wrap="nowrap">
          <FileInput
            label={t('announcement.upload')}
            description={t('announcement.uploadHelp')}
            placeholder={t('announcement.uploadPlaceholder')}
            accept=".wav,audio/wav,audio/x-wav"
            leftSection={<IconUpload size={16} />}
            value={file}
            onChange={(chosen) => {
              setFile(chosen);
              upload.reset();
              if (chosen) upload.mutate(chosen);
            }}
            clearable
            disabled={disabled || blocked !== null || upload.isPending}
            error={upload.error ? describeError(upload.error) : null}
            style={{ flex: '1 1 auto', maxWidth: 520 }}
          />
        </Group>
        {upload.isPending && (
          <Text size="sm" c="dimmed">
            {t('announcement.uploading')}
          </Text>
        )}
        {blocked !== null && !disabled && (
          <Alert variant="light" color="gray" p="xs">
            <Text size="sm">{blocked}</Text>
          </Alert>
        )}
      </Stack>
    </Stack>
  );
}
