import type { CallingLicense } from '@callvault/shared';
import { describe, expect, it } from 'vitest';
import { resolveEffectiveSettings, type EffectiveInput } from './effective-settings.js';
import {
  BUILTIN_VENDOR_ID,
  DEFAULT_ANNOUNCEMENT,
  DEFAULT_ENTITY_SETTINGS,
  DEFAULT_LOCATION_SETTINGS,
  DEFAULT_ORG_SETTINGS,
  type RecordableKind,
  type VendorInfo,
} from './recording-settings.model.js';

const builtin: VendorInfo = {
  id: BUILTIN_VENDOR_ID,
  name: 'Callvault',
  builtIn: true,
  sipUri: null,
};
const external: VendorInfo = {
  id: 'ext-1',
  name: 'Acme SRS',
  builtIn: false,
  sipUri: 'sip:srs@acme.example',
};
const vendors = new Map([builtin, external].map((v) => [v.id, v]));
const on = { ...DEFAULT_ENTITY_SETTINGS, enabled: true, record: 'Always' as const };

function input(over: Partial<EffectiveInput> = {}): EffectiveInput {
  return {
    org: DEFAULT_ORG_SETTINGS,
    location: DEFAULT_LOCATION_SETTINGS,
    entity: on,
    kind: 'person',
    license: 'professional',
    vendors,
    ...over,
  };
}

describe('effective settings: whether an entity is recorded', () => {
  const rows: Array<[string, Partial<EffectiveInput>, boolean, RegExp | '']> = [
    ['org on, entity Always, professional', {}, true, ''],
    [
      'org recording off',
      { org: { ...DEFAULT_ORG_SETTINGS, enabled: false } },
      false,
      /turned off for the organization/,
    ],
    ['entity not enabled', { entity: { ...on, enabled: false } }, false, /not enabled/],
    ['mode Never', { entity: { ...on, record: 'Never' } }, false, /Never/],
    ['person without licence', { license: 'none' }, false, /no calling licence/],
    ['basic licence with the built-in recorder', { license: 'basic' }, true, ''],
    [
      'basic licence with an external org vendor',
      { license: 'basic', org: { ...DEFAULT_ORG_SETTINGS, vendorId: 'ext-1' } },
      false,
      /Basic/,
    ],
    [
      'basic licence, org external but location built-in',
      {
        license: 'basic',
        org: { ...DEFAULT_ORG_SETTINGS, vendorId: 'ext-1' },
        location: { ...DEFAULT_LOCATION_SETTINGS, vendorId: BUILTIN_VENDOR_ID },
      },
      true,
      '',
    ],
    [
      'basic licence, org built-in but location external',
      { license: 'basic', location: { ...DEFAULT_LOCATION_SETTINGS, vendorId: 'ext-1' } },
      false,
      /Basic/,
    ],
    ['workspace with professional', { kind: 'workspace' }, true, ''],
    ['workspace with basic', { kind: 'workspace', license: 'basic' }, false, /Professional/],
    ['virtual line (no licence needed)', { kind: 'virtualLine', license: null }, true, ''],
    [
      'vendor removed',
      { org: { ...DEFAULT_ORG_SETTINGS, vendorId: 'gone' } },
      false,
      /no longer exists/,
    ],
    [
      'On Demand still counts as recorded (starts on request)',
      { entity: { ...on, record: 'On Demand with User Initiated Start' } },
      true,
      '',
    ],
  ];
  it.each(rows)('%s', (_name, over, recorded, reason) => {
    const eff = resolveEffectiveSettings(input(over));
    expect(eff.recorded).toBe(recorded);
    if (reason === '') expect(eff.reason).toBe('');
    else expect(eff.reason).toMatch(reason);
  });
});

