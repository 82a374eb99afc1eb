// Control Hub → Call recording: the organisation's switch, recording provider and failure
// behaviour, compliance announcement, and the retention and quota the operator set.
import { useTranslation } from 'react-i18next';
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { updateOrgCallRecording, updateOrgVendor } from '../../../api/recording-settings.api.js';
import { FAILURE_BEHAVIORS, type OrgCallRecording, type OrgVendors } from '@callvault/shared';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { FormActions, SettingsCard } from '../../../components/SettingsCard.js';
import { useToast } from '../../../components/Toaster.js';
import { describeError } from '../../../lib/error-messages.js';
import { formatBytes, isFailureBehavior } from '../../../lib/recording-form.js';
import { useCanEditSettings } from '../../../lib/use-can-edit-settings.js';
import { CallRecordingSettingsPage, QueryCard } from './CallRecordingSettingsPage.js';
import { ComplianceAnnouncementCard } from './ComplianceAnnouncementCard.js';
import { ExternalVendorsCard } from './ExternalVendorsCard.js';
import {
  callRecordingKeys,
  orgAnnouncementQuery,
  orgCallRecordingQuery,
  orgVendorsQuery,
} from './recording-queries.js';

export function OrgCallRecordingPage(): ReactNode {
  const { t } = useTranslation(['callRecording', 'common', 'controlHub']);
  const canEdit = useCanEditSettings();
  const org = useQuery(orgCallRecordingQuery);
  const vendors = useQuery(orgVendorsQuery);
  const announcement = useQuery(orgAnnouncementQuery);

  return (
    <CallRecordingSettingsPage
      canEdit={canEdit}
      header={
        <PageHeader
          eyebrow={t('controlHub:eyebrow')}
          title={t('title')}
          description={t('orgDescription')}
        />
      }
    >
      <QueryCard query={org} errorTitle={t('loadFailed')}>
        {(data) => <StatusCard org={data} canEdit={canEdit} />}
      </QueryCard>
      <QueryCard query={vendors} errorTitle={t('vendorsFailed')}>
        {(data) => (
          <>
            <ProviderCard key={vendorsKey(data)} vendors={data} canEdit={canEdit} />
            <ExternalVendorsCard vendors={data} canEdit={canEdit} />
          </>
        )}
      </QueryCard>
      <QueryCard query={announcement} errorTitle={t('announcementFailed')}>
        {(data) => (
          <ComplianceAnnouncementCard scope={{ kind: 'org', settings: data }} canEdit={canEdit} />
        )}
      </QueryCard>
    </CallRecordingSettingsPage>
  );
}

/** The provider form starts again from the server when the saved choice or the vendor list moves. */
function vendorsKey(v: OrgVendors): string {
  return [
    v.vendorId,
    v.failureBehavior,
    v.recordLocallyOnVendorFailureEnabled,
    v.dualRecordingEnabled,
    ...v.vendors.map((x) => x.id),
  ].join('|');
}

function StatusCard({
  org,
  canEdit,
}: {
  readonly org: OrgCallRecording;
  readonly canEdit: boolean;
}): ReactNode {
  const { t } = useTranslation(['callRecording', 'common', 'controlHub']);
  const queryClient = useQueryClient();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const change = useMutation({
    mutationFn: updateOrgCallRecording,
    onSuccess: async (_result, update) => {
      await queryClient.invalidateQueries({ queryKey: callRecordingKeys.all });
      setConfirming(false);
      if (update.enabled === false) toast({ title: t('turnedOff') });
      else if (update.enabled === true) toast({ title: t('turnedOn') });
      else toast({ title: t('transcriptSaved') });
    },
    onError: (error) => {
      // The confirmation shows its own error; other changes report here.
      if (!confirming)
        toast({ title: t('notSaved'), message: describeError(error), tone: 'error' });
    },
  });

  return (
    <SettingsCard
      title={t('org.title')}
      description={t('org.description')}
      aside={
        <Badge color={org.enabled ? 'teal' : 'gray'} variant="light" size="lg" radius="sm">
          {org.enabled ? t('org.on') : t('org.off')}
        </Badge>
      }
    >
      <Stack gap="lg">
        <Switch
          label={t('org.switch')}
          description={
            org.enabled ? t('org.recordedBy', { vendor: org.vendorName }) : t('org.noCalls')
          }
          checked={org.enabled}
          disabled={!canEdit || change.isPending}
          onChange={(e) => {
            if (e.currentTarget.checked) change.mutate({ enabled: true });
            else setConfirming(true);
          }}
        />
        <Switch
          label={t('org.transcribe')}
          description={t('org.transcribeHelp')}
          checked={org.transcriptEnabled}
          disabled={!canEdit || change.isPending}
          onChange={(e) => change.mutate({ transcriptEnabled: e.currentTarget.checked })}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <ReadOnlyValue
            label={t('org.retention')}
            testId="retention"
            value={t('org.retentionDays', { count: org.retentionDays })}
            hint={t('org.retentionHint')}
          />
          <ReadOnlyValue
            label={t('org.quota')}
            testId="storage-quota"
            value={formatBytes(org.quotaBytes)}
            hint={t('org.quotaHint')}
          />
        </SimpleGrid>
      </Stack>
      <DisableRecordingModal
        opened={confirming}
        saving={change.isPending}
        error={confirming ? change.error : null}
        onCancel={() => {
          setConfirming(false);
          change.reset();
        }}
        onConfirm={() => change.mutate({ enabled: false, acknowledgeDisable: true })}
      />
    </SettingsCard>
  );
}

