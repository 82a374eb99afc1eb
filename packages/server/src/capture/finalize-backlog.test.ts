import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createFinalizeBacklog, registerFinalizeBacklogMetrics } from './finalize-backlog.js';

describe('the finalize backlog', () => {
  it('has room below its limit and none at it; a settled finalize makes room again', () => {
    const backlog = createFinalizeBacklog(2);
    expect(backlog.hasRoom()).toBe(true);
    backlog.add('/journal/a');
    expect(backlog.hasRoom()).toBe(true);
    backlog.add('/journal/b');
    expect(backlog.size).toBe(2);
    expect(backlog.hasRoom()).toBe(false);
    backlog.settle('/journal/a');
    expect(backlog.hasRoom()).toBe(true);
  });

  it('a journal handed over twice counts once; settling an unknown one changes nothing', () => {
    const backlog = createFinalizeBacklog(5);
    backlog.add('/journal/a');
    backlog.add('/journal/a');
    backlog.settle('/journal/recovered-at-start');
    expect(backlog.size).toBe(1);
  });

  it('a burst of ended calls beyond the limit leaves no room until finalize catches up', () => {
    const backlog = createFinalizeBacklog(100);
    for (let i = 0; i < 1000; i++) backlog.add(`/journal/${i}`);
    expect(backlog.size).toBe(1000);
    expect(backlog.hasRoom()).toBe(false);
    for (let i = 0; i < 901; i++) backlog.settle(`/journal/${i}`);
    expect(backlog.hasRoom()).toBe(true);
  });

  it('refuses a limit below 1', () => {
    expect(() => createFinalizeBacklog(0)).toThrow();
  });

  it('is on /metrics with its limit', async () => {
    const registry = new Registry();
    const backlog = createFinalizeBacklog(7);
    registerFinalizeBacklogMetrics(registry, backlog);
    backlog.add('/journal/a');
    const text = await registry.metrics();
    expect(text).toContain('callvault_capture_finalize_backlog 1');
    expect(text).toContain('callvault_capture_finalize_backlog_limit 7');
  });
});
