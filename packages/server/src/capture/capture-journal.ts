// The journal directory of one SIPREC session (SPEC §5 "crash-safe journal"):
//   <dataDir>/journal/<key>/session.json      what the session was (rewritten on every change)
//   <dataDir>/journal/<key>/stream-<n>.rtpj   the packets of answered stream n (recorder format)
//   <dataDir>/journal/<key>/failed.json       why finalizing failed (the journal is then kept)
// A directory without `closed` in session.json belongs to a session that never ended in this
// process: crash recovery finalizes it as `recovered`. A finalized session's directory is removed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RecordingAction } from '@callvault/recorder';

export interface CaptureStreamCodec {
  readonly payloadType: number;
  readonly name: string;
  readonly clockRate: number;
}

export interface CaptureStreamInfo {
  readonly index: number;
  readonly label?: string;
  /** Every codec the stream was answered with, across re-INVITEs (codec changes mid-call). */
  readonly codecs: readonly CaptureStreamCodec[];
  readonly telephoneEventPayloadTypes: readonly number[];
  readonly journal: string;
  readonly srtp: boolean;
}

export interface CaptureOwnerRef {
  readonly id: string;
  readonly kind: string;
  readonly participantId: string;
  readonly mode: string;
  readonly failureBehavior?: string;
}

/** A failure of the live capture (disk full, a stream without media), kept with the journal. */
export interface CaptureFailureNote {
  readonly reason: string;
  readonly detail: string;
  readonly atMs: number;
}

export interface CaptureSessionFile {
  readonly version: 1;
  readonly sessionId: string;
  readonly callId: string;
  readonly orgId: string;
  readonly trunkId: string;
  readonly trunkName: string;
  readonly startedAt: number;
  readonly owners: readonly CaptureOwnerRef[];
  readonly parties: ReadonlyArray<{
    readonly id: string;
    readonly aor?: string;
    readonly name?: string;
  }>;
  readonly streams: readonly CaptureStreamInfo[];
  /** The SRC's metadata revisions as received (RFC 7865 documents). */
  readonly metadataRevisions: ReadonlyArray<{ readonly seq: number; readonly raw: string }>;
  /** Stream label → the participant id that sends it (RFC 7865 §6.4.2), from the metadata. */
  readonly senders: Readonly<Record<string, string>>;
  readonly closed?: {
    readonly endedAt: number;
    readonly endReason: string;
    readonly kept: boolean;
  };
  /** Capture counters per stream index, written at close. */
  readonly counters?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * Every start/stop/pause/resume/hold/unhold/fail with its time and source (SPEC §4). Absent in
   * journals written before live controls: such a session is recorded whole.
   */
  readonly recordingActions?: readonly RecordingAction[];
  /** The org's choice for paused stretches: cut out (default) or kept as silence. */
  readonly pauseBehaviour?: 'cut' | 'silence';
  /** Set when the live capture failed; finalize then catalogues the failure. */
  readonly failure?: CaptureFailureNote;
}

export const SESSION_FILE = 'session.json';
export const FAILED_FILE = 'failed.json';

export function journalRoot(dataDir: string): string {
  return path.join(dataDir, 'journal');
}

/** Dialog ids hold characters no file system likes: the directory is named by their hash. */
export function journalDirFor(dataDir: string, sessionId: string): string {
  const key = crypto.createHash('sha256').update(sessionId).digest('hex').slice(0, 32);
  return path.join(journalRoot(dataDir), key);
}

export function writeSessionFile(dir: string, session: CaptureSessionFile): void {
  // Written to a temporary name and renamed, so a crash never leaves half a file.
  const tmp = path.join(dir, `${SESSION_FILE}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(session));
  fs.renameSync(tmp, path.join(dir, SESSION_FILE));
}

export function readSessionFile(dir: string): CaptureSessionFile {
  return JSON.parse(fs.readFileSync(path.join(dir, SESSION_FILE), 'utf8')) as CaptureSessionFile;
}

/**
 * Journal directories of sessions that closed but were never finalized: their finalize could not
 * be queued (the database was away when the call ended, and the process stopped before it came
 * back), or their finalize job ended without a result. Not failed ones: those wait for an operator.
 */
export function listClosedUnfinalizedJournals(dataDir: string): string[] {
  return listJournals(dataDir, (closed) => closed);
}

/** Journal directories whose session never closed (a crash) and that have not failed before. */
export function listUnfinishedJournals(dataDir: string): string[] {
  return listJournals(dataDir, (closed) => !closed);
}

function listJournals(dataDir: string, want: (closed: boolean) => boolean): string[] {
  const root = journalRoot(dataDir);
  if (!fs.existsSync(root)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(root, entry.name);
    if (fs.existsSync(path.join(dir, FAILED_FILE))) continue;
    if (!fs.existsSync(path.join(dir, SESSION_FILE))) continue;
    let closed: boolean;
    try {
      closed = readSessionFile(dir).closed !== undefined;
    } catch {
      closed = false;
    }
    if (want(closed)) found.push(dir);
  }
  return found;
}
