// Rendering a captured session end to end: journals on disk → one aligned channel per stream.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureSessionFile } from '../capture/capture-journal.js';
import { renderCapturedSession } from './render-session.js';
import { journalBytes, PCMU_STREAM, pcmuRecords } from './journal.test-helper.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('renderCapturedSession', () => {
  it('both parties on one timeline, the owner first, a silent stream reported', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-render-'));
    dirs.push(dir);
    const session: CaptureSessionFile = {
      version: 1,
      sessionId: 's',
      callId: 'c',
      orgId: 'o',
      trunkId: 't',
      trunkName: 'T',
      startedAt: 900,
      owners: [{ id: 'p1', kind: 'person', participantId: 'bob', mode: 'Always' }],
      parties: [{ id: 'alice' }, { id: 'bob' }],
      streams: [
        { ...PCMU_STREAM, index: 0, label: 'a', journal: 'stream-0.rtpj' },
        { ...PCMU_STREAM, index: 1, label: 'b', journal: 'stream-1.rtpj' },
        { ...PCMU_STREAM, index: 2, label: 'c', journal: 'stream-2.rtpj' },
      ],
      metadataRevisions: [],
      senders: { a: 'alice', b: 'bob' },
    };
    fs.writeFileSync(path.join(dir, 'stream-0.rtpj'), journalBytes(pcmuRecords(50, 1_000)));
    fs.writeFileSync(
      path.join(dir, 'stream-1.rtpj'),
      journalBytes(pcmuRecords(50, 1_500, { fill: 0x00 })),
    );
    const rendered = renderCapturedSession(dir, session);
    expect(rendered.sampleRate).toBe(8000);
    expect(rendered.originMs).toBe(1_000);
    expect(rendered.order.map((s) => s.label)).toEqual(['b', 'a', 'c']);
    expect(rendered.order[2]).toMatchObject({ failure: 'no journal', packets: 0 });
    const [bob, alice] = rendered.channels;
    // Alice from the origin; Bob from 500 ms later (sample 4000).
    expect(alice![0]).toBe(32124);
    expect(bob![3999]).toBe(0);
    expect(bob![4000]).toBe(-32124);
    expect(rendered.truncatedBytes).toBe(0);
  });
});
