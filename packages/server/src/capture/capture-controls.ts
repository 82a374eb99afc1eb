// The org settings the live capture needs (SPEC §4): pause behaviour and DTMF feature codes.
import type { DbOrTrx } from '../db/database.js';
import { findOrgSettings } from '../recording-settings/recording-settings.repository.js';
import type { CaptureControlSettings } from '@callvault/recorder';

export function createCaptureControlsLoader(
  db: DbOrTrx,
): (orgId: string) => Promise<CaptureControlSettings> {
  return async (orgId) => {
    const org = await findOrgSettings(db, orgId);
    return { pauseBehaviour: org.pauseBehaviour, dtmfFeatureCodes: org.dtmfFeatureCodes };
  };
}
