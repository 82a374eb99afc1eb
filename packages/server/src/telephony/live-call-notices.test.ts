import { describe, expect, it } from 'vitest';
import {
  commandNotice,
  parseCommandNotice,
  parseResultNotice,
  resultNotice,
} from './live-call-notices.js';
import type { LiveCallCommand } from './live-calls.repository.js';

const command: LiveCallCommand = {
  id: '0b6d4b39-7d43-4e0e-9a43-9f2b0b1d1e51',
  sessionId: 's-1',
  ownerId: 'person-1',
  control: 'pause',
  source: 'api',
  requestedBy: 'person-1',
  createdAt: '2026-12-05T20:00:00.000Z',
};

describe('live-call notices (what the notifications between processes carry)', () => {
  it('a queued control round-trips, byte for byte', () => {
    const text = commandNotice(command);
    expect(text).toBe(
      '{"id":"0b6d4b39-7d43-4e0e-9a43-9f2b0b1d1e51","sessionId":"s-1","ownerId":"person-1","control":"pause","requestedBy":"person-1","createdAt":"2026-12-05T20:00:00.000Z"}',
    );
    expect(parseCommandNotice(text)).toEqual(command);
  });

  it.each([
    ['not JSON', 'session-1'],
    ['an array', '[]'],
    ['an unknown control', commandNotice(command).replace('"pause"', '"delete"')],
    ['a missing owner', JSON.stringify({ ...command, ownerId: undefined })],
    ['a number for an id', JSON.stringify({ ...command, id: 7 })],
  ])('a command notice with %s is no command', (_what, payload) => {
    expect(parseCommandNotice(payload)).toBeNull();
  });

  it('an answer is taken only for its own control, and only when it looks like one', () => {
    const result = { ok: true, state: 'paused' } as never;
    const text = resultNotice(command.id, result);
    expect(parseResultNotice(text, command.id)).toEqual(result);
    expect(parseResultNotice(text, 'another-id')).toBeNull();
    expect(
      parseResultNotice(JSON.stringify({ id: command.id, result: 'ok' }), command.id),
    ).toBeNull();
    expect(parseResultNotice(command.id, command.id)).toBeNull();
  });
});
