// The compliance announcement card of the organisation and of a location. A location may follow
// the organisation's announcement (Webex `useOrgSettingsEnabled`) or have its own; the fields, the
// checks and the upload are the same for both.
import type { ComplianceAnnouncement, LocationComplianceAnnouncement } from '@callvault/shared';
import { Radio, Stack } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  updateLocationAnnouncement,
  updateOrgAnnouncement,
} from '../../../api/recording-settings.api.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { FormActions, SettingsCard } from '../../../components/SettingsCard.js';
import { useToast } from '../../../components/Toaster.js';
import { describeSettingsProblemText } from '../../../lib/recording-form.js';
import {
  ComplianceAnnouncementFields,
  checkAnnouncementValues,
  toAnnouncementUpdate,
  type AnnouncementFormValues,
} from './ComplianceAnnouncementFields.js';
import { callRecordingKeys } from './recording-queries.js';

/** Whose announcement the card edits. */
export type AnnouncementScope =
  | { readonly kind: 'org'; readonly settings: ComplianceAnnouncement }
  | {
      readonly kind: 'location';
      readonly locationId: string;
      readonly settings: LocationComplianceAnnouncement;
    };

export function toAnnouncementValues(a: ComplianceAnnouncement): AnnouncementFormValues {
  return {
    inboundPSTNCallsEnabled: a.inboundPSTNCallsEnabled,
    outboundPSTNCallsEnabled: a.outboundPSTNCallsEnabled,
    outboundPSTNCallsDelayEnabled: a.outboundPSTNCallsDelayEnabled,
    delayInSeconds: a.delayInSeconds,
    announcementType: a.announcementType,
  };
}

export function sameAnnouncementValues(
  a: AnnouncementFormValues,
  b: AnnouncementFormValues,
): boolean {
  return (
    a.inboundPSTNCallsEnabled === b.inboundPSTNCallsEnabled &&
    a.outboundPSTNCallsEnabled === b.outboundPSTNCallsEnabled &&
    a.outboundPSTNCallsDelayEnabled === b.outboundPSTNCallsDelayEnabled &&
    String(a.delayInSeconds) === String(b.delayInSeconds) &&
    a.announcementType === b.announcementType
  );
}

export function ComplianceAnnouncementCard({
  scope,
  canEdit,
}: {
  readonly scope: AnnouncementScope;
  readonly canEdit: boolean;
}): ReactNode {
  const { settings } = scope;
  const location = scope.kind === 'location' ? scope : null;
  const { t } = useTranslation('callRecording');
  const queryClient = useQueryClient();
  const toast = useToast();
  const initialValues = toAnnouncementValues(settings);
  const initialUseOrg = location?.settings.useOrgSettingsEnabled ?? false;
  const [useOrg, setUseOrg] = useState(initialUseOrg);
  const [values, setValues] = useState(initialValues);
  const [submitted, setSubmitted] = useState(false);
  // Following the organisation, the location's own values are not sent, so not checked.
  const delayProblem = useOrg
    ? null
    : checkAnnouncementValues(values, settings.customAnnouncementFileName);
  const delayError =
    submitted && delayProblem !== null ? describeSettingsProblemText(delayProblem) : null;
  const dirty = useOrg !== initialUseOrg || !sameAnnouncementValues(values, initialValues);
  const ownValues = toAnnouncementUpdate(values);
  const save = useMutation({
    mutationFn: () =>
      location === null
        ? updateOrgAnnouncement(ownValues)
        : updateLocationAnnouncement(
            location.locationId,
            useOrg
              ? { useOrgSettingsEnabled: true }
              : { useOrgSettingsEnabled: false, ...ownValues },
          ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({
        queryKey:
          location === null
            ? callRecordingKeys.all
            : callRecordingKeys.location(location.locationId),
      });
      setSubmitted(false);
      toast({
        title: location === null ? t('announcement.saved') : t('announcement.locationSaved'),
      });
    },
  });

  function submit(event: FormEvent): void {
    event.preventDefault();
    setSubmitted(true);
    if (delayProblem !== null) return;
    save.mutate();
  }

  return (
    <form
      onSubmit={submit}
      aria-label={location === null ? t('announcement.title') : t('announcement.locationTitle')}
    >
      <SettingsCard
        title={t('announcement.title')}
        description={
          location === null
            ? t('announcement.orgDescription')
            : t('announcement.locationDescription')
        }
        footer={
          <FormActions
            dirty={dirty}
            saving={save.isPending}
            disabled={!canEdit}
            onCancel={() => {
              setUseOrg(initialUseOrg);
              setValues(initialValues);
              setSubmitted(false);
              save.reset();
            }}
          />
        }
      >
        <Stack gap={location === null ? 'md' : 'lg'}>
          {location !== null && (
            <Radio.Group
              label={t('announcement.settings')}
              value={useOrg ? 'org' : 'own'}
              onChange={(choice) => setUseOrg(choice === 'org')}
            >
              <Stack gap="sm" mt="xs">
                <Radio
                  value="org"
                  label={t('announcement.useOrg')}
                  description={t('announcement.useOrgHelp')}
                  disabled={!canEdit}
                />
                <Radio value="own" label={t('announcement.own')} disabled={!canEdit} />
              </Stack>
            </Radio.Group>
          )}
          <ComplianceAnnouncementFields
            values={values}
            onChange={setValues}
            disabled={!canEdit || useOrg}
            delayError={delayError}
            customFileName={settings.customAnnouncementFileName}
            {...(location === null
              ? {}
              : {
                  locationId: location.locationId,
                  uploadBlockedReason: location.settings.useOrgSettingsEnabled
                    ? t('announcement.uploadBlocked')
                    : null,
                })}
            onUploaded={() => {
              void queryClient.invalidateQueries({
                queryKey:
                  location === null
                    ? callRecordingKeys.orgAnnouncement
                    : callRecordingKeys.location(location.locationId),
              });
            }}
          />
          {save.error && <ErrorAlert title={t('notSaved')} error={save.error} />}
        </Stack>
      </SettingsCard>
    </form>
  );
}
