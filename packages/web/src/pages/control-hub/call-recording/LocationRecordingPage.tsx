// A location's call-recording settings: the organisation's provider and failure behaviour or its
// own, and the organisation's compliance announcement or its own (Webex `useOrg…` flags).
import { Alert, Breadcrumbs, Radio, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { fetchLocation } from '../../../api/directory.api.js';
import {
  updateLocationAnnouncement,
  updateLocationVendor,
} from '../../../api/recording-settings.api.js';
import {
  FAILURE_BEHAVIORS,
  type FailureBehavior,
  type LocationComplianceAnnouncement,
  type LocationVendors,
} from '@callvault/shared';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { RouterAnchor } from '../../../components/RouterLinks.js';
import { FormActions, SettingsCard } from '../../../components/SettingsCard.js';
import { useToast } from '../../../components/Toaster.js';
import { FAILURE_BEHAVIOR_LABELS } from '../../../lib/recording-form.js';
import { useCanEditSettings } from '../../../lib/use-can-edit-settings.js';
import { ComplianceAnnouncementFields, validateDelay } from './ComplianceAnnouncementFields.js';
import {
  CardSkeleton,
  isFailureBehavior,
  sameAnnouncementValues,
  toAnnouncementValues,
} from './OrgCallRecordingPage.js';
import {
  callRecordingKeys,
  locationAnnouncementQuery,
  locationVendorsQuery,
} from './recording-queries.js';

export function LocationRecordingPage({ locationId }: { readonly locationId: string }): ReactNode {
  const canEdit = useCanEditSettings();
  const location = useQuery({
    queryKey: ['locations', locationId],
    queryFn: ({ signal }) => fetchLocation(locationId, signal),
  });
  const vendors = useQuery(locationVendorsQuery(locationId));
  const announcement = useQuery(locationAnnouncementQuery(locationId));
  const title = location.data?.name ?? (location.isPending ? '…' : 'Location');

  return (
    <>
      <Breadcrumbs mb="sm" separator="›" fz="sm">
        <RouterAnchor to="/control-hub/locations" size="sm">
          Locations
        </RouterAnchor>
        <Text size="sm" c="dimmed">
          {title}
        </Text>
      </Breadcrumbs>
      <PageHeader
        eyebrow="Call recording"
        title={title}
        description="This location follows the organisation's call-recording settings unless you give it its own here."
      />
      {!canEdit && (
        <Alert variant="light" color="gray" mb="lg">
          You have read-only access: an administrator with full rights can change these settings.
        </Alert>
      )}
      <Stack gap="lg">
        {vendors.error ? (
          <ErrorAlert
            title="Could not load the recording provider"
            error={vendors.error}
            onRetry={() => void vendors.refetch()}
          />
        ) : vendors.data ? (
          <LocationVendorCard
            key={vendorKey(vendors.data)}
            locationId={locationId}
            vendors={vendors.data}
            canEdit={canEdit}
          />
        ) : (
          <CardSkeleton />
        )}
        {announcement.error ? (
          <ErrorAlert
            title="Could not load the compliance announcement"
            error={announcement.error}
            onRetry={() => void announcement.refetch()}
          />
        ) : announcement.data ? (
          <LocationAnnouncementCard
            key={String(announcement.data.useOrgSettingsEnabled)}
            locationId={locationId}
            settings={announcement.data}
            canEdit={canEdit}
          />
        ) : (
          <CardSkeleton />
        )}
      </Stack>
    </>
  );
}

function vendorKey(v: LocationVendors): string {
  return [
    v.orgDefaultEnabled,
    v.defaultVendorId,
    v.orgFailureBehaviorEnabled,
    v.failureBehavior,
    ...v.vendors.map((x) => x.id),
  ].join('|');
}

interface VendorFormValues {
  readonly useOrgVendor: boolean;
  readonly vendorId: string;
  readonly useOrgFailureBehavior: boolean;
  readonly failureBehavior: FailureBehavior;
}

function LocationVendorCard(props: {
  readonly locationId: string;
  readonly vendors: LocationVendors;
  readonly canEdit: boolean;
}): ReactNode {
  const { vendors, canEdit, locationId } = props;
  const queryClient = useQueryClient();
  const toast = useToast();
  const initial: VendorFormValues = {
    useOrgVendor: vendors.orgDefaultEnabled,
    vendorId: vendors.defaultVendorId,
    useOrgFailureBehavior: vendors.orgFailureBehaviorEnabled,
    failureBehavior: vendors.failureBehavior,
  };
  const [values, setValues] = useState(initial);
  const dirty = JSON.stringify(values) !== JSON.stringify(initial);
  const save = useMutation({
    mutationFn: (v: VendorFormValues) =>
      updateLocationVendor(locationId, {
        useOrgVendorId: v.useOrgVendor,
        ...(v.useOrgVendor ? {} : { vendorId: v.vendorId }),
        useOrgFailureBehavior: v.useOrgFailureBehavior,
        ...(v.useOrgFailureBehavior ? {} : { failureBehavior: v.failureBehavior }),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: callRecordingKeys.location(locationId) });
      toast({ title: 'Location recording provider saved' });
    },
  });
  const vendorOptions = vendors.vendors.map((v) => ({
    value: v.id,
    label: v.builtIn ? `${v.name} (built-in)` : v.name,
  }));
  const failureOptions = FAILURE_BEHAVIORS.map((value) => ({
    value,
    label: FAILURE_BEHAVIOR_LABELS[value],
  }));

  function submit(event: FormEvent): void {
    event.preventDefault();
    save.mutate(values);
  }

  return (
    <form onSubmit={submit} aria-label="Location recording provider">
      <SettingsCard
        title="Recording provider"
        description="Who records calls at this location, and what happens to a call when recording fails."
        footer={
          <FormActions
            dirty={dirty}
            saving={save.isPending}
            disabled={!canEdit}
            onCancel={() => {
              setValues(initial);
              save.reset();
            }}
          />
        }
      >
        <Stack gap="xl">
          <Radio.Group
            label="Provider"
            value={values.useOrgVendor ? 'org' : 'own'}
            onChange={(choice) => setValues({ ...values, useOrgVendor: choice === 'org' })}
          >
            <Stack gap="sm" mt="xs">
              <Radio
                value="org"
                label="Use the organisation's provider"
                description={`Currently ${vendors.orgDefaultVendorName}.`}
                disabled={!canEdit}
              />
              <Radio value="own" label="Use a provider for this location" disabled={!canEdit} />
              <Select
                label="Location's provider"
                data={vendorOptions}
                value={values.vendorId}
                onChange={(vendorId) => vendorId && setValues({ ...values, vendorId })}
                allowDeselect={false}
                disabled={!canEdit || values.useOrgVendor}
                maw={420}
                ml={32}
              />
            </Stack>
          </Radio.Group>
          <Radio.Group
            label="When recording fails"
            value={values.useOrgFailureBehavior ? 'org' : 'own'}
            onChange={(choice) => setValues({ ...values, useOrgFailureBehavior: choice === 'org' })}
          >
            <Stack gap="sm" mt="xs">
              <Radio
                value="org"
                label="Use the organisation's setting"
                description={`Currently: ${FAILURE_BEHAVIOR_LABELS[vendors.orgFailureBehavior]}.`}
                disabled={!canEdit}
              />
              <Radio value="own" label="Use a setting for this location" disabled={!canEdit} />
              <Select
                label="Location's failure behaviour"
                data={failureOptions}
                value={values.failureBehavior}
                onChange={(value) => {
                  if (isFailureBehavior(value)) setValues({ ...values, failureBehavior: value });
                }}
                allowDeselect={false}
                disabled={!canEdit || values.useOrgFailureBehavior}
                maw={520}
                ml={32}
              />
            </Stack>
          </Radio.Group>
          {save.error && <ErrorAlert title="Not saved" error={save.error} />}
        </Stack>
      </SettingsCard>
    </form>
  );
}

