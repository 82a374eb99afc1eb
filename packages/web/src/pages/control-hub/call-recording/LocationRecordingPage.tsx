// A location's call-recording settings: the organisation's provider and failure behaviour or its
// own, and the organisation's compliance announcement or its own (Webex `useOrg…` flags).
import { Breadcrumbs, Radio, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { fetchLocation } from '../../../api/directory.api.js';
import { updateLocationVendor } from '../../../api/recording-settings.api.js';
import { FAILURE_BEHAVIORS, type FailureBehavior, type LocationVendors } from '@callvault/shared';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { RouterAnchor } from '../../../components/RouterLinks.js';
import { FormActions, SettingsCard } from '../../../components/SettingsCard.js';
import { useToast } from '../../../components/Toaster.js';
import { FAILURE_BEHAVIOR_LABELS, isFailureBehavior } from '../../../lib/recording-form.js';
import { useCanEditSettings } from '../../../lib/use-can-edit-settings.js';
import { CallRecordingSettingsPage, QueryCard } from './CallRecordingSettingsPage.js';
import { ComplianceAnnouncementCard } from './ComplianceAnnouncementCard.js';
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
    <CallRecordingSettingsPage
      canEdit={canEdit}
      header={
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
        </>
      }
    >
      <QueryCard query={vendors} errorTitle="Could not load the recording provider">
        {(data) => (
          <LocationVendorCard
            key={vendorKey(data)}
            locationId={locationId}
            vendors={data}
            canEdit={canEdit}
          />
        )}
      </QueryCard>
      <QueryCard query={announcement} errorTitle="Could not load the compliance announcement">
        {(data) => (
          <ComplianceAnnouncementCard
            key={String(data.useOrgSettingsEnabled)}
            scope={{ kind: 'location', locationId, settings: data }}
            canEdit={canEdit}
          />
        )}
      </QueryCard>
    </CallRecordingSettingsPage>
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
