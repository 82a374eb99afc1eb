import { describe, expect, it } from 'vitest';
import { healthHttpStatus, runHealthChecks, type HealthCheck } from './health.js';

const check = (
  name: string,
  result: () => Promise<{ status: 'ok' | 'degraded' | 'draining' | 'error'; detail: string }>,
): HealthCheck => ({
  name,
  check: result,
});

describe('runHealthChecks', () => {
  it('is ok when every check is ok', async () => {
    const report = await runHealthChecks([
      check('a', () => Promise.resolve({ status: 'ok', detail: 'fine' })),
      check('b', () => Promise.resolve({ status: 'ok', detail: 'fine too' })),
    ]);
    expect(report).toEqual({
      status: 'ok',
      checks: { a: { status: 'ok', detail: 'fine' }, b: { status: 'ok', detail: 'fine too' } },
    });
  });

  it('takes the worst status: degraded over ok, error over degraded', async () => {
    const degraded = await runHealthChecks([
      check('a', () => Promise.resolve({ status: 'ok', detail: '' })),
      check('b', () => Promise.resolve({ status: 'degraded', detail: 'slow' })),
    ]);
    expect(degraded.status).toBe('degraded');
    const error = await runHealthChecks([
      check('a', () => Promise.resolve({ status: 'error', detail: 'down' })),
      check('b', () => Promise.resolve({ status: 'degraded', detail: 'slow' })),
    ]);
    expect(error.status).toBe('error');
  });

  it('draining outranks degraded and answers 503, so a load balancer sends nothing new; an error outranks draining', async () => {
    const draining = await runHealthChecks([
      check('disk', () => Promise.resolve({ status: 'degraded', detail: 'low' })),
      check('drain', () => Promise.resolve({ status: 'draining', detail: '1 live call' })),
    ]);
    expect(draining.status).toBe('draining');
    expect(healthHttpStatus(draining.status)).toBe(503);
    const error = await runHealthChecks([
      check('db', () => Promise.resolve({ status: 'error', detail: 'down' })),
      check('drain', () => Promise.resolve({ status: 'draining', detail: '1 live call' })),
    ]);
    expect(error.status).toBe('error');
    expect([
      healthHttpStatus('ok'),
      healthHttpStatus('degraded'),
      healthHttpStatus('error'),
    ]).toEqual([200, 200, 503]);
  });

  it('reports a check that throws as an error with its message', async () => {
    const report = await runHealthChecks([check('a', () => Promise.reject(new Error('boom')))]);
    expect(report).toEqual({ status: 'error', checks: { a: { status: 'error', detail: 'boom' } } });
  });
});
