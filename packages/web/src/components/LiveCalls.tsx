// The recording indicator (SPEC §4): the signed-in person's calls being recorded right now, each
// with its recording state kept current by the server-sent events of /api/events, and the
// recording controls their mode allows (Start/Stop for On Demand, Pause/Resume). A control the
// server refuses changes nothing and its reason is shown.
import { useTranslation } from 'react-i18next';
import { Alert, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import type { RecordingControlOperation, TelephonyCall } from '@callvault/shared';
import { LIVE_CALL_EVENTS, controlMyCall, listMyCalls } from '../api/calls.api.js';
import { describeError } from '../lib/error-messages.js';
import { MY_RECORDINGS_KEY, scheduleRefreshAfterCallEnd } from '../lib/my-recordings.js';
import {
  controlLabel,
  availableControls,
  recordingIndicator,
  remotePartyLabel,
} from '../lib/live-calls.js';

const CALLS_KEY = ['telephony', 'calls', 'mine'] as const;

/** Refetches the calls whenever /api/events reports a change; reconnects as EventSource does. */
function useLiveCallEvents(): boolean {
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/events');
    const refresh = (): void => {
      void queryClient.invalidateQueries({ queryKey: CALLS_KEY });
    };
    // A call that ended becomes a recording in My recordings.
    const cancels: (() => void)[] = [];
    const refreshRecordings = (): void => {
      cancels.push(
        scheduleRefreshAfterCallEnd(() => {
          void queryClient.invalidateQueries({ queryKey: MY_RECORDINGS_KEY });
        }),
      );
    };
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    for (const name of LIVE_CALL_EVENTS) source.addEventListener(name, refresh);
    source.addEventListener('callEnded', refreshRecordings);
    return () => {
      source.close();
      cancels.forEach((cancel) => cancel());
    };
  }, [queryClient]);
  return connected;
}

function CallRow({ call }: { readonly call: TelephonyCall }): ReactNode {
  const { t } = useTranslation('userHub');
  const queryClient = useQueryClient();
  const [refusal, setRefusal] = useState<string | null>(null);
  const control = useMutation({
    mutationFn: (c: RecordingControlOperation) => controlMyCall(call.id, c),
    onMutate: () => setRefusal(null),
    onError: (error) => setRefusal(describeError(error)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: CALLS_KEY }),
  });
  const indicator = recordingIndicator(call.recordingState);
  return (
    <Stack gap={6} data-testid="live-call" data-call-id={call.id}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <div>
          <Text fw={500}>{remotePartyLabel(call)}</Text>
          <Text size="xs" c="dimmed">
            {call.state === 'held' ? t('live.held') : t('live.connected')} · {call.recordMode}
          </Text>
        </div>
        <Badge
          color={indicator.color}
          variant={indicator.live ? 'filled' : 'light'}
          data-testid="recording-indicator"
          aria-live="polite"
        >
          {indicator.label}
        </Badge>
      </Group>
      {call.failureReason && (
        <Text size="xs" c="orange">
          {call.failureReason}
        </Text>
      )}
      <Group gap="xs">
        {availableControls(call).map((c) => (
          <Button
            key={c}
            size="xs"
            variant="light"
            loading={control.isPending && control.variables === c}
            disabled={control.isPending}
            onClick={() => control.mutate(c)}
          >
            {controlLabel(c)}
          </Button>
        ))}
      </Group>
      {refusal && (
        <Alert color="red" variant="light" p="xs">
          {refusal}
        </Alert>
      )}
    </Stack>
  );
}

export function LiveCalls(): ReactNode {
  const { t } = useTranslation('userHub');
  const connected = useLiveCallEvents();
  const calls = useQuery({
    queryKey: CALLS_KEY,
    queryFn: ({ signal }) => listMyCalls(signal),
    // Without the event stream (a proxy that buffers it), poll instead.
    refetchInterval: connected ? false : 5000,
  });
  if (calls.error) {
    return (
      <Alert color="red" variant="light">
        {describeError(calls.error)}
      </Alert>
    );
  }
  const items = calls.data?.items ?? [];
  return (
    <Stack gap="md" data-testid="live-calls">
      {calls.isPending ? (
        <Text size="sm" c="dimmed">
          {t('live.loading')}
        </Text>
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('live.none')}
        </Text>
      ) : (
        items.map((call) => <CallRow key={call.id} call={call} />)
      )}
    </Stack>
  );
}
