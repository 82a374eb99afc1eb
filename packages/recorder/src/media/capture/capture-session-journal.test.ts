import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordingSessionClosed } from '../../session/ports.js';
import { readSessionFile, type CaptureFailureNote } from './capture-journal.js';
import { createCaptureSessionJournal, describeCaptureSession } from './capture-session-journal.js';
import type { SessionCapture } from './capture-session.js';
import { recordingLogger, sessionCapture, sessionSnapshot } from './capture-session.test-helper.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function closedOf(s: SessionCapture): RecordingSessionClosed {
  return {
    ...s.last,
    endedAt: s.last.startedAt + 60_000,
    endReason: 'bye',
    kept: true,
    outcome: 'owned',
  };
}

describe('describeCaptureSession', () => {
  it('describes the session as it stands: owners, parties, streams, senders, actions, failure', () => {
    const s = sessionCapture();
    const failure: CaptureFailureNote = { reason: 'no-media', detail: 'late', atMs: 7 };
    const file = describeCaptureSession(s, {
      actions: [{ action: 'start', atMs: 10, source: 'dtmf', ownerId: 'person-1' }],
      failure,
    });
    expect(file).toMatchObject({
      version: 1,
      sessionId: 'sess-1',
      callId: 'call-1@src',
      orgId: 'org-1',
      signalling: 'udp',
      owners: [
        {
          id: 'person-1',
          kind: 'person',
          participantId: 'p1',
          mode: 'On Demand with User Initiated Start',
        },
      ],
      parties: [{ id: 'p1', ids: ['p1'], aor: 'sip:alice@example.com' }],
      streams: [s.streams.get(0)!.info],
      metadataRevisions: [{ seq: 1, raw: '<recording/>' }],
      senders: { '1': 'p1' },
      streamParties: { '1': { senders: ['p1'], mixed: false } },
      pauseBehaviour: 'cut',
      failure,
    });
    expect(file.recordingActions).toEqual([
      { action: 'start', atMs: 10, source: 'dtmf', ownerId: 'person-1' },
    ]);
    expect(file).not.toHaveProperty('closed');
    expect(file).not.toHaveProperty('counters');
  });

  it('leaves out a failure the call does not have and writes no actions for an unknown call', () => {
    const file = describeCaptureSession(sessionCapture(), undefined);
    expect(file.recordingActions).toEqual([]);
    expect(file).not.toHaveProperty('failure');
  });

  it('notes why a session nobody owns is kept, so finalize stores it unattributed', () => {
    const last = {
      ...sessionSnapshot(),
      owners: [],
      ownership: 'unattributed' as const,
      unattributedReason: 'no party matches a person, workspace or virtual line (sip:x@y)',
    };
    const file = describeCaptureSession(sessionCapture({ last }), undefined);
    expect(file.owners).toEqual([]);
    expect(file.unattributed).toEqual({
      reason: 'no party matches a person, workspace or virtual line (sip:x@y)',
    });
    // An owned session carries no such note.
    expect(describeCaptureSession(sessionCapture(), undefined)).not.toHaveProperty('unattributed');
  });

  it('adds how the session ended and every stream counter once it is closed', () => {
    const s = sessionCapture();
    const file = describeCaptureSession(s, { actions: [], failure: null }, closedOf(s));
    expect(file.closed).toEqual({
      endedAt: s.last.startedAt + 60_000,
      endReason: 'bye',
      kept: true,
    });
    expect(file.counters).toEqual({ '0': {} });
  });
});

describe('createCaptureSessionJournal', () => {
  it('writes session.json and returns null when the write succeeds', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-journal-'));
    dirs.push(dir);
    const failed: string[] = [];
    const journal = createCaptureSessionJournal({
      calls: { get: () => ({ actions: [], failure: null }) },
      logger: recordingLogger(),
      failures: { fail: (_s, reason) => failed.push(reason) },
    });
    const s = sessionCapture({ dir, last: sessionSnapshot({ callId: 'written@src' }) });
    expect(journal.persist(s)).toBeNull();
    expect(readSessionFile(dir).callId).toBe('written@src');
    expect(failed).toEqual([]);
  });

  it('fails the call on a refused write and returns the unwritten file with that failure in it', () => {
    const failure: { note: CaptureFailureNote | null } = { note: null };
    const logger = recordingLogger();
    const journal = createCaptureSessionJournal({
      calls: { get: () => ({ actions: [], failure: failure.note }) },
      logger,
      failures: {
        fail(_s, reason, detail) {
          failure.note = { reason, detail, atMs: 1 };
        },
      },
    });
    // A directory that does not exist: the write is refused.
    const s = sessionCapture({ dir: path.join(os.tmpdir(), 'cv-journal-missing', 'nowhere') });
    const unwritten = journal.persist(s, closedOf(s));
    expect(failure.note?.reason).toBe('journal-write');
    expect(failure.note?.detail).toMatch(/^session file: /);
    expect(unwritten?.failure).toEqual(failure.note);
    expect(unwritten?.closed?.endReason).toBe('bye');
    expect(logger.lines.map((l) => l.message)).toContain('session file write failed');
  });
});
