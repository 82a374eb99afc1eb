import { describe, expect, it } from 'vitest';
import {
  checkComplianceAnnouncement,
  checkEntityRecording,
  describeSettingsProblem,
  readSettingsProblem,
  type AnnouncementValues,
} from './recording-settings-rules.js';

describe('checkEntityRecording', () => {
  it.each([
    [9, 9],
    [1801, 1801],
    ['', undefined],
    ['12.5', undefined],
  ] as const)('refuses the interval %j while recording and the tone are on', (value, got) => {
    expect(
      checkEntityRecording({ enabled: true, repeatEnabled: true, repeatInterval: value }),
    ).toEqual([
      {
        field: 'repeat.interval',
        code: 'repeatIntervalRange',
        min: 10,
        max: 1800,
        ...(got === undefined ? {} : { got }),
      },
    ]);
  });

  it('takes 10 and 1800', () => {
    for (const repeatInterval of [10, 1800, '45']) {
      expect(checkEntityRecording({ enabled: true, repeatEnabled: true, repeatInterval })).toEqual(
        [],
      );
    }
  });

  it('does not check the interval while recording or the repeat tone is off', () => {
    expect(
      checkEntityRecording({ enabled: false, repeatEnabled: true, repeatInterval: '' }),
    ).toEqual([]);
    expect(
      checkEntityRecording({ enabled: true, repeatEnabled: false, repeatInterval: 0 }),
    ).toEqual([]);
  });

  it('refuses notification type None with the notification on', () => {
    expect(
      checkEntityRecording({
        enabled: true,
        repeatEnabled: false,
        repeatInterval: 30,
        notificationEnabled: true,
        notificationType: 'None',
      }),
    ).toEqual([{ field: 'notification.type', code: 'notificationTypeNone' }]);
  });
});

describe('checkComplianceAnnouncement', () => {
  const on: AnnouncementValues = {
    inboundPSTNCallsEnabled: false,
    outboundPSTNCallsEnabled: true,
    outboundPSTNCallsDelayEnabled: true,
    delayInSeconds: 5,
    announcementType: 'DEFAULT',
    hasCustomFile: false,
  };

  it('refuses a delay out of 1–20 while outbound calls and the delay are on', () => {
    expect(checkComplianceAnnouncement({ ...on, delayInSeconds: 21 })).toEqual([
      { field: 'delayInSeconds', code: 'announcementDelayRange', min: 1, max: 20, got: 21 },
    ]);
    expect(checkComplianceAnnouncement({ ...on, delayInSeconds: '' })).toHaveLength(1);
    expect(checkComplianceAnnouncement(on)).toEqual([]);
  });

  it('does not check the delay while outbound calls or the delay are off', () => {
    expect(
      checkComplianceAnnouncement({ ...on, outboundPSTNCallsEnabled: false, delayInSeconds: '' }),
    ).toEqual([]);
    expect(
      checkComplianceAnnouncement({
        ...on,
        outboundPSTNCallsDelayEnabled: false,
        delayInSeconds: 0,
      }),
    ).toEqual([]);
  });

  it('needs a custom file only while the announcement plays', () => {
    expect(checkComplianceAnnouncement({ ...on, announcementType: 'CUSTOM' })).toEqual([
      { field: 'announcementType', code: 'customAnnouncementMissing' },
    ]);
    expect(
      checkComplianceAnnouncement({
        ...on,
        outboundPSTNCallsEnabled: false,
        announcementType: 'CUSTOM',
      }),
    ).toEqual([]);
  });
});

describe('the server’s sentence and back', () => {
  it('reads back every problem it words, with its field, range and value', () => {
    const problems = [
      ...checkEntityRecording({ enabled: true, repeatEnabled: true, repeatInterval: 5 }),
      ...checkEntityRecording({ enabled: true, repeatEnabled: true, repeatInterval: '' }),
      ...checkComplianceAnnouncement({
        inboundPSTNCallsEnabled: true,
        outboundPSTNCallsEnabled: true,
        outboundPSTNCallsDelayEnabled: true,
        delayInSeconds: 0,
        announcementType: 'CUSTOM',
        hasCustomFile: false,
      }),
      ...checkEntityRecording({
        enabled: false,
        repeatEnabled: false,
        repeatInterval: 5,
        notificationEnabled: true,
        notificationType: 'None',
      }),
    ];
    expect(problems).toHaveLength(5);
    for (const problem of problems) {
      expect(readSettingsProblem(describeSettingsProblem(problem))).toEqual(problem);
    }
    expect(describeSettingsProblem(problems[0]!)).toBe(
      'repeat.interval must be a whole number of seconds between 10 and 1800 (got 5)',
    );
  });

  it('reads no other message', () => {
    expect(readSettingsProblem('record: must be one of …')).toBeNull();
    expect(
      readSettingsProblem('name must be a whole number of seconds between 1 and 2'),
    ).toBeNull();
  });
});
