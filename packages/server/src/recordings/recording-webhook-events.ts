// The events of a catalogue change, written in the change's transaction: one row for the
// Compliance Events API (compliance-events/) and one `convergedRecordings` event for the
// webhook outbox (webhooks/). Both carry the recording as it is after the change.
import type { RecordingEventSubType } from '@callvault/shared';
import type { Clock } from '../clock.js';
import { insertComplianceEvent } from '../compliance-events/compliance-events.repository.js';
import type { Trx } from '../db/database.js';
import { newId } from '../ids.js';
import type { WebhookOutbox } from '../webhooks/webhooks.service.js';
import { presentConvergedRecording } from './recording-presenter.js';
import type { RecordingRecord } from './recordings.model.js';

export interface RecordingChange {
  readonly type: 'created' | 'updated' | 'deleted';
  /**
   * Webex's sub-type of an `updated` event: the recycle bin (TRASH), restore (RESTORE) and purge
   * (PURGE) are `updated` events with one, as Webex's own client receives them.
   */
  readonly subType?: RecordingEventSubType;
  /** Who made the change; null for Callvault itself (retention, transcription). */
  readonly actorId: string | null;
  /** The recording as it is after the change. */
  readonly recording: RecordingRecord;
}

export async function addRecordingEvent(
  trx: Trx,
  clock: Clock,
  outbox: WebhookOutbox,
  change: RecordingChange,
): Promise<void> {
  const r = change.recording;
  const data = { ...presentConvergedRecording(r), orgId: r.orgId };
  await insertComplianceEvent(trx, {
    id: newId('EVENT'),
    orgId: r.orgId,
    resource: 'convergedRecordings',
    type: change.type,
    subType: change.subType ?? null,
    serviceType: r.serviceType,
    actorId: change.actorId,
    subjectId: r.id,
    data: JSON.stringify(data),
    createdAt: clock.now().toISOString(),
  });
  await outbox.add({
    resource: 'convergedRecordings',
    event: change.type,
    ...(change.subType !== undefined ? { subType: change.subType } : {}),
    actorId: change.actorId,
    data,
    attributes: {
      ownerId: r.ownerId,
      ownerEmail: r.ownerEmail,
      ownerType: r.ownerType,
      locationId: r.locationId,
      status: r.status,
    },
  });
}
