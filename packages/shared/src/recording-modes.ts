// The enum values of the call-recording settings (SPEC §3, Webex's strings), without TypeBox, so
// the console can list them without bundling the schemas.
export const RECORD_MODES = [
  'Always',
  'Never',
  'Always with Pause/Resume',
  'On Demand with User Initiated Start',
] as const;
export type RecordMode = (typeof RECORD_MODES)[number];

export const FAILURE_BEHAVIORS = [
  'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
  'PROCEED_CALL_WITH_ANNOUNCEMENT',
  'END_CALL_WITH_ANNOUNCEMENT',
] as const;
export type FailureBehavior = (typeof FAILURE_BEHAVIORS)[number];

export const NOTIFICATION_TYPES = ['None', 'Beep', 'Play Announcement'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** What happens to a paused stretch (SPEC §4): cut out (Webex) or kept as silence (PCI style). */
export const PAUSE_BEHAVIOURS = ['cut', 'silence'] as const;
export type PauseBehaviour = (typeof PAUSE_BEHAVIOURS)[number];
