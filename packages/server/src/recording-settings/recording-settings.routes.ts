// Webex call-recording settings endpoints (SPEC §9.1) and Callvault's /api/recording-vendors, one
// registration function per area.
import type { AppInstance } from '../http/types.js';
import type { OrgDeps } from '../org/org-deps.js';
import { registerAnnouncementSettingsRoutes } from './announcement-settings.routes.js';
import { registerCallRecordingJobRoutes } from './call-recording-jobs.routes.js';
import { registerEntityRecordingSettingsRoutes } from './entity-recording-settings.routes.js';
import { registerOrgRecordingSettingsRoutes } from './org-recording-settings.routes.js';
import {
  registerRecordingVendorRoutes,
  registerVendorSettingsRoutes,
} from './recording-vendors.routes.js';
import { LOCAL_STORE_REGION, type StorageRegion } from './storage-region.js';

export function registerRecordingSettingsRoutes(
  app: AppInstance,
  deps: OrgDeps,
  store: StorageRegion = LOCAL_STORE_REGION,
): void {
  registerOrgRecordingSettingsRoutes(app, deps);
  registerVendorSettingsRoutes(app, deps, store);
  registerCallRecordingJobRoutes(app, deps);
  registerAnnouncementSettingsRoutes(app, deps);
  registerEntityRecordingSettingsRoutes(app, deps);
  registerRecordingVendorRoutes(app, deps);
}
