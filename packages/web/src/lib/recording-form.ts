// What the call-recording forms hold, how they come from and go back to the API, and the checks
// the console makes before it sends anything. The checks are the server's own rules
// (@callvault/shared recording-settings-rules: a switched-off setting is not checked), and a
// problem is worded by its code in the reader's language, whichever side found it.
import i18next from 'i18next';
import { ApiError } from '../api/client.js';
import {
  FAILURE_BEHAVIORS,
  checkEntityRecording,
  wholeNumberOf,
  type AccessSettings,
  type EntityCallRecording,
  type EntityCallRecordingUpdate,
  type FailureBehavior,
  type NotificationType,
  type RecordMode,
  type SettingsProblem,
} from '@callvault/shared';
import { formatNumber } from './format.js';

export {
  ANNOUNCEMENT_DELAY_MAX,
  ANNOUNCEMENT_DELAY_MIN,
  REPEAT_INTERVAL_MAX,
  REPEAT_INTERVAL_MIN,
} from '@callvault/shared';

/**
 * The translation key of each recording mode (`callRecording:recordMode.<key>`). The Webex values
 * themselves are what the API takes and are sent unchanged; only their labels are translated.
 */
export const RECORD_MODE_KEYS = {
  Always: 'always',
  Never: 'never',
  'Always with Pause/Resume': 'alwaysPauseResume',
  'On Demand with User Initiated Start': 'onDemand',
} as const satisfies Record<RecordMode, string>;

/** The translation key of each notification type the form offers. */
export const NOTIFICATION_TYPE_KEYS = {
  Beep: 'beep',
  'Play Announcement': 'playAnnouncement',
} as const satisfies Record<Exclude<NotificationType, 'None'>, string>;

export function isFailureBehavior(value: string | null): value is FailureBehavior {
  return (FAILURE_BEHAVIORS as readonly (string | null)[]).includes(value);
}

/** A settings problem (the server's rules) in the reader's language, numbers as they write them. */
export function describeSettingsProblemText(problem: SettingsProblem, lng?: string): string {
  const t = i18next.getFixedT(lng ?? null, 'callRecording');
  return t(`problem.${problem.code}`, {
    min: problem.min === undefined ? '' : formatNumber(problem.min, lng),
    max: problem.max === undefined ? '' : formatNumber(problem.max, lng),
  });
}

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

export type EntityFormErrors = Partial<Record<'repeatInterval', SettingsProblem>>;

/** The server's rules on the form's values: nothing is checked of a setting that is off. */
export function validateEntityForm(form: EntityRecordingForm): EntityFormErrors {
  const problem = checkEntityRecording({
    enabled: form.enabled,
    repeatEnabled: form.repeatEnabled,
    repeatInterval: form.repeatInterval,
  }).find((p) => p.field === 'repeat.interval');
  return problem === undefined ? {} : { repeatInterval: problem };
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
    // An empty box (allowed while the tone or recording is off) sends no interval: the server
    // keeps the one it has.
    repeat: intervalOf(form.repeatInterval, form.repeatEnabled),
    transcriptEnabled: form.transcriptEnabled,
    callRecordingAccessSettings: form.access,
  };
}

function intervalOf(
  value: number | string,
  enabled: boolean,
): { enabled: boolean; interval?: number } {
  const interval = wholeNumberOf(value);
  return interval === null ? { enabled } : { enabled, interval };
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
