// A location's call-recording settings: the organisation's provider and failure behaviour or its
// own, and the organisation's compliance announcement or its own (Webex `useOrg…` flags).
import { Breadcrumbs, Radio, Select, Stack, Switch, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchLocation } from '../../../api/directory.api.js';
import { updateLocationVendor } from '../../../api/recording-settings.api.js';
import { FAILURE_BEHAVIORS, type FailureBehavior, type LocationVendors } from '@callvault/shared';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { RouterAnchor } from '../../../components/RouterLinks.js';
import { FormActions, SettingsCard } from '../../../components/SettingsCard.js';
import { useToast } from '../../../components/Toaster.js';
import { isFailureBehavior } from '../../../lib/recording-form.js';
import { useCanEditSettings } from '../../../lib/use-can-edit-settings.js';
import { CallRecordingSettingsPage, QueryCard } from './CallRecordingSettingsPage.js';
import { ComplianceAnnouncementCard } from './ComplianceAnnouncementCard.js';
import {
  callRecordingKeys,
  locationAnnouncementQuery,
  locationVendorsQuery,
} from './recording-queries.js';

export function LocationRecordingPage({ locationId }: { readonly locationId: string }): ReactNode {
  const { t } = useTranslation(['callRecording', 'controlHub']);
  const canEdit = useCanEditSettings();
  const location = useQuery({
    queryKey: ['locations', locationId],
    queryFn: ({ signal }) => fetchLocation(locationId, signal),
  });
  const vendors = useQuery(locationVendorsQuery(locationId));
  const announcement = useQuery(locationAnnouncementQuery(locationId));
  const title = location.data?.name ?? (location.isPending ? '…' : t('location.fallbackTitle'));

  return (
    <CallRecordingSettingsPage
      canEdit={canEdit}
      header={
        <>
          <Breadcrumbs mb="sm" separator="›" fz="sm">
            <RouterAnchor to="/control-hub/locations" size="sm">
              {t('controlHub:locations.title')}
            </RouterAnchor>
            <Text size="sm" c="dimmed">
              {title}
            </Text>
          </Breadcrumbs>
          <PageHeader
            eyebrow={t('controlHub:callRecording')}
            title={title}
            description={t('location.description')}
          />
        </>
      }
    >
      <QueryCard query={vendors} errorTitle={t('location.providerFailed')}>
        {(data) => (
          <LocationVendorCard
            key={vendorKey(data)}
            locationId={locationId}
            vendors={data}
            canEdit={canEdit}
          />
        )}
      </QueryCard>
      <QueryCard query={announcement} errorTitle={t('announcementFailed')}>
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
  readonly useOrgDual: boolean;
  readonly dualRecording: boolean;
}

function LocationVendorCard(props: {
  readonly locationId: string;
  readonly vendors: LocationVendors;
  readonly canEdit: boolean;
}): ReactNode {
  const { vendors, canEdit, locationId } = props;
  const { t } = useTranslation('callRecording');
  const queryClient = useQueryClient();
  const toast = useToast();
  const initial: VendorFormValues = {
    useOrgVendor: vendors.orgDefaultEnabled,
    vendorId: vendors.defaultVendorId,
    useOrgFailureBehavior: vendors.orgFailureBehaviorEnabled,
    failureBehavior: vendors.failureBehavior,
    useOrgDual: vendors.orgDualRecordingEnabled,
    dualRecording: vendors.dualRecordingEnabled,
  };
  // Dual recording matters only once an external recorder is registered.
  const hasExternal = vendors.vendors.some((v) => !v.builtIn);
  const [values, setValues] = useState(initial);
  const dirty = JSON.stringify(values) !== JSON.stringify(initial);
  const save = useMutation({
    mutationFn: (v: VendorFormValues) =>
      updateLocationVendor(locationId, {
        useOrgVendorId: v.useOrgVendor,
        ...(v.useOrgVendor ? {} : { vendorId: v.vendorId }),
        useOrgFailureBehavior: v.useOrgFailureBehavior,
        ...(v.useOrgFailureBehavior ? {} : { failureBehavior: v.failureBehavior }),
        orgDualRecordingEnabled: v.useOrgDual,
        ...(v.useOrgDual ? {} : { dualRecordingEnabled: v.dualRecording }),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: callRecordingKeys.location(locationId) });
      toast({ title: t('location.providerSaved') });
    },
  });
  const vendorOptions = vendors.vendors.map((v) => ({
    value: v.id,
    label: v.builtIn ? t('provider.builtIn', { name: v.name }) : v.name,
  }));
  const failureOptions = FAILURE_BEHAVIORS.map((value) => ({
    value,
    label: t(`failureBehavior.${value}`),
  }));

  function submit(event: FormEvent): void {
    event.preventDefault();
    save.mutate(values);
  }

  return (
    <form onSubmit={submit} aria-label={t('location.providerForm')}>
      <SettingsCard
        title={t('provider.title')}
        description={t('location.providerDescription')}
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
            label={t('provider.label')}
            value={values.useOrgVendor ? 'org' : 'own'}
            onChange={(choice) => setValues({ ...values, useOrgVendor: choice === 'org' })}
          >
            <Stack gap="sm" mt="xs">
              <Radio
                value="org"
                label={t('location.useOrgProvider')}
                description={t('location.currentProvider', { name: vendors.orgDefaultVendorName })}
                disabled={!canEdit}
              />
              <Radio value="own" label={t('location.ownProvider')} disabled={!canEdit} />
              <Select
                label={t('location.locationProvider')}
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
            label={t('provider.failure')}
            value={values.useOrgFailureBehavior ? 'org' : 'own'}
            onChange={(choice) => setValues({ ...values, useOrgFailureBehavior: choice === 'org' })}
          >
            <Stack gap="sm" mt="xs">
              <Radio
                value="org"
                label={t('location.useOrgFailure')}
                description={t('location.currentFailure', {
                  behaviour: t(`failureBehavior.${vendors.orgFailureBehavior}`),
                })}
                disabled={!canEdit}
              />
              <Radio value="own" label={t('location.ownFailure')} disabled={!canEdit} />
              <Select
                label={t('location.locationFailure')}
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
          {hasExternal && (
            <Radio.Group
              label={t('location.dual')}
              description={t('location.dualHelp')}
              value={values.useOrgDual ? 'org' : 'own'}
              onChange={(choice) => setValues({ ...values, useOrgDual: choice === 'org' })}
            >
              <Stack gap="sm" mt="xs">
                <Radio
                  value="org"
                  label={t('location.useOrgDual')}
                  description={
                    initial.useOrgDual
                      ? t(
                          initial.dualRecording
                            ? 'location.currentDual_on'
                            : 'location.currentDual_off',
                        )
                      : undefined
                  }
                  disabled={!canEdit}
                />
                <Radio value="own" label={t('location.ownDual')} disabled={!canEdit} />
                <Switch
                  label={t('location.locationDual')}
                  checked={values.dualRecording}
                  onChange={(e) => setValues({ ...values, dualRecording: e.currentTarget.checked })}
                  disabled={!canEdit || values.useOrgDual}
                  ml={32}
                />
              </Stack>
            </Radio.Group>
          )}
          {save.error && <ErrorAlert title={t('notSaved')} error={save.error} />}
        </Stack>
      </SettingsCard>
    </form>
  );
}