function LocationAnnouncementCard(props: {
  readonly locationId: string;
  readonly settings: LocationComplianceAnnouncement;
  readonly canEdit: boolean;
}): ReactNode {
  const { settings, canEdit, locationId } = props;
  const queryClient = useQueryClient();
  const toast = useToast();
  const initialValues = toAnnouncementValues(settings);
  const [useOrg, setUseOrg] = useState(settings.useOrgSettingsEnabled);
  const [values, setValues] = useState(initialValues);
  const [submitted, setSubmitted] = useState(false);
  const delayError = submitted && !useOrg ? validateDelay(values.delayInSeconds) : null;
  const dirty =
    useOrg !== settings.useOrgSettingsEnabled || !sameAnnouncementValues(values, initialValues);
  const save = useMutation({
    mutationFn: () =>
      updateLocationAnnouncement(
        locationId,
        useOrg
          ? { useOrgSettingsEnabled: true }
          : {
              useOrgSettingsEnabled: false,
              ...values,
              delayInSeconds: Number(values.delayInSeconds),
            },
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: callRecordingKeys.location(locationId) });
      setSubmitted(false);
      toast({ title: 'Location compliance announcement saved' });
    },
  });

  function submit(event: FormEvent): void {
    event.preventDefault();
    setSubmitted(true);
    if (!useOrg && validateDelay(values.delayInSeconds) !== null) return;
    save.mutate();
  }

  return (
    <form onSubmit={submit} aria-label="Location compliance announcement">
      <SettingsCard
        title="Compliance announcement"
        description="What callers to and from this location hear about recording."
        footer={
          <FormActions
            dirty={dirty}
            saving={save.isPending}
            disabled={!canEdit}
            onCancel={() => {
              setUseOrg(settings.useOrgSettingsEnabled);
              setValues(initialValues);
              setSubmitted(false);
              save.reset();
            }}
          />
        }
      >
        <Stack gap="lg">
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
          <ComplianceAnnouncementFields
            values={values}
            onChange={setValues}
            disabled={!canEdit || useOrg}
            delayError={delayError}
            customFileName={settings.customAnnouncementFileName}
            locationId={locationId}
            uploadBlockedReason={
              settings.useOrgSettingsEnabled
                ? 'Save this location with its own settings first, then upload its file.'
                : null
            }
            onUploaded={() => {
              void queryClient.invalidateQueries({
                queryKey: callRecordingKeys.location(locationId),
              });
            }}
          />
          {save.error && <ErrorAlert title="Not saved" error={save.error} />}
        </Stack>
      </SettingsCard>
    </form>
  );
}
