// The journal directory of one SIPREC session (SPEC §5 "crash-safe journal"):
//   <dataDir>/journal/<key>/session.json      what the session was (rewritten on every change)
//   <dataDir>/journal/<key>/stream-<n>.rtpj   the packets of answered stream n (recorder format)
//   <dataDir>/journal/<key>/failed.json       why finalizing failed (the journal is then kept)
// A directory without `closed` in session.json belongs to a session that never ended in this
// process: crash recovery finalizes it as `recovered`. A finalized session's directory is removed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RecordingAction } from '../../session/recording-segments.js';

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
  /** The SDES suite the stream was last answered with (absent for plain RTP). */
  readonly srtpSuite?: string;
}

/** A participant of the call as the journal keeps it. */
export interface CaptureParty {
  readonly id: string;
  /** Every id the SRC gave the participant over the revisions (the stable `id` first). */
  readonly ids?: readonly string[];
  readonly aor?: string;
  readonly name?: string;
  readonly joinedAt?: string;
  readonly leftAt?: string;
}

export interface CaptureOwnerRef {
  readonly id: string;
  readonly kind: string;
  readonly participantId: string;
  readonly mode: string;
  readonly failureBehavior?: string;
  /** `voicemail` when the owner's mailbox took a message on this leg. */
  readonly recordingType?: 'voicemail';
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
  /** The SIP transport the session came over (udp, tcp, tls): whether SDES keys were in clear. */
  readonly signalling?: string;
  readonly startedAt: number;
  /** Owners; `participantId` is the stable id of their participant (participant-history.ts). */
  readonly owners: readonly CaptureOwnerRef[];
  /**
   * Set while the session has no owner and is recorded anyway (SPEC §5: audio answered 200 is
   * never discarded): finalize stores it as an unattributed recording, with this reason.
   */
  readonly unattributed?: { readonly reason: string };
  /**
   * Every participant that ever took part (participant-history.ts), by stable id. Journals
   * written before the history have only the participants of the last revision, without `ids`,
   * `joinedAt` and `leftAt`.
   */
  readonly parties: readonly CaptureParty[];
  readonly streams: readonly CaptureStreamInfo[];
  /** The SRC's metadata revisions as received (RFC 7865 documents), with their arrival (ms). */
  readonly metadataRevisions: ReadonlyArray<{
    readonly seq: number;
    readonly raw: string;
    readonly receivedAt?: number;
  }>;
  /**
   * Stream label → the stable id of the one participant that sends it (RFC 7865 §6.4.2), from
   * the metadata. Mixed streams are not in it: see `streamParties`.
   */
  readonly senders: Readonly<Record<string, string>>;
  /** Stream label → every party (stable ids) it carried over the call, and whether it is a mix. */
  readonly streamParties?: Readonly<
    Record<string, { readonly senders: readonly string[]; readonly mixed: boolean }>
  >;
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
  return path.join(journalRoot(dataDir), journalKeyOf(sessionId));
}

/** The name of a session's journal: its directory here, its key in shared storage. */
export function journalKeyOf(sessionId: string): string {
  return crypto.createHash('sha256').update(sessionId).digest('hex').slice(0, 32);
}

/** Written to a temporary name and renamed, so a crash or a full disk never leaves half a file. */
function writeAtomically(dir: string, name: string, text: string): void {
  const tmp = path.join(dir, `${name}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, path.join(dir, name));
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

export function writeSessionFile(dir: string, session: CaptureSessionFile): void {
  writeAtomically(dir, SESSION_FILE, JSON.stringify(session));
}

export function readSessionFile(dir: string): CaptureSessionFile {
  return JSON.parse(fs.readFileSync(path.join(dir, SESSION_FILE), 'utf8')) as CaptureSessionFile;
}

export interface CaptureFailedFile {
  readonly code: string;
  readonly reason: string;
  readonly failedAt: string;
  readonly recordingIds: readonly string[];
}

export function writeFailedFile(dir: string, failed: CaptureFailedFile): void {
  writeAtomically(dir, FAILED_FILE, JSON.stringify(failed));
}

/**
 * The journal's failed.json when it is whole. One left empty or cut short (by a full disk,
 * before these files were written atomically) is not a failure record: the journal is
 * finalized again, and finalize finds the failure in the catalogue if it was recorded.
 */
export function readFailedFile(dir: string): CaptureFailedFile | null {
  try {
    const failed = JSON.parse(fs.readFileSync(path.join(dir, FAILED_FILE), 'utf8')) as unknown;
    if (typeof failed === 'object' && failed !== null && 'code' in failed) {
      return failed as CaptureFailedFile;
    }
  } catch {
    // Absent, empty or truncated.
  }
  return null;
}

/** The journal directory is on this machine's disk (a worker elsewhere may not see it). */
export function journalExists(dir: string): boolean {
  return fs.existsSync(dir);
}

/** Removes a journal directory with everything in it (finalized, or nothing of it is kept). */
export function removeJournal(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Takes a journal's failed.json away, so the journal is finalized again (an operator retries it
 * after freeing the disk or fixing the encoder).
 */
export function clearFailedFile(dir: string): void {
  fs.rmSync(path.join(dir, FAILED_FILE), { force: true });
}

export interface PendingJournal {
  readonly dir: string;
  /** The session never closed (a crash, or its close could not be written): `recovered`. */
  readonly recovered: boolean;
}

/**
 * Journal directories still to be finalized: none with a whole failed.json (those wait for an
 * operator), every other one with a session.json; a session.json that is not closed, or that is
 * empty or cut short, is a crash's and is finalized as `recovered`.
 */
export function listPendingJournals(dataDir: string): PendingJournal[] {
  const root = journalRoot(dataDir);
  if (!fs.existsSync(root)) return [];
  const found: PendingJournal[] = [];
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(root, entry.name);
    if (readFailedFile(dir) !== null) continue;
    if (!fs.existsSync(path.join(dir, SESSION_FILE))) continue;
    let recovered = true;
    try {
      recovered = readSessionFile(dir).closed === undefined;
    } catch {
      // Unreadable: finalize catalogues it as `unreadable`.
    }
    found.push({ dir, recovered });
  }
  return found;
}

/** Journal directories whose session never closed (a crash) and that have not failed before. */
export function listUnfinishedJournals(dataDir: string): string[] {
  return listPendingJournals(dataDir)
    .filter((j) => j.recovered)
    .map((j) => j.dir);
}
