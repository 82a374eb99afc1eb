// The compliance announcement fields (SPEC §4), shared by the organisation page and a location's
// own settings: when the announcement plays, its delay on outbound calls, and which audio it is.
import { Alert, FileInput, Group, NumberInput, Radio, Stack, Switch, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { uploadCustomAnnouncement } from '../../../api/recording-settings.api.js';
import type { ComplianceAnnouncementUpdate, UploadedAnnouncement } from '@callvault/shared';
import { IconUpload } from '../../../components/icons.js';
import { useToast } from '../../../components/Toaster.js';
import { describeError } from '../../../lib/error-messages.js';
import { ANNOUNCEMENT_DELAY_MAX, ANNOUNCEMENT_DELAY_MIN } from '../../../lib/recording-form.js';

export type AnnouncementFormValues = Omit<ComplianceAnnouncementUpdate, 'delayInSeconds'> & {
  /** As typed: a string while the box is empty. */
  readonly delayInSeconds: number | string;
};

export function validateDelay(value: number | string): string | null {
  const delay = typeof value === 'number' ? value : Number(value);
  if (
    value === '' ||
    !Number.isInteger(delay) ||
    delay < ANNOUNCEMENT_DELAY_MIN ||
    delay > ANNOUNCEMENT_DELAY_MAX
  ) {
    return `delayInSeconds must be a whole number between ${ANNOUNCEMENT_DELAY_MIN} and ${ANNOUNCEMENT_DELAY_MAX}`;
  }
  return null;
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
  const toast = useToast();
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: (chosen: File) => uploadCustomAnnouncement(chosen, chosen.name, props.locationId),
    onSuccess: (uploaded) => {
      toast({
        title: 'Announcement uploaded',
        message: `${uploaded.fileName} (${(uploaded.durationMs / 1000).toFixed(1)} s) is ready to use.`,
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
          label="Play compliance announcement on inbound PSTN calls"
          description="Callers from outside the organisation hear it before the call connects."
          checked={values.inboundPSTNCallsEnabled}
          onChange={(e) => set({ inboundPSTNCallsEnabled: e.currentTarget.checked })}
          disabled={disabled}
        />
        <Switch
          label="Play compliance announcement on outbound PSTN calls"
          description="The called party hears it when they answer."
          checked={values.outboundPSTNCallsEnabled}
          onChange={(e) => set({ outboundPSTNCallsEnabled: e.currentTarget.checked })}
          disabled={disabled}
        />
        <Group align="flex-start" gap="xl" pl={54}>
          <Switch
            label="Delay the announcement on outbound calls"
            checked={values.outboundPSTNCallsDelayEnabled}
            onChange={(e) => set({ outboundPSTNCallsDelayEnabled: e.currentTarget.checked })}
            disabled={disabled || !values.outboundPSTNCallsEnabled}
            size="sm"
          />
          <NumberInput
            label="Delay (seconds)"
            description={`${ANNOUNCEMENT_DELAY_MIN}–${ANNOUNCEMENT_DELAY_MAX} seconds after answer`}
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
        label="Announcement audio"
        value={values.announcementType}
        onChange={(value) => set({ announcementType: value === 'CUSTOM' ? 'CUSTOM' : 'DEFAULT' })}
      >
        <Stack gap="sm" mt="xs">
          <Radio
            value="DEFAULT"
            label="Default announcement"
            description="“This call may be recorded”, spoken in the language of the person or workspace answering."
            disabled={disabled}
          />
          <Radio
            value="CUSTOM"
            label="Custom file"
            description={
              props.customFileName
                ? `Current file: ${props.customFileName}`
                : 'Upload a file first, then choose it here.'
            }
            disabled={disabled || props.customFileName === null}
          />
        </Stack>
      </Radio.Group>

      <Stack gap={6}>
        <Group align="flex-end" gap="sm" wrap="nowrap">
          <FileInput
            label="Upload custom announcement"
            description="WAV, 16-bit PCM or µ-law, 8 or 16 kHz, mono, up to 60 seconds and 5 MB."
            placeholder="Choose a .wav file"
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
            Uploading…
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
