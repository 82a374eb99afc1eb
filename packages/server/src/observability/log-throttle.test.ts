import { describe, expect, it } from 'vitest';
import { createLogThrottle } from './log-throttle.js';

describe('createLogThrottle', () => {
  it('logs a key once per interval and reports how many were held back', () => {
    let t = 0;
    const throttle = createLogThrottle({ intervalMs: 1000, now: () => t });
    expect(throttle.admit('a')).toEqual({ log: true, suppressed: 0 });
    expect(throttle.admit('a').log).toBe(false);
    expect(throttle.admit('a').log).toBe(false);
    expect(throttle.admit('b').log).toBe(true);
    t = 1000;
    expect(throttle.admit('a')).toEqual({ log: true, suppressed: 2 });
    expect(throttle.admit('a').log).toBe(false);
  });

  it('caps the lines of all keys together per interval (a flood from many addresses)', () => {
    let t = 0;
    const throttle = createLogThrottle({ intervalMs: 1000, maxPerInterval: 3, now: () => t });
    const logged = ['a', 'b', 'c', 'd', 'e'].filter((k) => throttle.admit(k).log);
    expect(logged).toEqual(['a', 'b', 'c']);
    t = 1000;
    expect(throttle.admit('d').log).toBe(true);
  });

  it('forgets the oldest key past maxKeys, so memory stays bounded', () => {
    const throttle = createLogThrottle({ intervalMs: 60_000, maxKeys: 2, now: () => 0 });
    throttle.admit('a');
    throttle.admit('b');
    throttle.admit('c');
    expect(throttle.admit('a').log).toBe(true);
    expect(throttle.admit('c').log).toBe(false);
  });
});
