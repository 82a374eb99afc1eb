// The recording decision for one call leg (SPEC §4 announcement rules, §9.3), as a pure function of
// the recorded entity's effective settings and the call. Callvault never plays audio itself: the
// call system plays what this says.
import type { RecordingDecision, RecordingDecisionRequest } from '@callvault/shared';
import type { EffectiveRecording } from '../recording-settings/effective-settings.js';

export const PROMPT_LANGUAGES = ['en_us', 'sv_se'] as const;

export interface DecisionContext {
  readonly request: Pick<RecordingDecisionRequest, 'direction' | 'callType' | 'legType'>;
  /** null when the recorded party matched no recordable entity of the org. */
  readonly effective: EffectiveRecording | null;
  /** Why there is no effective setting (unknown party, call feature …). */
  readonly unmatchedReason?: string;
  /** The language of whoever answered (a call queue, an auto attendant …), else the recorded entity's. */
  readonly announcementLanguage: string;
  /** The compliance announcement already played earlier in this call session (before a transfer). */
  readonly compliancePlayedBefore: boolean;
  /** Absolute base URL of this Callvault (for prompt URLs) and the built-in recorder's SIPREC URI. */
  readonly baseUrl: string;
  readonly builtinSiprecUri: string;
  /** URL of the applicable custom compliance announcement, when one is chosen. */
  readonly customAnnouncementUrl: string | null;
  /** The uploaded start prompt when the recording announcements choose a custom one. */
  readonly customStartUrl?: string | null;
}

export function promptLanguage(language: string): string {
  return (PROMPT_LANGUAGES as readonly string[]).includes(language) ? language : 'en_us';
}

export function promptUrl(baseUrl: string, language: string, prompt: string): string {
  return `${baseUrl}/api/announcements/${promptLanguage(language)}/${prompt}.wav`;
}

export function decideRecording(ctx: DecisionContext): RecordingDecision {
  const { effective, request } = ctx;
  const language = ctx.announcementLanguage;
  const recordingType = request.legType ?? 'call';
  // A message left in the mailbox is recorded only for an entity that records voicemail.
  const voicemailOff =
    recordingType === 'voicemail' && effective?.recorded === true && !effective.recordVoicemail;
  if (!effective || !effective.recorded || voicemailOff) {
    return {
      record: false,
      recordingType,
      mode: effective?.mode ?? 'Never',
      target: null,
      complianceAnnouncement: { play: false, language, url: null, delaySeconds: 0 },
      startStopAnnouncement: { play: false, url: null },
      pauseResumeNotification: { type: 'None' },
      repeatTone: { enabled: false, intervalSeconds: effective?.repeatTone.intervalSeconds ?? 15 },
      failureBehavior: effective?.failureBehavior ?? 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
      reason: voicemailOff
        ? 'voicemail deposits are not recorded for this entity (recordVoicemailEnabled is off)'
        : (effective?.reason ??
          ctx.unmatchedReason ??
          'the recorded party is not a recordable entity of this organization'),
    };
  }

  const a = effective.complianceAnnouncement;
  const pstn = request.callType === 'pstn';
  const wanted =
    pstn &&
    (request.direction === 'inbound' ? a.inboundPSTNCallsEnabled : a.outboundPSTNCallsEnabled);
  // At most once per call, also across transfers.
  const playCompliance = wanted && !ctx.compliancePlayedBefore;
  const complianceHeard = playCompliance || ctx.compliancePlayedBefore;
  const delaySeconds =
    playCompliance && request.direction === 'outbound' && a.outboundPSTNCallsDelayEnabled
      ? a.delayInSeconds
      : 0;

  // User-level start/stop prompts: inbound calls only, and only when no compliance announcement
  // was (or will be) heard in this call.
  const ss = effective.startStopAnnouncement;
  const playStartStop =
    !complianceHeard &&
    request.direction === 'inbound' &&
    (pstn ? ss.pstnCallsEnabled : ss.internalCallsEnabled);

  const target = effective.vendor.builtIn
    ? { type: 'builtin' as const, sipUri: ctx.builtinSiprecUri }
    : { type: 'external' as const, sipUri: effective.vendor.sipUri ?? '' };

  const reasons = [
    `${recordingType === 'voicemail' ? 'voicemail deposit recorded' : 'recorded'} (${effective.mode}) by ${effective.vendor.name}`,
  ];
  if (wanted && ctx.compliancePlayedBefore)
    reasons.push('compliance announcement already played in this call');
  if (playStartStop) reasons.push('start/stop announcement for an inbound call');

  return {
    record: true,
    recordingType,
    mode: effective.mode,
    target,
    complianceAnnouncement: {
      play: playCompliance,
      language,
      url: playCompliance
        ? a.announcementType === 'CUSTOM' && ctx.customAnnouncementUrl
          ? ctx.customAnnouncementUrl
          : promptUrl(ctx.baseUrl, language, 'compliance')
        : null,
      delaySeconds,
    },
    startStopAnnouncement: {
      play: playStartStop,
      url: playStartStop
        ? (ctx.customStartUrl ?? promptUrl(ctx.baseUrl, language, 'recording-started'))
        : null,
    },
    pauseResumeNotification: { type: effective.pauseResumeNotification },
    repeatTone: effective.repeatTone,
    failureBehavior: effective.failureBehavior,
    reason: reasons.join('; '),
  };
}
