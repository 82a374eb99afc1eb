// Every translation the console ships, one namespace per area of the console, each in English and
// Swedish. A namespace is added here in both languages; locales.test.ts fails when the two differ
// in keys, so no string can exist in one language only.
import authEn from './locales/en/auth.json';
import callRecordingEn from './locales/en/callRecording.json';
import commonEn from './locales/en/common.json';
import controlHubEn from './locales/en/controlHub.json';
import errorsEn from './locales/en/errors.json';
import navEn from './locales/en/nav.json';
import playerEn from './locales/en/player.json';
import recordingsEn from './locales/en/recordings.json';
import userHubEn from './locales/en/userHub.json';
import authSv from './locales/sv/auth.json';
import callRecordingSv from './locales/sv/callRecording.json';
import commonSv from './locales/sv/common.json';
import controlHubSv from './locales/sv/controlHub.json';
import errorsSv from './locales/sv/errors.json';
import navSv from './locales/sv/nav.json';
import playerSv from './locales/sv/player.json';
import recordingsSv from './locales/sv/recordings.json';
import userHubSv from './locales/sv/userHub.json';

export const resources = {
  en: {
    common: commonEn,
    nav: navEn,
    auth: authEn,
    errors: errorsEn,
    userHub: userHubEn,
    recordings: recordingsEn,
    player: playerEn,
    controlHub: controlHubEn,
    callRecording: callRecordingEn,
  },
  sv: {
    common: commonSv,
    nav: navSv,
    auth: authSv,
    errors: errorsSv,
    userHub: userHubSv,
    recordings: recordingsSv,
    player: playerSv,
    controlHub: controlHubSv,
    callRecording: callRecordingSv,
  },
} as const;

export const SUPPORTED_LANGUAGES = ['en', 'sv'] as const;
export type ConsoleLanguage = (typeof SUPPORTED_LANGUAGES)[number];

export const DEFAULT_NAMESPACE = 'common';
