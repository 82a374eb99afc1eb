import { describe, expect, it } from 'vitest';
import { createStreamConnectionTable } from './stream-connection-table.js';
import { fakeConnection } from './stream-connection.test-helper.js';

function table(over: { maxConnections?: number; maxPerSource?: number } = {}) {
  return createStreamConnectionTable({
    transport: 'tcp',
    maxConnections: over.maxConnections ?? 4,
    maxPerSource: over.maxPerSource ?? 2,
    isAdmissibleSource: (address) => address !== '198.51.100.9',
  });
}

describe('stream connection table: admission and caps', () => {
  it('refuses a source the admission check refuses before any cap is counted', () => {
    expect(table({ maxConnections: 0 }).admit('198.51.100.9')).toBe('unknown-source');
  });

  it('refuses a connection over the per-source cap, and admits another source', () => {
    const t = table();
    t.add(fakeConnection({ id: 'tcp-1' }));
    t.add(fakeConnection({ id: 'tcp-2' }));
    expect(t.admit('192.0.2.1')).toBe('source-limit');
    expect(t.admit('192.0.2.2')).toBeNull();
  });

  it('counts outgoing connections against the total cap but not against their address', () => {
    const t = table({ maxConnections: 2, maxPerSource: 1 });
    t.add(fakeConnection({ id: 'tcp-1', inbound: false }));
    expect(t.admit('192.0.2.1')).toBeNull();
    expect(t.canOpen()).toBe(true);
    t.add(fakeConnection({ id: 'tcp-2', address: '192.0.2.7' }));
    expect(t.admit('192.0.2.1')).toBe('connection-limit');
    expect(t.canOpen()).toBe(false);
  });

  it('gives the room back when a connection closes, once', () => {
    const t = table({ maxPerSource: 1 });
    const first = fakeConnection({ id: 'tcp-1' });
    t.add(first);
    expect(t.admit('192.0.2.1')).toBe('source-limit');
    t.remove(first);
    t.remove(first);
    expect(t.connections.size).toBe(0);
    expect(t.admit('192.0.2.1')).toBeNull();
    // A stale close of a connection no longer in the table leaves the count alone.
    const second = fakeConnection({ id: 'tcp-2' });
    t.add(second);
    t.remove(fakeConnection({ id: 'tcp-2' }));
    expect(t.connections.get('tcp-2')).toBe(second);
    expect(t.admit('192.0.2.1')).toBe('source-limit');
  });
});
