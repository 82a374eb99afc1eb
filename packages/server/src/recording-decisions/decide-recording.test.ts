// SPEC §4 announcement rules and §9.3, one table per rule.
import { describe, expect, it } from 'vitest';
import {
  resolveEffectiveSettings,
  type EffectiveRecording,
} from '../recording-settings/effective-settings.js';
import {
  BUILTIN_VENDOR_ID,
  DEFAULT_ANNOUNCEMENT,
  DEFAULT_ENTITY_SETTINGS,
  DEFAULT_ORG_SETTINGS,
  type AnnouncementConfig,
  type EntityRecordingSettings,
} from '../recording-settings/recording-settings.model.js';
import { decideRecording, type DecisionContext } from './decide-recording.js';

const vendors = new Map([
  [BUILTIN_VENDOR_ID, { id: BUILTIN_VENDOR_ID, name: 'Callvault', builtIn: true, sipUri: null }],
  ['ext', { id: 'ext', name: 'Acme', builtIn: false, sipUri: 'sip:srs@acme.example' }],
]);
const always: EntityRecordingSettings = {
  ...DEFAULT_ENTITY_SETTINGS,
  enabled: true,
  record: 'Always',
};

function effective(
  announcement: Partial<AnnouncementConfig> = {},
  entity: Partial<EntityRecordingSettings> = {},
  orgOver: Partial<typeof DEFAULT_ORG_SETTINGS> = {},
): EffectiveRecording {
  return resolveEffectiveSettings({
    org: {
      ...DEFAULT_ORG_SETTINGS,
      complianceAnnouncement: { ...DEFAULT_ANNOUNCEMENT, ...announcement },
      ...orgOver,
    },
    location: null,
    entity: { ...always, ...entity },
    kind: 'person',
    license: 'professional',
    vendors,
  });
}

function ctx(
  over: Partial<DecisionContext> & {
    direction?: 'inbound' | 'outbound';
    callType?: 'pstn' | 'internal';
  },
): DecisionContext {
  const { direction = 'inbound', callType = 'pstn', ...rest } = over;
  return {
    request: { direction, callType },
    effective: effective(),
    announcementLanguage: 'en_us',
    compliancePlayedBefore: false,
    baseUrl: 'http://cv.example',
    builtinSiprecUri: 'sip:callvault@127.0.0.1:5060',
    customAnnouncementUrl: null,
    ...rest,
  };
}

const inboundOn = { inboundPSTNCallsEnabled: true };
const outboundOn = { outboundPSTNCallsEnabled: true };
const startStopBoth = {
  startStopAnnouncement: { internalCallsEnabled: true, pstnCallsEnabled: true },
};

describe('rule: whether to record and where', () => {
  it.each([
    ['org off', effective({}, {}, { enabled: false }), false, /turned off/],
    ['mode Never', effective({}, { record: 'Never' }), false, /Never/],
    ['entity not enabled', effective({}, { enabled: false }), false, /not enabled/],
    ['Always', effective(), true, /recorded \(Always\)/],
  ] as const)('%s → record %s', (_n, eff, record, reason) => {
    const d = decideRecording(ctx({ effective: eff }));
    expect(d.record).toBe(record);
    expect(d.reason).toMatch(reason);
    if (!record) {
      expect(d.target).toBeNull();
      expect(d.complianceAnnouncement.play).toBe(false);
    }
  });

  it('an unknown recorded party is not recorded, with the reason', () => {
    expect(
      decideRecording(
        ctx({
          effective: null,
          unmatchedReason: 'no person, workspace or virtual line has extension 9999',
        }),
      ),
    ).toMatchObject({ record: false, reason: /extension 9999/ });
  });

  it.each([
    ['built-in', {}, { type: 'builtin', sipUri: 'sip:callvault@127.0.0.1:5060' }],
    ['external vendor', { vendorId: 'ext' }, { type: 'external', sipUri: 'sip:srs@acme.example' }],
  ] as const)('target: %s', (_n, orgOver, target) => {
    expect(decideRecording(ctx({ effective: effective({}, {}, orgOver) })).target).toEqual(target);
  });
});

describe('rule: the compliance announcement', () => {
  it.each([
    // direction, callType, announcement settings, played before, → play, delay
    ['inbound PSTN, inbound on', 'inbound', 'pstn', inboundOn, false, true, 0],
    ['inbound PSTN, only outbound on', 'inbound', 'pstn', outboundOn, false, false, 0],
    ['outbound PSTN, outbound on', 'outbound', 'pstn', outboundOn, false, true, 0],
    [
      'outbound PSTN with delay',
      'outbound',
      'pstn',
      { ...outboundOn, outboundPSTNCallsDelayEnabled: true, delayInSeconds: 7 },
      false,
      true,
      7,
    ],
    [
      'internal call, both on',
      'inbound',
      'internal',
      { ...inboundOn, ...outboundOn },
      false,
      false,
      0,
    ],
    [
      'after a transfer: already played in this call session',
      'inbound',
      'pstn',
      inboundOn,
      true,
      false,
      0,
    ],
    ['all off (default)', 'inbound', 'pstn', {}, false, false, 0],
  ] as const)('%s', (_n, direction, callType, announcement, before, play, delay) => {
    const d = decideRecording(
      ctx({
        direction,
        callType,
        effective: effective(announcement),
        compliancePlayedBefore: before,
      }),
    );
    expect(d.complianceAnnouncement.play).toBe(play);
    expect(d.complianceAnnouncement.delaySeconds).toBe(delay);
    expect(d.complianceAnnouncement.url).toBe(
      play ? 'http://cv.example/api/announcements/en_us/compliance.wav' : null,
    );
  });

  it.each([
    ['sv_se', 'http://cv.example/api/announcements/sv_se/compliance.wav'],
    ['en_us', 'http://cv.example/api/announcements/en_us/compliance.wav'],
    ['de_de', 'http://cv.example/api/announcements/en_us/compliance.wav'],
  ])('plays in the answering entity’s language (%s)', (language, url) => {
    const d = decideRecording(
      ctx({ effective: effective(inboundOn), announcementLanguage: language }),
    );
    expect(d.complianceAnnouncement).toMatchObject({ play: true, language, url });
  });

  it('a custom announcement file is used when chosen', () => {
    const d = decideRecording(
      ctx({
        effective: effective({ ...inboundOn, announcementType: 'CUSTOM', customFileName: 'x.wav' }),
        customAnnouncementUrl: 'http://cv.example/api/announcements/custom/abc.wav',
      }),
    );
    expect(d.complianceAnnouncement.url).toBe('http://cv.example/api/announcements/custom/abc.wav');
  });
});

