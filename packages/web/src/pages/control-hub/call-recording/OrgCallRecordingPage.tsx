// Control Hub → Call recording: the organisation's switch, recording provider and failure
// behaviour, compliance announcement, and the retention and quota the operator set.
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
  Skeleton,
  Stack,
  Switch,
  Text,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import {
  updateOrgAnnouncement,
  updateOrgCallRecording,
  updateOrgVendor,
} from '../../../api/recording-settings.api.js';
import {
  type ComplianceAnnouncement,
  FAILURE_BEHAVIORS,
  type FailureBehavior,
  type OrgCallRecording,
  type OrgVendors,
} from '@callvault/shared';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { PageHeader } from '../../../components/PageHeader.js';
import { FormActions, SettingsCard } from '../../../components/SettingsCard.js';
import { useToast } from '../../../components/Toaster.js';
import { describeError } from '../../../lib/error-messages.js';
import { FAILURE_BEHAVIOR_LABELS, formatBytes } from '../../../lib/recording-form.js';
import { useCanEditSettings } from '../../../lib/use-can-edit-settings.js';
import {
  ComplianceAnnouncementFields,
  validateDelay,
  type AnnouncementFormValues,
} from './ComplianceAnnouncementFields.js';
import { ExternalVendorsCard } from './ExternalVendorsCard.js';
import {
  callRecordingKeys,
  orgAnnouncementQuery,
  orgCallRecordingQuery,
  orgVendorsQuery,
} from './recording-queries.js';

export const ACKNOWLEDGE_DISABLE_TEXT =
  'I understand that turning off call recording removes this feature for all users';

export function OrgCallRecordingPage(): ReactNode {
  const canEdit = useCanEditSettings();
  const org = useQuery(orgCallRecordingQuery);
  const vendors = useQuery(orgVendorsQuery);
  const announcement = useQuery(orgAnnouncementQuery);

  return (
    <>
      <PageHeader
        eyebrow="Control Hub"
        title="Call recording"
        description="Whether calls in your organisation are recorded, where the recordings go, and what callers hear."
      />
      {!canEdit && (
        <Alert variant="light" color="gray" mb="lg">
          You have read-only access: an administrator with full rights can change these settings.
        </Alert>
      )}
      <Stack gap="lg">
        {org.error ? (
          <ErrorAlert
            title="Could not load call recording"
            error={org.error}
            onRetry={() => void org.refetch()}
          />
        ) : org.data ? (
          <StatusCard org={org.data} canEdit={canEdit} />
        ) : (
          <CardSkeleton />
        )}
        {vendors.error ? (
          <ErrorAlert
            title="Could not load recording providers"
            error={vendors.error}
            onRetry={() => void vendors.refetch()}
          />
        ) : vendors.data ? (
          <>
            <ProviderCard key={vendorsKey(vendors.data)} vendors={vendors.data} canEdit={canEdit} />
            <ExternalVendorsCard vendors={vendors.data} canEdit={canEdit} />
          </>
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
          <AnnouncementCard settings={announcement.data} canEdit={canEdit} />
        ) : (
          <CardSkeleton />
        )}
      </Stack>
    </>
  );
}

/** The provider form starts again from the server when the saved choice or the vendor list moves. */
function vendorsKey(v: OrgVendors): string {
  return [v.vendorId, v.failureBehavior, ...v.vendors.map((x) => x.id)].join('|');
}

export function CardSkeleton(): ReactNode {
  return (
    <Stack gap="sm" p="lg" bg="white" style={{ borderRadius: 8 }} aria-busy="true">
      <Skeleton height={18} width="30%" radius="xl" />
      <Skeleton height={12} width="60%" radius="xl" />
      <Skeleton height={36} mt="sm" />
      <Skeleton height={36} />
    </Stack>
  );
}

