// Every migration, in order. A static map (not a directory scan) so the same list runs from the
// TypeScript sources in tests and from the build output in production.
import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as recordingSettings from './0002-recording-settings.js';
import * as jobs from './0003-jobs.js';
import * as recordings from './0004-recordings.js';
import * as lifecycle from './0005-lifecycle.js';
import * as transcripts from './0006-transcripts.js';
import * as transcriptSearch from './0007-transcript-search.js';
import * as captureFailures from './0008-capture-failures.js';
import * as recordingOwners from './0009-recording-owners.js';
import * as liveCalls from './0010-live-calls.js';
import * as recordingProvenance from './0011-recording-provenance.js';
import * as ownerMatching from './0012-owner-matching.js';
import * as captureFailureRetrying from './0013-capture-failure-retrying.js';
import * as secondaryLines from './0014-secondary-lines.js';
import * as trunkMediaLatching from './0015-trunk-media-latching.js';
import * as eventOutbox from './0016-event-outbox.js';
import * as callRecordingJobs from './0017-call-recording-jobs.js';
import * as trunkClientCertificates from './0018-trunk-client-certificates.js';
import * as trunkDefaultOwner from './0019-trunk-default-owner.js';
import * as complianceEventsWebhookOwners from './0020-compliance-events-webhook-owners.js';
import * as recordingsCreateTimeOrder from './0021-recordings-create-time-order.js';
import * as recordingShares from './0022-recording-shares.js';
import * as orgUsageHistory from './0023-org-usage-history.js';
import * as consoleLanguage from './0024-console-language.js';
import * as forwardedCalls from './0025-forwarded-calls.js';
import * as vendorSignalling from './0026-vendor-signalling.js';

const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-recording-settings': recordingSettings,
  '0003-jobs': jobs,
  '0004-recordings': recordings,
  '0005-lifecycle': lifecycle,
  '0006-transcripts': transcripts,
  '0007-transcript-search': transcriptSearch,
  '0008-capture-failures': captureFailures,
  '0009-recording-owners': recordingOwners,
  '0010-live-calls': liveCalls,
  '0011-recording-provenance': recordingProvenance,
  '0012-owner-matching': ownerMatching,
  '0013-capture-failure-retrying': captureFailureRetrying,
  '0014-secondary-lines': secondaryLines,
  '0015-trunk-media-latching': trunkMediaLatching,
  '0016-event-outbox': eventOutbox,
  '0017-call-recording-jobs': callRecordingJobs,
  '0018-trunk-client-certificates': trunkClientCertificates,
  '0019-trunk-default-owner': trunkDefaultOwner,
  '0020-compliance-events-webhook-owners': complianceEventsWebhookOwners,
  '0021-recordings-create-time-order': recordingsCreateTimeOrder,
  '0022-recording-shares': recordingShares,
  '0023-org-usage-history': orgUsageHistory,
  '0024-console-language': consoleLanguage,
  '0025-forwarded-calls': forwardedCalls,
  '0026-vendor-signalling': vendorSignalling,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
