// Who took part in a recorded call over all its metadata revisions (RFC 7865 §6.4, §6.4.1, §7),
// and which streams carry more than one party (RFC 7865 §6.5: a stream every participant sends;
// the drafts' and BroadWorks' `<mode>mixed</mode>`). Pure.
//
// The merged model of the last revision is not enough for a recording's catalogue entry:
//   - a complete revision replaces the model, so a participant who left is simply gone from it;
//   - some SRCs re-issue every participant id in a later complete revision (a transfer, a
//     re-INVITE rebuilt from scratch), so the same person has two ids over the call;
//   - RFC 7865 §6.4.1 `participantsessionassoc` times say when a participant joined and left.
// The history keeps every participant that ever took part, one entry per person: ids are joined
// by id first, then by the same address of record within a revision's unclaimed entries. An entry
// joins at its associate-time (else the arrival of the revision that first listed it) and leaves
// at its disassociate-time, or at the arrival of the first revision that no longer lists it.
import type { RecordingMetadata, RecordingParticipant } from './recording-metadata.js';

/** One revision as the history reads it: its merged model and when it arrived. */
export interface ParticipantHistoryRevision {
  readonly model: RecordingMetadata;
  /** Milliseconds since the epoch; absent when the host did not note it. */
  readonly receivedAtMs?: number;
}

export interface ParticipantHistoryEntry {
  /** The id the participant was first listed with: its stable id over the call. */
  readonly id: string;
  /** Every id the SRC gave this participant, oldest first. */
  readonly ids: readonly string[];
  /** The latest address of record, and display name, the SRC gave. */
  readonly aor?: string;
  readonly name?: string;
  /** RFC 7865 associate-time as the SRC wrote it, else when the revision listing it arrived (ISO). */
  readonly joinedAt?: string;
  /** RFC 7865 disassociate-time as the SRC wrote it, else when a revision no longer listed it. */
  readonly leftAt?: string;
  /** Still a participant in the last revision. */
  readonly active: boolean;
}

export interface ParticipantHistory {
  /** Every participant that ever took part, in the order they were first listed. */
  readonly participants: readonly ParticipantHistoryEntry[];
  /** Any participant id the SRC used → the stable id of its entry. */
  readonly stableIds: ReadonlyMap<string, string>;
}

interface EntryBuilder {
  id: string;
  ids: string[];
  aor?: string;
  name?: string;
  joinedAt?: string;
  leftAt?: string;
  active: boolean;
}

/**
 * The address of record compared across revisions: scheme, URI parameters and host case do not
 * make another person (`sip:Alice@PBX;user=phone` = `alice@pbx`); user parts compare as written.
 */
export function participantIdentityKey(aor: string | undefined): string | undefined {
  const text = aor?.trim();
  if (text === undefined || text === '') return undefined;
  const bare = text
    .replace(/^<|>$/g, '')
    .replace(/^(sips?|tel):/i, '')
    .replace(/[;?].*$/, '');
  const at = bare.lastIndexOf('@');
  return at < 0 ? bare : `${bare.slice(0, at)}@${bare.slice(at + 1).toLowerCase()}`;
}

const isoOf = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

function isActive(p: RecordingParticipant): boolean {
  return p.disassociateTime === undefined;
}

/** The participant history of a session's revisions, oldest revision first. */
export function buildParticipantHistory(
  revisions: readonly ParticipantHistoryRevision[],
): ParticipantHistory {
  const entries: EntryBuilder[] = [];
  const stableIds = new Map<string, string>();
  for (const revision of revisions) {
    const at = isoOf(revision.receivedAtMs);
    const listed = new Set<EntryBuilder>();
    for (const p of revision.model.participants) {
      const key = participantIdentityKey(p.aor);
      let entry = entries.find((e) => e.ids.includes(p.id));
      // A re-issued id: the same address of record, on an entry no other participant of this
      // revision has claimed (two placeholders with one AOR stay two people).
      entry ??= entries.find(
        (e) => !listed.has(e) && key !== undefined && participantIdentityKey(e.aor) === key,
      );
      if (entry === undefined) {
        entry = { id: p.id, ids: [p.id], active: true };
        entries.push(entry);
      }
      listed.add(entry);
      if (!entry.ids.includes(p.id)) entry.ids.push(p.id);
      stableIds.set(p.id, entry.id);
      if (p.aor !== undefined && p.aor.trim() !== '') entry.aor = p.aor;
      if (p.name !== undefined && p.name.trim() !== '') entry.name = p.name;
      entry.joinedAt ??= p.associateTime ?? at;
      if (isActive(p)) {
        // Back on the call (a resumed conference leg): no longer gone.
        if (!entry.active) delete entry.leftAt;
        entry.active = true;
      } else {
        entry.leftAt = p.disassociateTime;
        entry.active = false;
      }
    }
    // Listed before and not in this revision's model (a complete revision without them): left
    // when this revision came.
    for (const entry of entries) {
      if (listed.has(entry) || !entry.active) continue;
      entry.active = false;
      if (at !== undefined) entry.leftAt = at;
    }
  }
  const participants = entries.map((e): ParticipantHistoryEntry => ({
    id: e.id,
    ids: [...e.ids],
    ...(e.aor === undefined ? {} : { aor: e.aor }),
    ...(e.name === undefined ? {} : { name: e.name }),
    ...(e.joinedAt === undefined ? {} : { joinedAt: e.joinedAt }),
    ...(e.leftAt === undefined ? {} : { leftAt: e.leftAt }),
    active: e.active,
  }));
  return { participants, stableIds };
}

/** One received stream as the metadata describes its senders. */
export interface StreamParties {
  /** The stream's label (RFC 4574 `a=label`), else its metadata id. */
  readonly label: string;
  /** Stable ids (buildParticipantHistory) of every participant that sent it, first first. */
  readonly senders: readonly string[];
  /**
   * One stream carrying several parties: at some revision more than one participant sent it,
   * or the SRC marked it `mixed` (draft/BroadWorks `<mode>`).
   */
  readonly mixed: boolean;
}

/** Every stream of the revisions with its senders over the call, by label. */
export function streamPartiesOf(
  revisions: readonly ParticipantHistoryRevision[],
  history: ParticipantHistory = buildParticipantHistory(revisions),
): StreamParties[] {
  const byLabel = new Map<string, { senders: string[]; mixed: boolean }>();
  for (const { model } of revisions) {
    const labelOf = new Map(model.streams.map((s) => [s.id, s.label ?? s.id]));
    const sentNow = new Map<string, Set<string>>();
    for (const stream of model.streams) {
      const label = stream.label ?? stream.id;
      const entry = byLabel.get(label) ?? { senders: [], mixed: false };
      if (stream.mode?.toLowerCase() === 'mixed') entry.mixed = true;
      byLabel.set(label, entry);
    }
    for (const p of model.participants) {
      const stable = history.stableIds.get(p.id) ?? p.id;
      for (const streamId of p.send) {
        const label = labelOf.get(streamId) ?? streamId;
        const entry = byLabel.get(label) ?? { senders: [], mixed: false };
        byLabel.set(label, entry);
        if (!entry.senders.includes(stable)) entry.senders.push(stable);
        const now = sentNow.get(label) ?? new Set<string>();
        now.add(stable);
        sentNow.set(label, now);
      }
    }
    // Senders one after another (a transfer) are not a mix; senders at the same time are.
    for (const [label, now] of sentNow) if (now.size > 1) byLabel.get(label)!.mixed = true;
  }
  return [...byLabel].map(([label, s]) => ({ label, senders: s.senders, mixed: s.mixed }));
}
