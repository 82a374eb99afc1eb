// Table types for Kysely. Both dialects store the same shapes: ids are opaque strings, times are
// ISO-8601 UTC strings (they sort lexicographically), booleans are 0/1 integers and structured
// values are JSON text (docs/adr/0002-portable-column-types.md).
import type { ColumnType, Generated } from 'kysely';

export interface PartnersTable {
  id: string;
  name: string;
  created_at: string;
}

export interface OrganizationsTable {
  id: string;
  partner_id: string | null;
  name: string;
  created_at: string;
}

export interface LocationsTable {
  id: string;
  org_id: string;
  name: string;
  time_zone: string;
  announcement_language: string;
  address: string;
  created_at: string;
}

export interface PeopleTable {
  id: string;
  org_id: string;
  location_id: string | null;
  email: string;
  emails: string;
  display_name: string;
  first_name: string;
  last_name: string;
  extension: string | null;
  phone_numbers: string;
  sip_address: string | null;
  calling_license: string;
  announcement_language: string;
  roles: string;
  partner_id: string | null;
  password_hash: ColumnType<string | null, string | null | undefined, string | null>;
  must_change_password: ColumnType<number, number | undefined, number>;
  /** The console language the person chose (`en`, `sv`); null = follow the browser. */
  console_language: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  updated_at: string;
}

export interface WorkspacesTable {
  id: string;
  org_id: string;
  location_id: string;
  display_name: string;
  calling_license: string;
  extension: string | null;
  phone_numbers: string;
  sip_address: string | null;
  announcement_language: string;
  created_at: string;
  updated_at: string;
}

export interface VirtualLinesTable {
  id: string;
  org_id: string;
  location_id: string;
  first_name: string;
  last_name: string;
  display_name: string;
  extension: string | null;
  phone_number: string | null;
  announcement_language: string;
  created_at: string;
  updated_at: string;
}

/** A virtual line that a person has on their phone as a secondary line. */
export interface SecondaryLinesTable {
  person_id: string;
  virtual_line_id: string;
  org_id: string;
  created_at: string;
}

export interface CallFeaturesTable {
  id: string;
  org_id: string;
  location_id: string;
  kind: string;
  name: string;
  extension: string | null;
  phone_numbers: string;
  announcement_language: string;
  created_at: string;
  updated_at: string;
}

/** Extensions and numbers of every entity of an org, unique per org, for matching and conflicts. */
export interface DirectoryEntriesTable {
  org_id: string;
  kind: string;
  value: string;
  entity_type: string;
  entity_id: string;
}

