// The call-recording settings' rules beyond their shape (SPEC §3.3, §4): the server applies them to
// a PUT and the console to its forms before it sends anything, so both refuse the same values with
// the same sentence. A setting that is switched off is not checked: its fields may be empty or out
// of range while it is off (the server then keeps the value it had), and are checked again once it
// is switched on. Each problem has a stable code; the server words it in English (the API's
// message), the console in the reader's language by the same code.

export const REPEAT_INTERVAL_MIN = 10;
export const REPEAT_INTERVAL_MAX = 1800;
export const ANNOUNCEMENT_DELAY_MIN = 1;
export const ANNOUNCEMENT_DELAY_MAX = 20;

export const SETTINGS_PROBLEM_CODES = [
  /** The repeat tone's interval is not a whole number of seconds in range. */
  'repeatIntervalRange',
  /** The compliance announcement's delay on outbound calls is not a whole number in range. */
  'announcementDelayRange',
  /** `notification.type: "None"` sent with `notification.enabled: true`. */
  'notificationTypeNone',
  /** A custom compliance announcement chosen before any file was uploaded. */
  'customAnnouncementMissing',
] as const;
export type SettingsProblemCode = (typeof SETTINGS_PROBLEM_CODES)[number];

export interface SettingsProblem {
  /** The field in the API's body, dotted: `repeat.interval`, `delayInSeconds`. */
  readonly field: string;
  readonly code: SettingsProblemCode;
  /** The range of a range problem. */
  readonly min?: number;
  readonly max?: number;
  /** The whole number given, when one was (a range problem). */
  readonly got?: number;
}

/** A number box's value: a number, or what was typed (a string, empty while the box is empty). */
export type TypedNumber = number | string | null | undefined;

/** The whole number a box holds, or null when it holds none. */
export function wholeNumberOf(value: TypedNumber): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && value.trim() === '') return null;
  const n = typeof value === 'number' ? value : Number(value.trim());
  return Number.isInteger(n) ? n : null;
}

function inRange(value: TypedNumber, min: number, max: number): boolean {
  const n = wholeNumberOf(value);
  return n !== null && n >= min && n <= max;
}

/** A person's, workspace's or virtual line's settings as they stand after the change. */
export interface EntityRecordingValues {
  readonly enabled: boolean;
  readonly repeatEnabled: boolean;
  readonly repeatInterval: TypedNumber;
  readonly notificationEnabled?: boolean;
  readonly notificationType?: string | null;
}

/** Whether the repeat tone's interval is in force, and so is checked. */
export function repeatIntervalApplies(
  v: Pick<EntityRecordingValues, 'enabled' | 'repeatEnabled'>,
): boolean {
  return v.enabled && v.repeatEnabled;
}

export function checkEntityRecording(v: EntityRecordingValues): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  if (
    repeatIntervalApplies(v) &&
    !inRange(v.repeatInterval, REPEAT_INTERVAL_MIN, REPEAT_INTERVAL_MAX)
  ) {
    problems.push(rangeProblem('repeat.interval', 'repeatIntervalRange', v.repeatInterval));
  }
  if (v.notificationEnabled === true && v.notificationType === 'None') {
    problems.push({ field: 'notification.type', code: 'notificationTypeNone' });
  }
  return problems;
}

/** An organisation's or a location's own compliance announcement after the change. */
export interface AnnouncementValues {
  readonly inboundPSTNCallsEnabled: boolean;
  readonly outboundPSTNCallsEnabled: boolean;
  readonly outboundPSTNCallsDelayEnabled: boolean;
  readonly delayInSeconds: TypedNumber;
  readonly announcementType: 'DEFAULT' | 'CUSTOM';
  /** Whether a custom file has been uploaded for this level. */
  readonly hasCustomFile: boolean;
}

/** Whether the delay on outbound calls is in force, and so is checked. */
export function announcementDelayApplies(
  v: Pick<AnnouncementValues, 'outboundPSTNCallsEnabled' | 'outboundPSTNCallsDelayEnabled'>,
): boolean {
  return v.outboundPSTNCallsEnabled && v.outboundPSTNCallsDelayEnabled;
}

export function checkComplianceAnnouncement(v: AnnouncementValues): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  if (
    announcementDelayApplies(v) &&
    !inRange(v.delayInSeconds, ANNOUNCEMENT_DELAY_MIN, ANNOUNCEMENT_DELAY_MAX)
  ) {
    problems.push(rangeProblem('delayInSeconds', 'announcementDelayRange', v.delayInSeconds));
  }
  const plays = v.inboundPSTNCallsEnabled || v.outboundPSTNCallsEnabled;
  if (plays && v.announcementType === 'CUSTOM' && !v.hasCustomFile) {
    problems.push({ field: 'announcementType', code: 'customAnnouncementMissing' });
  }
  return problems;
}

function rangeProblem(
  field: string,
  code: 'repeatIntervalRange' | 'announcementDelayRange',
  value: TypedNumber,
): SettingsProblem {
  const range = RANGES[code];
  const got = wholeNumberOf(value);
  return { field, code, ...range, ...(got === null ? {} : { got }) };
}

const RANGES = {
  repeatIntervalRange: { min: REPEAT_INTERVAL_MIN, max: REPEAT_INTERVAL_MAX },
  announcementDelayRange: { min: ANNOUNCEMENT_DELAY_MIN, max: ANNOUNCEMENT_DELAY_MAX },
} as const;

/** The server's English sentence for a problem; it starts with the field, as every API message. */
export function describeSettingsProblem(p: SettingsProblem): string {
  switch (p.code) {
    case 'repeatIntervalRange':
    case 'announcementDelayRange':
      return `${p.field} must be a whole number of seconds between ${p.min} and ${p.max}${
        p.got === undefined ? '' : ` (got ${p.got})`
      }`;
    case 'notificationTypeNone':
      return `${p.field}: "None" cannot be set with notification.enabled true; choose Beep or Play Announcement, or set notification.enabled to false`;
    case 'customAnnouncementMissing':
      return `${p.field}: CUSTOM needs an uploaded announcement file first (POST /api/announcements/custom)`;
  }
}

const RANGE_MESSAGE =
  /^([\w.]+) must be a whole number of seconds between (-?\d+) and (-?\d+)(?: \(got (-?\d+)\))?$/;

/**
 * The problem a server message describes, or null for any other message: the console words the
 * server's refusal in the reader's language (the API keeps the English message).
 */
export function readSettingsProblem(message: string): SettingsProblem | null {
  const range = RANGE_MESSAGE.exec(message);
  if (range) {
    const [, field = '', , , got] = range;
    const code: 'repeatIntervalRange' | 'announcementDelayRange' | null =
      field === 'repeat.interval'
        ? 'repeatIntervalRange'
        : field === 'delayInSeconds'
          ? 'announcementDelayRange'
          : null;
    if (code === null) return null;
    const problem: SettingsProblem = {
      field,
      code,
      ...RANGES[code],
      ...(got === undefined ? {} : { got: Number(got) }),
    };
    return describeSettingsProblem(problem) === message ? problem : null;
  }
  for (const field of ['notification.type', 'announcementType'] as const) {
    const code: SettingsProblemCode =
      field === 'notification.type' ? 'notificationTypeNone' : 'customAnnouncementMissing';
    if (describeSettingsProblem({ field, code }) === message) return { field, code };
  }
  return null;
}
