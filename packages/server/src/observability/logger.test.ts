import { describe, expect, it } from 'vitest';
import { captureLines } from '../testing/capture-lines.js';
import { createLogger, moduleLogger } from './logger.js';

const keyCount = (line: string, key: string): number => line.split(`"${key}":`).length - 1;

describe('moduleLogger', () => {
  it('binds module once, even on a logger already bound to one (one JSON key per line)', () => {
    const { stream, lines } = captureLines();
    const root = createLogger({ destination: stream });
    moduleLogger(moduleLogger(root, 'jobs'), 'jobs', { worker: 'w1' }).warn('job attempt failed');
    moduleLogger(root, 'siprec').info('session opened');
    expect(lines).toHaveLength(2);
    const [warn, info] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warn).toMatchObject({ module: 'jobs', worker: 'w1', msg: 'job attempt failed' });
    expect(info).toMatchObject({ module: 'siprec' });
    for (const line of lines) expect(keyCount(line, 'module')).toBe(1);
  });

  it('is what a plain pino child would get wrong', () => {
    const { stream, lines } = captureLines();
    createLogger({ destination: stream })
      .child({ module: 'jobs' })
      .child({ module: 'jobs' })
      .warn('x');
    expect(keyCount(lines[0] ?? '', 'module')).toBe(2);
  });
});
