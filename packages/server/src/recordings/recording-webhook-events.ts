// The `convergedRecordings` webhook event of a catalogue change, added to the change's webhook
// outbox (webhooks/) in its transaction.
import type { WebhookOutbox } from '../webhooks/webhooks.service.js';
import { presentConvergedRecording } from './recording-presenter.js';
import type { RecordingRecord } from './recordings.model.js';

/** A `convergedRecordings` webhook event for one recording as it is after the change. */
export async function addRecordingEvent(
  outbox: WebhookOutbox,
  event: 'created' | 'updated' | 'deleted',
  actorId: string | null,
  r: RecordingRecord,
): Promise<void> {
  await outbox.add({
    resource: 'convergedRecordings',
    event,
    actorId,
    data: { ...presentConvergedRecording(r), orgId: r.orgId },
    attributes: {
      ownerId: r.ownerId,
      ownerEmail: r.ownerEmail,
      ownerType: r.ownerType,
      locationId: r.locationId,
      status: r.status,
    },
  });
}
