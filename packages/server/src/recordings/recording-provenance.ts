// How a recording was made, as the API shows it (SPEC §9 Callvault extras on Webex shapes):
// rebuilt after a crash, what failed while capturing, why it ended, and from the metadata
// document the recording trunk, which part of the call it is, and the SRC's SIPREC metadata as
// received (bounded in size; the stored copy is whole), how the media was protected in transit,
// and why a call was kept without an owner.
// Pure: records in, response parts out.
import {
  applyRecordingMetadataBody,
  createRecordingMetadataState,
  type ParticipantHistoryRevision,
  type RecordingMetadata,
} from '@callvault/recorder';
import {
  MAX_SRC_METADATA_RESPONSE_BYTES,
  type RecordingCaptureFailure,
  type RecordingEndReason,
  type RecordingMediaSecurity,
  type RecordingRecovery,
  type RecordingSegment,
  type RecordingSrcMetadata,
  type RecordingUnattributed,
} from '@callvault/shared';
import type { RecordingMetadataDocument, RecordingProvenance } from './recordings.model.js';

export interface PresentedProvenance {
  recovered: boolean;
  recovery?: RecordingRecovery;
  failed: boolean;
  failures: RecordingCaptureFailure[];
  endReason: RecordingEndReason | null;
}

export function presentProvenance(p: RecordingProvenance): PresentedProvenance {
  return {
    recovered: p.recovered,
    ...(p.recovery ? { recovery: { ...p.recovery } } : {}),
    // A failure that was over with nothing lost (media that came late) is listed, not failed.
    failed: p.failures.some((f) => f.resolvedAt === null),
    failures: p.failures.map((f) => ({ ...f })),
    endReason: p.endReason,
  };
}

/** A revision of the SRC's metadata as the capture journal keeps it. */
export interface SrcMetadataRevision {
  readonly seq: number;
  readonly raw: string;
  /** When it arrived (ms since the epoch); absent in journals written before it was noted. */
  readonly receivedAt?: number;
}

/**
 * Each revision's merged model (RFC 7865 §7) with its arrival, oldest first, for the call's
 * participant history and direction; a revision that no longer parses is passed over.
 */
export function srcMetadataHistory(
  revisions: readonly SrcMetadataRevision[],
): ParticipantHistoryRevision[] {
  let state = createRecordingMetadataState();
  const out: ParticipantHistoryRevision[] = [];
  for (const revision of revisions) {
    try {
      state = applyRecordingMetadataBody(state, revision.raw, { seq: revision.seq });
    } catch {
      continue;
    }
    if (state.current === undefined) continue;
    out.push({
      model: state.current,
      ...(revision.receivedAt === undefined ? {} : { receivedAtMs: revision.receivedAt }),
    });
  }
  return out;
}

/**
 * The SRC's metadata as its revisions left it (RFC 7865 §7 partial updates merged); a revision
 * that no longer parses is passed over (it was answered when it came).
 */
export function mergeSrcMetadata(
  revisions: readonly SrcMetadataRevision[],
): RecordingMetadata | undefined {
  let state = createRecordingMetadataState();
  for (const revision of revisions) {
    try {
      state = applyRecordingMetadataBody(state, revision.raw, { seq: revision.seq });
    } catch {
      continue;
    }
  }
  return state.current;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function revisionsOf(document: RecordingMetadataDocument): SrcMetadataRevision[] | null {
  const list = document.srcMetadataRevisions;
  if (!Array.isArray(list)) return null;
  return list.flatMap((r) =>
    isRecord(r) && typeof r.seq === 'number' && typeof r.raw === 'string'
      ? [{ seq: r.seq, raw: r.raw }]
      : [],
  );
}

/**
 * The SRC's metadata for the response: every revision's XML in order while they fit in
 * `budgetBytes` (one that does not is listed with `xml: null`), and the merged metadata's vendor
 * extensions (verbatim, within the same budget) and understood vendor data. Null for a
 * recording that did not come through SIPREC.
 */
export function presentSrcMetadata(
  document: RecordingMetadataDocument,
  budgetBytes = MAX_SRC_METADATA_RESPONSE_BYTES,
): RecordingSrcMetadata | null {
  const revisions = revisionsOf(document);
  if (revisions === null) return null;
  let left = budgetBytes;
  let truncated = false;
  const fits = (text: string): boolean => {
    const bytes = Buffer.byteLength(text);
    if (bytes > left) {
      truncated = true;
      return false;
    }
    left -= bytes;
    return true;
  };
  const presented = revisions.map((r) => ({
    seq: r.seq,
    bytes: Buffer.byteLength(r.raw),
    xml: fits(r.raw) ? r.raw : null,
  }));
  const merged = mergeSrcMetadata(revisions);
  const extensions = (merged?.extensions ?? []).flatMap((e) =>
    fits(e.xml)
      ? [
          {
            parent: e.parent,
            ...(e.parentId === undefined ? {} : { parentId: e.parentId }),
            localName: e.localName,
            ...(e.namespace === undefined ? {} : { namespace: e.namespace }),
            xml: e.xml,
          },
        ]
      : [],
  );
  return {
    revisions: presented,
    truncated,
    extensions,
    vendor: merged?.vendor ? { ...merged.vendor } : {},
  };
}

/** The recording trunk the call came in on, as the capture noted it. */
export function presentTrunk(
  document: RecordingMetadataDocument,
): { id: string; name: string } | null {
  const trunk = document.trunk;
  if (!isRecord(trunk) || typeof trunk.id !== 'string') return null;
  return { id: trunk.id, name: typeof trunk.name === 'string' ? trunk.name : '' };
}

/** How the media was protected in transit, as finalize noted it (absent before it did). */
export function presentMediaSecurity(
  document: RecordingMetadataDocument,
): RecordingMediaSecurity | null {
  const m = document.mediaSecurity;
  if (!isRecord(m) || typeof m.signalling !== 'string') return null;
  return {
    signalling: m.signalling,
    srtpSuites: Array.isArray(m.srtpSuites)
      ? m.srtpSuites.filter((x): x is string => typeof x === 'string')
      : [],
    keysSentInClear: m.keysSentInClear === true,
  };
}

/** Why the recorder kept the call without an owner, as finalize noted it; null when it had one. */
export function presentUnattributed(
  document: RecordingMetadataDocument,
): RecordingUnattributed | null {
  const u = document.unattributed;
  return isRecord(u) && typeof u.reason === 'string' ? { reason: u.reason } : null;
}

const integer = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : null;

/** Which part of the call the recording is, as finalize noted it. */
export function presentSegment(document: RecordingMetadataDocument): RecordingSegment | null {
  const s = document.segment;
  if (!isRecord(s)) return null;
  const index = integer(s.index);
  const count = integer(s.count);
  const startOffsetMs = integer(s.startOffsetMs);
  const endOffsetMs = integer(s.endOffsetMs);
  if (index === null || count === null || startOffsetMs === null || endOffsetMs === null) {
    return null;
  }
  const pauses = (Array.isArray(s.pauses) ? s.pauses : []).flatMap((p) => {
    if (!isRecord(p)) return [];
    const start = integer(p.startOffsetMs);
    const end = integer(p.endOffsetMs);
    return start === null || end === null ? [] : [{ startOffsetMs: start, endOffsetMs: end }];
  });
  return {
    index,
    count,
    startOffsetMs,
    endOffsetMs,
    pauses,
    pauseBehaviour: s.pauseBehaviour === 'silence' ? 'silence' : 'cut',
  };
}