describe('effective settings: inheritance org → location → entity', () => {
  const orgAnnouncement = { ...DEFAULT_ANNOUNCEMENT, inboundPSTNCallsEnabled: true };
  const locAnnouncement = {
    ...DEFAULT_ANNOUNCEMENT,
    outboundPSTNCallsEnabled: true,
    delayInSeconds: 5,
  };
  const org = {
    ...DEFAULT_ORG_SETTINGS,
    complianceAnnouncement: orgAnnouncement,
    failureBehavior: 'END_CALL_WITH_ANNOUNCEMENT' as const,
    transcriptDefault: true,
  };

  it.each([
    [
      'no location: org values',
      null,
      'org',
      orgAnnouncement,
      'END_CALL_WITH_ANNOUNCEMENT',
      BUILTIN_VENDOR_ID,
    ],
    [
      'new location (useOrgSettingsEnabled): org values',
      DEFAULT_LOCATION_SETTINGS,
      'org',
      orgAnnouncement,
      'END_CALL_WITH_ANNOUNCEMENT',
      BUILTIN_VENDOR_ID,
    ],
    [
      'location with its own announcement',
      { ...DEFAULT_LOCATION_SETTINGS, complianceAnnouncement: locAnnouncement },
      'location',
      locAnnouncement,
      'END_CALL_WITH_ANNOUNCEMENT',
      BUILTIN_VENDOR_ID,
    ],
    [
      'location with its own failure behaviour and vendor',
      {
        ...DEFAULT_LOCATION_SETTINGS,
        failureBehavior: 'PROCEED_CALL_WITH_ANNOUNCEMENT' as const,
        vendorId: 'ext-1',
      },
      'org',
      orgAnnouncement,
      'PROCEED_CALL_WITH_ANNOUNCEMENT',
      'ext-1',
    ],
  ] as const)('%s', (_n, location, source, announcement, failure, vendorId) => {
    const eff = resolveEffectiveSettings(input({ org, location }));
    expect(eff.complianceAnnouncementSource).toBe(source);
    expect(eff.complianceAnnouncement).toEqual(announcement);
    expect(eff.failureBehavior).toBe(failure);
    expect(eff.vendor.id).toBe(vendorId);
  });

  it("a location with its own flags that plays the org's announcement (useOrgLevelAnnouncementEnabled): its flags, the org's type and file", () => {
    const customOrg = {
      ...org,
      complianceAnnouncement: {
        ...orgAnnouncement,
        announcementType: 'CUSTOM' as const,
        customFileName: 'org.wav',
      },
    };
    const eff = resolveEffectiveSettings(
      input({
        org: customOrg,
        location: {
          ...DEFAULT_LOCATION_SETTINGS,
          complianceAnnouncement: { ...locAnnouncement, useOrgLevelAnnouncement: true },
        },
      }),
    );
    expect(eff.complianceAnnouncementSource).toBe('org');
    expect(eff.complianceAnnouncement).toMatchObject({
      outboundPSTNCallsEnabled: true,
      inboundPSTNCallsEnabled: false,
      delayInSeconds: 5,
      announcementType: 'CUSTOM',
      customFileName: 'org.wav',
    });
  });

  it('the transcript switch follows the org default until the entity sets it, then never falls back', () => {
    expect(resolveEffectiveSettings(input({ org })).transcriptEnabled).toBe(true);
    expect(
      resolveEffectiveSettings(input({ org, entity: { ...on, transcriptEnabled: false } }))
        .transcriptEnabled,
    ).toBe(false);
    expect(
      resolveEffectiveSettings(
        input({
          org: { ...org, transcriptDefault: false },
          entity: { ...on, transcriptEnabled: true },
        }),
      ).transcriptEnabled,
    ).toBe(true);
  });

  it('access settings are all on until set; entity values win', () => {
    expect(resolveEffectiveSettings(input()).access).toEqual({
      viewAndPlayRecordingsEnabled: true,
      downloadRecordingsEnabled: true,
      deleteRecordingsEnabled: true,
      shareRecordingsEnabled: true,
    });
    const access = {
      viewAndPlayRecordingsEnabled: true,
      downloadRecordingsEnabled: false,
      deleteRecordingsEnabled: false,
      shareRecordingsEnabled: false,
    };
    expect(resolveEffectiveSettings(input({ entity: { ...on, access } })).access).toEqual(access);
  });

  it('pause/resume notification is None unless enabled; the repeat tone carries its interval', () => {
    expect(
      resolveEffectiveSettings(
        input({ entity: { ...on, notification: { enabled: false, type: 'Beep' } } }),
      ).pauseResumeNotification,
    ).toBe('None');
    const eff = resolveEffectiveSettings(
      input({
        entity: {
          ...on,
          notification: { enabled: true, type: 'Play Announcement' },
          repeat: { enabled: true, interval: 30 },
        },
      }),
    );
    expect(eff.pauseResumeNotification).toBe('Play Announcement');
    expect(eff.repeatTone).toEqual({ enabled: true, intervalSeconds: 30 });
  });

  it.each<[RecordableKind, CallingLicense | null]>([
    ['person', 'professional'],
    ['workspace', 'professional'],
    ['virtualLine', null],
  ])('an entity at defaults (%s) is not recorded', (kind, license) => {
    const eff = resolveEffectiveSettings(input({ kind, license, entity: DEFAULT_ENTITY_SETTINGS }));
    expect(eff.recorded).toBe(false);
    expect(eff.mode).toBe('Never');
  });
});

describe('effective settings: dual recording (recorded here as well as by an external recorder)', () => {
  it.each([
    ['off by default', DEFAULT_ORG_SETTINGS, DEFAULT_LOCATION_SETTINGS, false],
    [
      'the org’s when the location follows it',
      { ...DEFAULT_ORG_SETTINGS, dualRecording: true },
      DEFAULT_LOCATION_SETTINGS,
      true,
    ],
    [
      'the org’s for an entity without a location',
      { ...DEFAULT_ORG_SETTINGS, dualRecording: true },
      null,
      true,
    ],
    [
      'the location’s own on over the org’s off',
      DEFAULT_ORG_SETTINGS,
      { ...DEFAULT_LOCATION_SETTINGS, dualRecording: true },
      true,
    ],
    [
      'the location’s own off over the org’s on',
      { ...DEFAULT_ORG_SETTINGS, dualRecording: true },
      { ...DEFAULT_LOCATION_SETTINGS, dualRecording: false },
      false,
    ],
  ] as const)('%s', (_name, org, location, expected) => {
    expect(resolveEffectiveSettings(input({ org, location })).dualRecording).toBe(expected);
  });
});
