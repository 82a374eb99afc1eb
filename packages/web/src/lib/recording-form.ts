// What the call-recording forms hold, how they come from and go back to the API, and the checks
// the console makes before it sends anything. The checks repeat the server's rules (SPEC §3.3) with
// the server's own words, so a person sees the same sentence whichever side caught the mistake.
import { ApiError } from '../api/client.js';
import {
  FAILURE_BEHAVIORS,
  type AccessSettings,
  type EntityCallRecording,
  type EntityCallRecordingUpdate,
  type FailureBehavior,
  type NotificationType,
  type RecordMode,
} from '@callvault/shared';

export const REPEAT_INTERVAL_MIN = 10;
export const REPEAT_INTERVAL_MAX = 1800;
export const ANNOUNCEMENT_DELAY_MIN = 1;
export const ANNOUNCEMENT_DELAY_MAX = 20;

/** How Control Hub names each recording mode (the Webex strings are already readable). */
export const RECORD_MODE_LABELS: Readonly<Record<RecordMode, string>> = {
  Always: 'Always',
  Never: 'Never',
  'Always with Pause/Resume': 'Always with Pause/Resume',
  'On Demand with User Initiated Start': 'On Demand with User Initiated Start',
};

export const RECORD_MODE_DESCRIPTIONS: Readonly<Record<RecordMode, string>> = {
  Always: 'Every call is recorded from the moment it connects.',
  Never: 'No call is recorded.',
  'Always with Pause/Resume':
    'Every call is recorded; the user may pause and resume recording during the call.',
  'On Demand with User Initiated Start':
    'Nothing is recorded until the user starts recording during the call; then they may pause, resume and stop it.',
};

export const FAILURE_BEHAVIOR_LABELS: Readonly<Record<FailureBehavior, string>> = {
  PROCEED_WITH_CALL_NO_ANNOUNCEMENT: 'Proceed with the call, no announcement',
  PROCEED_CALL_WITH_ANNOUNCEMENT: 'Proceed with the call and announce that recording failed',
  END_CALL_WITH_ANNOUNCEMENT: 'End the call with an announcement',
};

export function isFailureBehavior(value: string | null): value is FailureBehavior {
  return (FAILURE_BEHAVIORS as readonly (string | null)[]).includes(value);
}

export const NOTIFICATION_TYPE_LABELS: Readonly<Record<Exclude<NotificationType, 'None'>, string>> =
  {
    Beep: 'Beep',
    'Play Announcement': 'Play announcement',
  };

/** The person, workspace or virtual line form: the API's fields, with the interval as typed. */
export interface EntityRecordingForm {
  readonly enabled: boolean;
  readonly record: RecordMode;
  readonly recordVoicemailEnabled: boolean;
  readonly internalCallsEnabled: boolean;
  readonly pstnCallsEnabled: boolean;
  readonly notificationEnabled: boolean;
  readonly notificationType: Exclude<NotificationType, 'None'>;
  readonly repeatEnabled: boolean;
  /** What the number box holds: a number, or a string while it is empty or half typed. */
  readonly repeatInterval: number | string;
  readonly transcriptEnabled: boolean;
  readonly access: AccessSettings;
}

export function toEntityForm(settings: EntityCallRecording): EntityRecordingForm {
  return {
    enabled: settings.enabled,
    record: settings.record,
    recordVoicemailEnabled: settings.recordVoicemailEnabled,
    internalCallsEnabled: settings.startStopAnnouncement.internalCallsEnabled,
    pstnCallsEnabled: settings.startStopAnnouncement.pstnCallsEnabled,
    notificationEnabled: settings.notification.enabled,
    // The API shows `None` while the notification is off; turning it on means Beep (Webex).
    notificationType: settings.notification.type === 'None' ? 'Beep' : settings.notification.type,
    repeatEnabled: settings.repeat.enabled,
    repeatInterval: settings.repeat.interval,
    transcriptEnabled: settings.transcriptEnabled,
    access: settings.callRecordingAccessSettings,
  };
}

/** The server's sentence for an interval out of range (`applyEntityUpdate` on the server). */
export function describeIntervalProblem(interval: number): string {
  return `repeat.interval must be between ${REPEAT_INTERVAL_MIN} and ${REPEAT_INTERVAL_MAX} seconds (got ${interval})`;
}

/** Null when the typed interval is acceptable, else what is wrong with it. */
export function validateRepeatInterval(value: number | string): string | null {
  const interval = typeof value === 'number' ? value : Number(value.trim());
  if ((typeof value === 'string' && value.trim() === '') || !Number.isFinite(interval)) {
    return `repeat.interval must be a whole number of seconds between ${REPEAT_INTERVAL_MIN} and ${REPEAT_INTERVAL_MAX}`;
  }
  if (!Number.isInteger(interval)) {
    return `repeat.interval must be a whole number of seconds (got ${interval})`;
  }
  if (interval < REPEAT_INTERVAL_MIN || interval > REPEAT_INTERVAL_MAX) {
    return describeIntervalProblem(interval);
  }
  return null;
}

export type EntityFormErrors = Partial<Record<'repeatInterval', string>>;

export function validateEntityForm(form: EntityRecordingForm): EntityFormErrors {
  const interval = validateRepeatInterval(form.repeatInterval);
  return interval === null ? {} : { repeatInterval: interval };
}

/** The PUT body for a valid form: every editable field, never the read-only platform info. */
export function toEntityUpdate(form: EntityRecordingForm): EntityCallRecordingUpdate {
  return {
    enabled: form.enabled,
    record: form.record,
    recordVoicemailEnabled: form.recordVoicemailEnabled,
    startStopAnnouncement: {
      internalCallsEnabled: form.internalCallsEnabled,
      pstnCallsEnabled: form.pstnCallsEnabled,
    },
    notification: form.notificationEnabled
      ? { enabled: true, type: form.notificationType }
      : { enabled: false },
    repeat: { enabled: form.repeatEnabled, interval: Number(form.repeatInterval) },
    transcriptEnabled: form.transcriptEnabled,
    callRecordingAccessSettings: form.access,
  };
}

/**
 * Which field a server error is about, from the path its message starts with: the service's own
 * checks (`repeat.interval must be …`, `allowedSources: …`) and the schema's (`body.sipUri must
 * match …`). Null when the message names none of `fields`.
 */
export function findErrorField<Field extends string>(
  error: Error,
  fields: readonly Field[],
): Field | null {
  if (!(error instanceof ApiError) || error.status !== 400 || error.body === null) return null;
  const match = /^(?:body\.)?([A-Za-z][\w.]*?)(?::|\s)/.exec(error.body.message);
  const named = match?.[1];
  return fields.find((field) => field === named) ?? null;
}

/** `107374182400` → `100 GiB`: binary units, as operators size quotas. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 || value >= 100 ? Math.round(value) : Number(value.toFixed(1));
  return `${shown} ${units[unit] ?? 'bytes'}`;
}
