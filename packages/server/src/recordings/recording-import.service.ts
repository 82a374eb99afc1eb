// `callvault import DIR` (SPEC §9.4): existing audio files with a JSON sidecar each become
// recordings exactly as captured ones do — through storeRecording (encrypted, catalogued, quota
// counted). Files whose content is already stored for the owner's org are skipped; every bad file
// is reported by name with its reason and the rest are imported.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  CallDirectionSchema,
  RecordingParty,
  type RecordingFormat,
  type RecordingParty as Party,
} from '@callvault/shared';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { findLocationById } from '../org/locations.repository.js';
import { probeAudioFile } from './audio-tools.js';
import type { RecordingOwner } from './recordings.model.js';
import {
  findAudioObjectBySha256,
  findOwnerById,
  findPersonOwnerByEmail,
} from './recordings.repository.js';
import { storeRecording, type RecordingStoreDeps } from './recording-store.service.js';

/** The audio file extensions import takes, and the container each must hold. */
export const IMPORT_EXTENSIONS: Readonly<Record<string, RecordingFormat>> = {
  '.wav': 'WAV',
  '.ogg': 'OGG',
  '.opus': 'OGG',
  '.mp3': 'MP3',
};

export const ImportSidecar = Type.Object(
  {
    ownerEmail: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
    ownerId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    timeRecorded: Type.String({ minLength: 4, maxLength: 40 }),
    topic: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    direction: Type.Optional(CallDirectionSchema),
    parties: Type.Optional(Type.Array(RecordingParty, { maxItems: 50 })),
    locationId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    localNumber: Type.Optional(Type.String({ maxLength: 64 })),
    remoteNumber: Type.Optional(Type.String({ maxLength: 64 })),
    callId: Type.Optional(Type.String({ maxLength: 300 })),
    callSessionId: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);
export type ImportSidecar = Static<typeof ImportSidecar>;

export interface ImportedFile {
  readonly file: string;
  readonly recordingId: string;
  readonly sha256: string;
}

export interface ImportProblem {
  readonly file: string;
  readonly reason: string;
}

export interface ImportReport {
  readonly imported: ImportedFile[];
  readonly skipped: ImportProblem[];
  readonly failed: ImportProblem[];
}

export interface ImportProgress {
  readonly done: number;
  readonly total: number;
  readonly file: string;
}

class BadFile extends Error {}

async function sha256OfFile(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function readSidecar(file: string): ImportSidecar {
  const name = path.basename(file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new BadFile(`no sidecar ${name}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadFile(`${name} is not JSON (${(error as Error).message})`);
  }
  if (!Value.Check(ImportSidecar, parsed)) {
    const problems = [...Value.Errors(ImportSidecar, parsed)]
      .slice(0, 3)
      .map((e) => `${e.path || '/'} ${e.message}`);
    throw new BadFile(`${name}: ${problems.join('; ')}`);
  }
  if (parsed.ownerEmail === undefined && parsed.ownerId === undefined) {
    throw new BadFile(`${name}: needs ownerEmail or ownerId`);
  }
  if (Number.isNaN(new Date(parsed.timeRecorded).getTime())) {
    throw new BadFile(`${name}: timeRecorded is not an ISO 8601 date-time`);
  }
  return parsed;
}

/** Which number is ours and which the other side's, from the parties and the direction. */
function numbersOf(sidecar: ImportSidecar): { local: string | null; remote: string | null } {
  const parties: Party[] = sidecar.parties ?? [];
  const caller = parties.find((p) => p.role === 'caller')?.number ?? null;
  const callee = parties.find((p) => p.role === 'callee')?.number ?? null;
  const inbound = sidecar.direction === 'inbound';
  return {
    local: sidecar.localNumber ?? (inbound ? callee : caller),
    remote: sidecar.remoteNumber ?? (inbound ? caller : callee),
  };
}

async function importOne(
  deps: RecordingStoreDeps,
  file: string,
  sidecarFile: string,
): Promise<{ kind: 'imported'; result: ImportedFile } | { kind: 'skipped'; reason: string }> {
  const name = path.basename(file);
  const sidecar = readSidecar(sidecarFile);
  const found =
    sidecar.ownerEmail !== undefined
      ? await findPersonOwnerByEmail(deps.db, sidecar.ownerEmail)
      : await findOwnerById(deps.db, sidecar.ownerId ?? '');
  if (!found) {
    throw new BadFile(`owner ${sidecar.ownerEmail ?? sidecar.ownerId ?? ''} not found`);
  }
  if (sidecar.ownerId !== undefined && sidecar.ownerEmail !== undefined) {
    if (found.id !== sidecar.ownerId) {
      throw new BadFile('ownerEmail and ownerId name different owners');
    }
  }
  const { orgId, ...owner } = found;
  if (sidecar.locationId !== undefined) {
    if (!(await findLocationById(deps.db, orgId, sidecar.locationId))) {
      throw new BadFile(`locationId ${sidecar.locationId} is not a location of the owner's org`);
    }
  }
  const expected = IMPORT_EXTENSIONS[path.extname(file).toLowerCase()];
  let probe;
  try {
    probe = await probeAudioFile(file);
  } catch (error) {
    throw new BadFile((error as Error).message);
  }
  if (probe.format !== expected) {
    throw new BadFile(`the file holds ${probe.format} audio, not what its extension says`);
  }
  const sha256 = await sha256OfFile(file);
  const existing = await findAudioObjectBySha256(deps.db, orgId, sha256);
  if (existing) return { kind: 'skipped', reason: `already imported (sha256 ${sha256})` };
  const numbers = numbersOf(sidecar);
  const stored = await storeRecording(deps, {
    orgId,
    audio: fs.createReadStream(file),
    format: probe.format,
    durationMs: probe.durationMs,
    channels: probe.channels,
    sampleRate: probe.sampleRate,
    owners: [owner satisfies RecordingOwner],
    timeRecorded: sidecar.timeRecorded,
    topic: sidecar.topic,
    locationId: sidecar.locationId,
    callId: sidecar.callId,
    callSessionId: sidecar.callSessionId,
    direction: sidecar.direction,
    localNumber: numbers.local,
    remoteNumber: numbers.remote,
    parties: sidecar.parties,
    metadata: { import: { file: name, codec: probe.codec } },
    source: 'import',
    auditDetails: { file: name },
  });
  const recording = stored.recordings[0];
  if (!recording) throw new Error('storeRecording made no recording');
  return { kind: 'imported', result: { file: name, recordingId: recording.id, sha256 } };
}

/** Imports every audio file of `dir` (not recursive); never stops at a bad file. */
export async function importRecordingsFromDirectory(
  deps: RecordingStoreDeps,
  dir: string,
  onProgress: (progress: ImportProgress) => void = () => undefined,
): Promise<ImportReport> {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile());
  const names = new Set(entries.map((e) => e.name));
  const audioFiles = entries
    .map((e) => e.name)
    .filter((n) => IMPORT_EXTENSIONS[path.extname(n).toLowerCase()] !== undefined)
    .sort();
  const report: ImportReport = { imported: [], skipped: [], failed: [] };
  const stems = new Set(audioFiles.map((n) => n.slice(0, -path.extname(n).length)));
  for (const n of [...names].sort()) {
    if (path.extname(n).toLowerCase() === '.json' && !stems.has(n.slice(0, -5))) {
      report.failed.push({ file: n, reason: 'a sidecar without an audio file' });
    }
  }
  let done = 0;
  onProgress({ done, total: audioFiles.length, file: '' });
  for (const name of audioFiles) {
    const stem = name.slice(0, -path.extname(name).length);
    try {
      const outcome = await importOne(deps, path.join(dir, name), path.join(dir, `${stem}.json`));
      if (outcome.kind === 'imported') report.imported.push(outcome.result);
      else report.skipped.push({ file: name, reason: outcome.reason });
    } catch (error) {
      report.failed.push({
        file: name,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
    done += 1;
    onProgress({ done, total: audioFiles.length, file: name });
  }
  return report;
}
