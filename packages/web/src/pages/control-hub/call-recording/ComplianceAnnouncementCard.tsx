// The compliance announcement card of the organisation and of a location. A location may follow
// the organisation's announcement (Webex `useOrgSettingsEnabled`) or have its own; the fields, the
// checks and the upload are the same for both.
import type { ComplianceAnnouncement, LocationComplianceAnnouncement } from '@callvault/shared';
import { Radio, Stack } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import {
  updateLocationAnnouncement,
  updateOrgAnnouncement,
} from '../../../api/recording-settings.api.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { FormActions, SettingsCard } from '../../../components/SettingsCard.js';
import { useToast } from '../../../components/Toaster.js';
import {
  ComplianceAnnouncementFields,
  validateDelay,
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
  const queryClient = useQueryClient();
  const toast = useToast();
  const initialValues = toAnnouncementValues(settings);
  const initialUseOrg = location?.settings.useOrgSettingsEnabled ?? false;
  const [useOrg, setUseOrg] = useState(initialUseOrg);
  const [values, setValues] = useState(initialValues);
  const [submitted, setSubmitted] = useState(false);
  const delayError = submitted && !useOrg ? validateDelay(values.delayInSeconds) : null;
  const dirty = useOrg !== initialUseOrg || !sameAnnouncementValues(values, initialValues);
  const ownValues = { ...values, delayInSeconds: Number(values.delayInSeconds) };
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
        title:
          location === null
            ? 'Compliance announcement saved'
            : 'Location compliance announcement saved',
      });
    },
  });

  function submit(event: FormEvent): void {
    event.preventDefault();
    setSubmitted(true);
    if (!useOrg && validateDelay(values.delayInSeconds) !== null) return;
    save.mutate();
  }

  return (
    <form
      onSubmit={submit}
      aria-label={
        location === null ? 'Compliance announcement' : 'Location compliance announcement'
      }
    >
      <SettingsCard
        title="Compliance announcement"
        description={
          location === null
            ? "Tells the other party that the call may be recorded. It plays once per call, never again after a transfer; when it plays, the user's start/stop announcement is not played."
            : 'What callers to and from this location hear about recording.'
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
              label="Announcement settings"
              value={useOrg ? 'org' : 'own'}
              onChange={(choice) => setUseOrg(choice === 'org')}
            >
              <Stack gap="sm" mt="xs">
                <Radio
                  value="org"
                  label="Use the organisation's settings"
                  description="The values below are the organisation's; they change when the organisation's do."
                  disabled={!canEdit}
                />
                <Radio value="own" label="Use settings for this location" disabled={!canEdit} />
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
                    ? 'Save this location with its own settings first, then upload its file.'
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
          {save.error && <ErrorAlert title="Not saved" error={save.error} />}
        </Stack>
      </SettingsCard>
    </form>
  );
}
