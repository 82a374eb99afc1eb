// Every consumer of the outbox's events, assembled here so the feature that publishes an event
// imports none of those that react to it (events/outbox.ts).
import type { OutboxConsumer } from '../events/outbox.js';
import { recordingStoredUsage } from '../lifecycle/usage.service.js';
import { recordingCreatedWebhooks, recordingPeaks } from '../recordings/recording-events.js';
import { recordingStoredTranscription } from '../transcription/transcription.jobs.js';

/** `recording.stored`: webhooks, quota notices, waveform peaks and the transcript decision. */
export const OUTBOX_CONSUMERS: readonly OutboxConsumer[] = Object.freeze([
  recordingCreatedWebhooks,
  recordingStoredUsage,
  recordingPeaks,
  recordingStoredTranscription,
]);