export function ReadOnlyValue(props: {
  readonly label: string;
  /** Names the value for tests (`read-only-<testId>`), the same in every language. */
  readonly testId: string;
  readonly value: string;
  readonly hint?: string;
}): ReactNode {
  return (
    <Stack gap={2} p="sm" bg="gray.0" style={{ borderRadius: 8 }}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" lts={0.4}>
        {props.label}
      </Text>
      <Text fw={600} data-testid={`read-only-${props.testId}`}>
        {props.value}
      </Text>
      {props.hint !== undefined && (
        <Text size="xs" c="dimmed">
          {props.hint}
        </Text>
      )}
    </Stack>
  );
}

function DisableRecordingModal(props: {
  readonly opened: boolean;
  readonly saving: boolean;
  readonly error: Error | null;
  readonly onCancel: () => void;
  readonly onConfirm: () => void;
}): ReactNode {
  const { t } = useTranslation(['callRecording', 'common', 'controlHub']);
  const [acknowledged, setAcknowledged] = useState(false);
  const close = (): void => {
    setAcknowledged(false);
    props.onCancel();
  };
  return (
    <Modal
      opened={props.opened}
      onClose={close}
      title={<Text fw={650}>{t('disable.title')}</Text>}
      centered
    >
      <Stack gap="md">
        <Text size="sm">{t('disable.text')}</Text>
        <Checkbox
          label={t('disable.acknowledge')}
          checked={acknowledged}
          onChange={(e) => setAcknowledged(e.currentTarget.checked)}
          disabled={props.saving}
        />
        {props.error && (
          <Alert color="red" variant="light">
            {describeError(props.error)}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} disabled={props.saving}>
            {t('common:actions.cancel')}
          </Button>
          <Button
            color="red"
            disabled={!acknowledged || props.saving}
            loading={props.saving}
            onClick={props.onConfirm}
          >
            {t('disable.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ProviderCard({
  vendors,
  canEdit,
}: {
  readonly vendors: OrgVendors;
  readonly canEdit: boolean;
}): ReactNode {
  const { t } = useTranslation(['callRecording', 'common', 'controlHub']);
  const queryClient = useQueryClient();
  const toast = useToast();
  const initial = {
    vendorId: vendors.vendorId,
    failureBehavior: vendors.failureBehavior,
    recordLocallyOnVendorFailureEnabled: vendors.recordLocallyOnVendorFailureEnabled,
    dualRecordingEnabled: vendors.dualRecordingEnabled,
  };
  const [values, setValues] = useState(initial);
  const dirty = (Object.keys(initial) as Array<keyof typeof initial>).some(
    (key) => values[key] !== initial[key],
  );
  // The forwarding options matter only once an external recorder is registered.
  const hasExternal = vendors.vendors.some((v) => !v.builtIn);
  const save = useMutation({
    mutationFn: updateOrgVendor,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: callRecordingKeys.all });
      toast({ title: t('provider.saved') });
    },
  });

  function submit(event: FormEvent): void {
    event.preventDefault();
    save.mutate(values);
  }

  return (
    <form onSubmit={submit} aria-label={t('provider.title')}>
      <SettingsCard
        title={t('provider.title')}
        description={t('provider.description')}
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
        <Stack gap="lg">
          <Radio.Group
            label={t('provider.label')}
            value={values.vendorId}
            onChange={(vendorId) => setValues({ ...values, vendorId })}
          >
            <Stack gap="sm" mt="xs">
              {vendors.vendors.map((v) => (
                <Radio
                  key={v.id}
                  value={v.id}
                  label={v.builtIn ? t('provider.builtIn', { name: v.name }) : v.name}
                  description={
                    v.builtIn
                      ? t('provider.builtInDescription')
                      : `${v.sipUri ?? ''} ${v.description}`
                  }
                  disabled={!canEdit}
                />
              ))}
            </Stack>
          </Radio.Group>
          <Select
            label={t('provider.failure')}
            description={t('provider.failureHelp')}
            data={FAILURE_BEHAVIORS.map((value) => ({
              value,
              label: t(`failureBehavior.${value}`),
            }))}
            value={values.failureBehavior}
            onChange={(value) => {
              if (isFailureBehavior(value)) setValues({ ...values, failureBehavior: value });
            }}
            allowDeselect={false}
            disabled={!canEdit}
            maw={520}
          />
          {hasExternal && (
            <Stack gap="sm">
              <Switch
                label={t('provider.recordLocally')}
                description={t('provider.recordLocallyHelp')}
                checked={values.recordLocallyOnVendorFailureEnabled}
                onChange={(e) =>
                  setValues({
                    ...values,
                    recordLocallyOnVendorFailureEnabled: e.currentTarget.checked,
                  })
                }
                disabled={!canEdit}
              />
              <Switch
                label={t('provider.dualRecording')}
                description={t('provider.dualRecordingHelp')}
                checked={values.dualRecordingEnabled}
                onChange={(e) =>
                  setValues({ ...values, dualRecordingEnabled: e.currentTarget.checked })
                }
                disabled={!canEdit}
              />
            </Stack>
          )}
          {save.error && <ErrorAlert title={t('notSaved')} error={save.error} />}
        </Stack>
      </SettingsCard>
    </form>
  );
}