export interface ApiTokensTable {
  id: string;
  org_id: string;
  person_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface SessionsTable {
  id: string;
  secret_hash: string;
  person_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  client_ip: string | null;
  user_agent: string | null;
}

export interface AuditEventsTable {
  seq: number;
  id: string;
  org_id: string | null;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  client_ip: string | null;
  details: string;
  created_at: string;
  prev_hash: string;
  hash: string;
}

/** One row: the newest audit event, so removing events at the tail is detected too. */
export interface AuditHeadTable {
  id: Generated<number>;
  seq: number;
  hash: string;
}

export interface SettingsRowTable {
  settings: string;
  updated_at: string;
}

export interface OrgRecordingSettingsTable extends SettingsRowTable {
  org_id: string;
}

export interface LocationRecordingSettingsTable extends SettingsRowTable {
  location_id: string;
  org_id: string;
}

export interface EntityRecordingSettingsTable extends SettingsRowTable {
  entity_id: string;
  org_id: string;
  entity_type: string;
}

export interface RecordingVendorsTable {
  id: string;
  org_id: string;
  name: string;
  sip_uri: string;
  description: string;
  created_at: string;
  /** rfc7865 | broadworks: the metadata dialect the recorder reads. */
  metadata_dialect: ColumnType<string, string | undefined, string>;
  digest_username: string | null;
  digest_realm: string | null;
  /** H(username:realm:password), lower-case hex, per algorithm (RFC 7616 §3.4.2). */
  digest_ha1_md5: string | null;
  digest_ha1_sha256: string | null;
}

export interface RecordingTrunksTable {
  id: string;
  org_id: string;
  name: string;
  allowed_sources: string;
  digest_username: string | null;
  digest_realm: string | null;
  digest_ha1: string | null;
  enabled: number;
  /** ISO 3166-1 alpha-2 dial-plan country; null = the countries of the org's locations. */
  country: string | null;
  /** JSON array of own SIP domains/hosts (extensions match only there). */
  own_domains: string;
  /** `signalled` | `first-source`: which RTP senders its streams take media from. */
  media_latching: string;
  /** JSON `{ caBundle, fingerprints, subjects }` the SBC's TLS client certificate must meet, or null. */
  client_certificate: string | null;
  /** `person` | `workspace` | `virtualLine`, with default_owner_id; both null = none. */
  default_owner_type: string | null;
  default_owner_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface AnnouncementFilesTable {
  id: string;
  org_id: string;
  /** The org id for the org's file, or a location id. */
  scope_id: string;
  /** `compliance`, or the recording prompt (start, stop, pause, resume, failure…). */
  prompt: ColumnType<string, string | undefined, string>;
  file_name: string;
  content_type: string;
  duration_ms: number;
  size_bytes: number;
  data: Uint8Array;
  created_at: string;
}

export interface CallRecordingJobsTable {
  id: string;
  org_id: string;
  /** 1, 2, … per organisation. */
  instance_id: number;
  location_id: string | null;
  vendor_id: string;
  source_user_id: string;
  tracking_id: string;
  /** STARTING | STARTED | COMPLETED | FAILED */
  status: string;
  /** JSON text. */
  counts: string;
  /** JSON text. */
  errors: string;
  created_at: string;
  completed_at: string | null;
}

export interface AnnouncementPlaysTable {
  org_id: string;
  call_session_id: string;
  call_id: string;
  played_at: string;
}

/** The embedded job queue (jobs/embedded-job-queue.ts); pg-boss keeps its own schema. */
export interface JobsTable {
  id: string;
  name: string;
  /** JSON text. */
  payload: string;
  /** queued | active | retry | completed | failed */
  state: string;
  singleton_key: string | null;
  priority: number;
  run_at: string;
  attempts: number;
  retry_limit: number;
  last_error: string | null;
  locked_by: string | null;
  locked_until: string | null;
  created_at: string;
  completed_at: string | null;
}

/** One stored audio file; several recordings may point at it. */
export interface AudioObjectsTable {
  id: string;
  org_id: string;
  blob_key: string;
  format: string;
  content_type: string;
  size_bytes: number;
  /** SHA-256 (hex) of the plain audio: chain of custody, checked on every full read. */
  sha256: string;
  duration_ms: number;
  channels: number;
  sample_rate: number;
  created_at: string;
}

/** A converged recording (Webex fields plus Callvault's call data). */
export interface RecordingsTable {
  id: string;
  org_id: string;
  audio_id: string | null;
  topic: string;
  create_time: string;
  time_recorded: string;
  /** OGG | WAV | MP3 */
  format: string;
  service_type: string;
  duration_seconds: number;
  size_bytes: number;
  /** available | deleted | purged */
  status: string;
  owner_id: string;
  owner_email: string | null;
  owner_name: string;
  /**
   * user | place | virtualLine | unattributed. An unattributed recording (no entity matched) is
   * held by the trunk that brought it: owner_id is then that trunk's id, owner_name says so.
   */
  owner_type: string;
  storage_region: string;
  location_id: string | null;
  call_session_id: string | null;
  call_id: string | null;
  /** inbound | outbound | internal */
  direction: string | null;
  local_number: string | null;
  remote_number: string | null;
  /** JSON text: the call's parties. */
  parties: string;
  channels: number;
  sha256: string;
  has_transcript: ColumnType<number, number | undefined, number>;
  /** JSON text: participants, streams, callActivity, recordingActions, announcements. */
  metadata: string;
  /** 1 when the recording was rebuilt from its journal after a crash (migration 0011). */
  recovered: ColumnType<number, number | undefined, number>;
  /** JSON text: what the journal held when the recorder stopped; null unless recovered. */
  recovery: string | null;
  /** JSON text: the capture's failures, '[]' when none. */
  failures: ColumnType<string, string | undefined, string>;
  /**
   * bye | cancel | ack-timeout | shutdown | stopped | recovered | rtp-timeout | session-timer |
   * probe-failed; null for imports.
   */
  end_reason: string | null;
  deleted_at: string | null;
  purged_at: string | null;
  updated_at: string;
}

/** Whether a recording's transcript was made, and if not why. */
export interface TranscriptsTable {
  recording_id: string;
  org_id: string;
  /** completed | skipped */
  status: string;
  reason: string | null;
  engine: string;
  language: string;
  blob_key: string | null;
  /** The transcript's words, for search. */
  text: string;
  word_count: number;
  created_at: string;
}

/**
 * One segment of a completed transcript, for search. PostgreSQL adds a generated
 * `search` tsvector; SQLite indexes `text` in the FTS5 table `transcript_segments_fts`.
 */
export interface TranscriptSegmentsTable {
  id: Generated<number>;
  recording_id: string;
  org_id: string;
  seq: number;
  start_seconds: number;
  end_seconds: number;
  /** The speaker's name as the transcript shows it. */
  speaker: string;
  text: string;
}

/** Bytes and recordings stored per org, kept exact in the transaction of every change. */
export interface OrgUsageTable {
  org_id: string;
  bytes_used: number;
  recordings: number;
  updated_at: string;
}

/** org_usage as it stood at the end of each UTC day (the last change of the day wins). */
export interface OrgUsageHistoryTable {
  org_id: string;
  /** YYYY-MM-DD (UTC) */
  day: string;
  bytes_used: number;
  recordings: number;
  updated_at: string;
}

export interface Database {
  partners: PartnersTable;
  organizations: OrganizationsTable;
  locations: LocationsTable;
  people: PeopleTable;
  workspaces: WorkspacesTable;
  virtual_lines: VirtualLinesTable;
  secondary_lines: SecondaryLinesTable;
  call_features: CallFeaturesTable;
  directory_entries: DirectoryEntriesTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  org_recording_settings: OrgRecordingSettingsTable;
  location_recording_settings: LocationRecordingSettingsTable;
  entity_recording_settings: EntityRecordingSettingsTable;
  recording_vendors: RecordingVendorsTable;
  recording_trunks: RecordingTrunksTable;
  announcement_files: AnnouncementFilesTable;
  call_recording_jobs: CallRecordingJobsTable;
  announcement_plays: AnnouncementPlaysTable;
  jobs: JobsTable;
  audio_objects: AudioObjectsTable;
  recordings: RecordingsTable;
  transcripts: TranscriptsTable;
  transcript_segments: TranscriptSegmentsTable;
  org_usage: OrgUsageTable;
  org_usage_history: OrgUsageHistoryTable;
  legal_holds: LegalHoldsTable;
  quota_notifications: QuotaNotificationsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  compliance_events: ComplianceEventsTable;
  outbox_events: OutboxEventsTable;
  outbox_consumptions: OutboxConsumptionsTable;
  capture_failures: CaptureFailuresTable;
  recording_owners: RecordingOwnersTable;
  live_calls: LiveCallsTable;
  live_call_commands: LiveCallCommandsTable;
  recording_shares: RecordingSharesTable;
  recording_vendor_health: RecordingVendorHealthTable;
  forwarded_calls: ForwardedCallsTable;
  forwarded_call_owners: ForwardedCallOwnersTable;
}

/** An external recorder's health as the last OPTIONS probe saw it (migration 0025). */
export interface RecordingVendorHealthTable {
  vendor_id: string;
  org_id: string;
  /** up | down | unknown */
  state: string;
  down_since: string | null;
  last_error: string | null;
  last_up_at: string | null;
  checked_at: string;
}

/** A call forwarded to an external recorder: catalogued without audio (migration 0025). */
export interface ForwardedCallsTable {
  id: string;
  org_id: string;
  session_id: string;
  call_id: string;
  trunk_id: string;
  vendor_id: string;
  vendor_name: string;
  sip_uri: string;
  started_at: string;
  established_at: string | null;
  ended_at: string;
  /** completed | failed */
  outcome: string;
  failure_code: string | null;
  failure_status: number | null;
  failure_reason: string | null;
  recorded_here: Generated<number>;
  end_reason: string;
  /** JSON [{id, aor?, name?}] */
  parties: string;
  /** JSON [{kind, id, displayName}] */
  owners: string;
  created_at: string;
}

export interface ForwardedCallOwnersTable {
  forwarded_call_id: string;
  org_id: string;
  owner_id: string;
}

/** Every (owner, name, email) the catalogue has had, for the owner prefix search. */
export interface RecordingOwnersTable {
  org_id: string;
  owner_id: string;
  owner_name: string;
  /** '' when the owner has no email. */
  owner_email: string;
}

/** A captured call whose recording failed; kept until an operator resolves it. */
export interface CaptureFailuresTable {
  id: string;
  org_id: string;
  session_id: string;
  call_id: string;
  reason: string;
  detail: string;
  failure_behavior: string | null;
  /** JSON array of owner ids. */
  owner_ids: string;
  /** JSON array of the recordings stored anyway. */
  recording_ids: string;
  journal_dir: string;
  failed_at: string;
  resolved_at: string | null;
  /** 1 while the finalize job still retries (migration 0011); 0 once the failure is final. */
  retrying: Generated<number>;
}

/** A legal hold: while `released_at` is null its recordings are never purged. */
export interface LegalHoldsTable {
  id: string;
  org_id: string;
  /** recording | owner | org */
  scope: string;
  recording_id: string | null;
  owner_id: string | null;
  owner_type: string | null;
  reason: string;
  created_by: string;
  created_at: string;
  released_by: string | null;
  released_at: string | null;
  release_reason: string | null;
}

/** The highest usage threshold (0, 80, 90, 100 %) an org has been notified about. */
export interface QuotaNotificationsTable {
  org_id: string;
  level: number;
  updated_at: string;
}

/** A Webex-style webhook (`/v1/webhooks`). */
export interface WebhooksTable {
  id: string;
  org_id: string;
  name: string;
  target_url: string;
  resource: string;
  event: string;
  filter: string | null;
  secret: string | null;
  /** active | inactive */
  status: string;
  /** org (the whole org's recordings) | creator (the creator's own recordings) */
  owned_by: ColumnType<string, string | undefined, string>;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** One change to a recording, as Webex's Compliance Events API lists it (`/v1/events`). */
export interface ComplianceEventsTable {
  id: string;
  org_id: string;
  resource: string;
  type: string;
  sub_type: string | null;
  service_type: string;
  actor_id: string | null;
  subject_id: string;
  /** JSON text: the resource once the change was made. */
  data: string;
  created_at: string;
}

/** One event for one webhook, written with the change it reports; the job posts it. */
export interface OutboxEventsTable {
  id: string;
  topic: string;
  org_id: string;
  payload: string;
  created_at: string;
  completed_at: string | null;
}

export interface OutboxConsumptionsTable {
  event_id: string;
  consumer: string;
  consumed_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  org_id: string;
  webhook_id: string;
  resource: string;
  event: string;
  /** Webex's sub-type of an `updated` event: TRASH | RESTORE | PURGE, or null. */
  event_sub_type: string | null;
  actor_id: string | null;
  /** JSON text: the envelope's `data`. */
  data: string;
  /** pending | delivered | failed | skipped */
  status: string;
  attempts: ColumnType<number, number | undefined, number>;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  last_attempt_at: string | null;
  delivered_at: string | null;
}

/** A call a recorder process is capturing now, mirrored from its LiveCallHub (migration 0010). */
export interface LiveCallsTable {
  session_id: string;
  org_id: string;
  call_id: string;
  /** The recorder process holding the call. */
  instance_id: string;
  started_at: string;
  /** JSON text: the LiveCall (owners with states, parties, actions, onHold, failure). */
  snapshot: string;
  /** Heartbeat: refreshed every few seconds while the recorder runs. */
  updated_at: string;
}

/** A recording control queued for the recorder holding the call; `result` is its answer. */
export interface LiveCallCommandsTable {
  id: string;
  session_id: string;
  owner_id: string;
  control: string;
  source: string;
  requested_by: string;
  created_at: string;
  /** JSON text: the LiveCallControlResult; null until applied. */
  result: string | null;
  done_at: string | null;
}

/** A recording shared with one person of its org (migration 0022). */
export interface RecordingSharesTable {
  id: string;
  org_id: string;
  recording_id: string;
  recipient_id: string;
  shared_by: string;
  created_at: string;
  expires_at: string | null;
  download_enabled: number;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}