function StatusCard({
  org,
  canEdit,
}: {
  readonly org: OrgCallRecording;
  readonly canEdit: boolean;
}): ReactNode {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const change = useMutation({
    mutationFn: updateOrgCallRecording,
    onSuccess: async (_result, update) => {
      await queryClient.invalidateQueries({ queryKey: callRecordingKeys.all });
      setConfirming(false);
      if (update.enabled === false) toast({ title: 'Call recording turned off' });
      else if (update.enabled === true) toast({ title: 'Call recording turned on' });
      else toast({ title: 'Transcript default saved' });
    },
    onError: (error) => {
      // The confirmation shows its own error; other changes report here.
      if (!confirming) toast({ title: 'Not saved', message: describeError(error), tone: 'error' });
    },
  });

  return (
    <SettingsCard
      title="Organisation"
      description="Turning recording off stops new recordings for everyone. Recordings already made stay stored until their retention ends."
      aside={
        <Badge color={org.enabled ? 'teal' : 'gray'} variant="light" size="lg" radius="sm">
          {org.enabled ? 'Recording on' : 'Recording off'}
        </Badge>
      }
    >
      <Stack gap="lg">
        <Switch
          label="Call recording"
          description={
            org.enabled
              ? `Calls are recorded by ${org.vendorName} for the people, workspaces and virtual lines set to record.`
              : 'No calls are recorded.'
          }
          checked={org.enabled}
          disabled={!canEdit || change.isPending}
          onChange={(e) => {
            if (e.currentTarget.checked) change.mutate({ enabled: true });
            else setConfirming(true);
          }}
        />
        <Switch
          label="Transcribe recordings by default"
          description="Applies to every person, workspace and virtual line that has not chosen for itself."
          checked={org.transcriptEnabled}
          disabled={!canEdit || change.isPending}
          onChange={(e) => change.mutate({ transcriptEnabled: e.currentTarget.checked })}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <ReadOnlyValue
            label="Retention"
            value={`${org.retentionDays} days`}
            hint="Recordings are deleted after this, unless on legal hold."
          />
          <ReadOnlyValue
            label="Storage quota"
            value={formatBytes(org.quotaBytes)}
            hint="Set by the operator of this Callvault server."
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
  readonly value: string;
  readonly hint?: string;
}): ReactNode {
  return (
    <Stack gap={2} p="sm" bg="gray.0" style={{ borderRadius: 8 }}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" lts={0.4}>
        {props.label}
      </Text>
      <Text fw={600} data-testid={`read-only-${props.label.toLowerCase().replace(/\s+/g, '-')}`}>
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
  const [acknowledged, setAcknowledged] = useState(false);
  const close = (): void => {
    setAcknowledged(false);
    props.onCancel();
  };
  return (
    <Modal
      opened={props.opened}
      onClose={close}
      title={<Text fw={650}>Turn off call recording?</Text>}
      centered
    >
      <Stack gap="md">
        <Text size="sm">
          No new calls will be recorded for anyone in the organisation, whatever their own settings
          say. Recordings already made stay stored until their retention ends.
        </Text>
        <Checkbox
          label={ACKNOWLEDGE_DISABLE_TEXT}
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
            Cancel
          </Button>
          <Button
            color="red"
            disabled={!acknowledged || props.saving}
            loading={props.saving}
            onClick={props.onConfirm}
          >
            Turn off recording
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

const FAILURE_OPTIONS = FAILURE_BEHAVIORS.map((value) => ({
  value,
  label: FAILURE_BEHAVIOR_LABELS[value],
}));

export function isFailureBehavior(value: string | null): value is FailureBehavior {
  return (FAILURE_BEHAVIORS as readonly (string | null)[]).includes(value);
}

function ProviderCard({
  vendors,
  canEdit,
}: {
  readonly vendors: OrgVendors;
  readonly canEdit: boolean;
}): ReactNode {
  const queryClient = useQueryClient();
  const toast = useToast();
  const initial = { vendorId: vendors.vendorId, failureBehavior: vendors.failureBehavior };
  const [values, setValues] = useState(initial);
  const dirty =
    values.vendorId !== initial.vendorId || values.failureBehavior !== initial.failureBehavior;
  const save = useMutation({
    mutationFn: updateOrgVendor,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: callRecordingKeys.all });
      toast({ title: 'Recording provider saved' });
    },
  });

  function submit(event: FormEvent): void {
    event.preventDefault();
    save.mutate(values);
  }

  return (
    <form onSubmit={submit} aria-label="Recording provider">
      <SettingsCard
        title="Recording provider"
        description="Who records the calls: Callvault's built-in recorder, or an external SIPREC recorder you registered below. Locations may choose their own."
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
            label="Provider"
            value={values.vendorId}
            onChange={(vendorId) => setValues({ ...values, vendorId })}
          >
            <Stack gap="sm" mt="xs">
              {vendors.vendors.map((v) => (
                <Radio
                  key={v.id}
                  value={v.id}
                  label={v.builtIn ? `${v.name} (built-in)` : v.name}
                  description={v.builtIn ? v.description : `${v.sipUri ?? ''} ${v.description}`}
                  disabled={!canEdit}
                />
              ))}
            </Stack>
          </Radio.Group>
          <Select
            label="When recording fails"
            description="What happens to a call the recorder cannot record."
            data={FAILURE_OPTIONS}
            value={values.failureBehavior}
            onChange={(value) => {
              if (isFailureBehavior(value)) setValues({ ...values, failureBehavior: value });
            }}
            allowDeselect={false}
            disabled={!canEdit}
            maw={520}
          />
          {save.error && <ErrorAlert title="Not saved" error={save.error} />}
        </Stack>
      </SettingsCard>
    </form>
  );
}

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

function AnnouncementCard({
  settings,
  canEdit,
}: {
  readonly settings: ComplianceAnnouncement;
  readonly canEdit: boolean;
}): ReactNode {
  const queryClient = useQueryClient();
  const toast = useToast();
  const initial = toAnnouncementValues(settings);
  const [values, setValues] = useState(initial);
  const [submitted, setSubmitted] = useState(false);
  const delayError = submitted ? validateDelay(values.delayInSeconds) : null;
  const save = useMutation({
    mutationFn: updateOrgAnnouncement,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: callRecordingKeys.all });
      setSubmitted(false);
      toast({ title: 'Compliance announcement saved' });
    },
  });

  function submit(event: FormEvent): void {
    event.preventDefault();
    setSubmitted(true);
    if (validateDelay(values.delayInSeconds) !== null) return;
    save.mutate({ ...values, delayInSeconds: Number(values.delayInSeconds) });
  }

  return (
    <form onSubmit={submit} aria-label="Compliance announcement">
      <SettingsCard
        title="Compliance announcement"
        description="Tells the other party that the call may be recorded. It plays once per call, never again after a transfer; when it plays, the user's start/stop announcement is not played."
        footer={
          <FormActions
            dirty={!sameAnnouncementValues(values, initial)}
            saving={save.isPending}
            disabled={!canEdit}
            onCancel={() => {
              setValues(initial);
              setSubmitted(false);
              save.reset();
            }}
          />
        }
      >
        <Stack gap="md">
          <ComplianceAnnouncementFields
            values={values}
            onChange={setValues}
            disabled={!canEdit}
            delayError={delayError}
            customFileName={settings.customAnnouncementFileName}
            onUploaded={() => {
              void queryClient.invalidateQueries({ queryKey: callRecordingKeys.orgAnnouncement });
            }}
          />
          {save.error && <ErrorAlert title="Not saved" error={save.error} />}
        </Stack>
      </SettingsCard>
    </form>
  );
}
