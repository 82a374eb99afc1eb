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
import {
  FAILURE_BEHAVIOR_LABELS,
  formatBytes,
  isFailureBehavior,
} from '../../../lib/recording-form.js';
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

export const ACKNOWLEDGE_DISABLE_TEXT =
  'I understand that turning off call recording removes this feature for all users';

export function OrgCallRecordingPage(): ReactNode {
  const canEdit = useCanEditSettings();
  const org = useQuery(orgCallRecordingQuery);
  const vendors = useQuery(orgVendorsQuery);
  const announcement = useQuery(orgAnnouncementQuery);

  return (
    <CallRecordingSettingsPage
      canEdit={canEdit}
      header={
        <PageHeader
          eyebrow="Control Hub"
          title="Call recording"
          description="Whether calls in your organisation are recorded, where the recordings go, and what callers hear."
        />
      }
    >
      <QueryCard query={org} errorTitle="Could not load call recording">
        {(data) => <StatusCard org={data} canEdit={canEdit} />}
      </QueryCard>
      <QueryCard query={vendors} errorTitle="Could not load recording providers">
        {(data) => (
          <>
            <ProviderCard key={vendorsKey(data)} vendors={data} canEdit={canEdit} />
            <ExternalVendorsCard vendors={data} canEdit={canEdit} />
          </>
        )}
      </QueryCard>
      <QueryCard query={announcement} errorTitle="Could not load the compliance announcement">
        {(data) => (
          <ComplianceAnnouncementCard scope={{ kind: 'org', settings: data }} canEdit={canEdit} />
        )}
      </QueryCard>
    </CallRecordingSettingsPage>
  );
}

/** The provider form starts again from the server when the saved choice or the vendor list moves. */
function vendorsKey(v: OrgVendors): string {
  return [v.vendorId, v.failureBehavior, ...v.vendors.map((x) => x.id)].join('|');
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