describe('rule: user-level start/stop announcements', () => {
  it.each([
    // direction, callType, compliance settings, played before, start/stop flags → play
    ['inbound PSTN, no compliance', 'inbound', 'pstn', {}, false, startStopBoth, true],
    ['inbound internal, no compliance', 'inbound', 'internal', {}, false, startStopBoth, true],
    [
      'inbound internal, only PSTN flag',
      'inbound',
      'internal',
      {},
      false,
      { startStopAnnouncement: { internalCallsEnabled: false, pstnCallsEnabled: true } },
      false,
    ],
    ['outbound PSTN: never on outbound calls', 'outbound', 'pstn', {}, false, startStopBoth, false],
    [
      'suppressed when the compliance announcement plays',
      'inbound',
      'pstn',
      inboundOn,
      false,
      startStopBoth,
      false,
    ],
    [
      'suppressed after the compliance announcement played before a transfer',
      'inbound',
      'pstn',
      inboundOn,
      true,
      startStopBoth,
      false,
    ],
    ['flags off', 'inbound', 'pstn', {}, false, {}, false],
  ] as const)('%s', (_n, direction, callType, announcement, before, entity, play) => {
    const d = decideRecording(
      ctx({
        direction,
        callType,
        effective: effective(announcement, entity),
        compliancePlayedBefore: before,
      }),
    );
    expect(d.startStopAnnouncement.play).toBe(play);
    expect(d.startStopAnnouncement.url).toBe(
      play ? 'http://cv.example/api/announcements/en_us/recording-started.wav' : null,
    );
  });
});

describe('rule: notifications, tone and failure behaviour pass through', () => {
  it('carries the pause/resume notification, the repeat tone and the failure behaviour', () => {
    const d = decideRecording(
      ctx({
        effective: effective(
          {},
          {
            record: 'Always with Pause/Resume',
            notification: { enabled: true, type: 'Beep' },
            repeat: { enabled: true, interval: 30 },
          },
          { failureBehavior: 'END_CALL_WITH_ANNOUNCEMENT' },
        ),
      }),
    );
    expect(d).toMatchObject({
      mode: 'Always with Pause/Resume',
      pauseResumeNotification: { type: 'Beep' },
      repeatTone: { enabled: true, intervalSeconds: 30 },
      failureBehavior: 'END_CALL_WITH_ANNOUNCEMENT',
    });
  });
});

describe('rule: a voicemail leg is recorded only for an entity that records voicemail', () => {
  it.each([
    [
      'call leg, recordVoicemailEnabled off',
      undefined,
      false,
      true,
      'call',
      /^recorded \(Always\)/,
    ],
    ['call leg, recordVoicemailEnabled on', 'call', true, true, 'call', /^recorded \(Always\)/],
    [
      'voicemail leg, recordVoicemailEnabled off',
      'voicemail',
      false,
      false,
      'voicemail',
      /^voicemail deposits are not recorded for this entity \(recordVoicemailEnabled is off\)$/,
    ],
    [
      'voicemail leg, recordVoicemailEnabled on',
      'voicemail',
      true,
      true,
      'voicemail',
      /^voicemail deposit recorded \(Always\) by Callvault/,
    ],
  ] as const)('%s → record %s', (_n, legType, on, record, recordingType, reason) => {
    const d = decideRecording(
      ctx({
        effective: effective({}, { recordVoicemailEnabled: on }),
        request: { direction: 'inbound', callType: 'pstn', ...(legType ? { legType } : {}) },
      }),
    );
    expect([d.record, d.recordingType]).toEqual([record, recordingType]);
    expect(d.reason).toMatch(reason);
    if (!record) expect(d.target).toBeNull();
  });

  it('a voicemail leg of an entity not recorded at all says why that is, not the voicemail switch', () => {
    const d = decideRecording(
      ctx({
        effective: effective({}, { record: 'Never', recordVoicemailEnabled: true }),
        request: { direction: 'inbound', callType: 'pstn', legType: 'voicemail' },
      }),
    );
    expect(d).toMatchObject({ record: false, recordingType: 'voicemail' });
    expect(d.reason).toMatch(/Never/);
  });
});
