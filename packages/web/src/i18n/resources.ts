// Every translation the console ships, one namespace per area of the console, each in English and
// Swedish. A namespace is added here in both languages; locales.test.ts fails when the two differ
// in keys, so no string can exist in one language only.
import a11yEn from './locales/en/a11y.json';
import authEn from './locales/en/auth.json';
import callRecordingEn from './locales/en/callRecording.json';
import commonEn from './locales/en/common.json';
import complianceEn from './locales/en/compliance.json';
import controlHubEn from './locales/en/controlHub.json';
import directoryEn from './locales/en/directory.json';
import errorsEn from './locales/en/errors.json';
import navEn from './locales/en/nav.json';
import playerEn from './locales/en/player.json';
import recordingsEn from './locales/en/recordings.json';
import sharingEn from './locales/en/sharing.json';
import trunksEn from './locales/en/trunks.json';
import userHubEn from './locales/en/userHub.json';
import a11ySv from './locales/sv/a11y.json';
import authSv from './locales/sv/auth.json';
import callRecordingSv from './locales/sv/callRecording.json';
import commonSv from './locales/sv/common.json';
import complianceSv from './locales/sv/compliance.json';
import controlHubSv from './locales/sv/controlHub.json';
import directorySv from './locales/sv/directory.json';
import errorsSv from './locales/sv/errors.json';
import navSv from './locales/sv/nav.json';
import playerSv from './locales/sv/player.json';
import recordingsSv from './locales/sv/recordings.json';
import sharingSv from './locales/sv/sharing.json';
import trunksSv from './locales/sv/trunks.json';
import userHubSv from './locales/sv/userHub.json';

export const resources = {
  en: {
    a11y: a11yEn,
    auth: authEn,
    callRecording: callRecordingEn,
    common: commonEn,
    compliance: complianceEn,
    controlHub: controlHubEn,
    directory: directoryEn,
    errors: errorsEn,
    nav: navEn,
    player: playerEn,
    recordings: recordingsEn,
    sharing: sharingEn,
    trunks: trunksEn,
    userHub: userHubEn,
  },
  sv: {
    a11y: a11ySv,
    auth: authSv,
    callRecording: callRecordingSv,
    common: commonSv,
    compliance: complianceSv,
    controlHub: controlHubSv,
    directory: directorySv,
    errors: errorsSv,
    nav: navSv,
    player: playerSv,
    recordings: recordingsSv,
    sharing: sharingSv,
    trunks: trunksSv,
    userHub: userHubSv,
  },
} as const;

export const SUPPORTED_LANGUAGES = ['en', 'sv'] as const;
export type ConsoleLanguage = (typeof SUPPORTED_LANGUAGES)[number];

export const DEFAULT_NAMESPACE = 'common';
