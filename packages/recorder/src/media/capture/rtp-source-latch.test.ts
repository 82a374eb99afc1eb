import { describe, expect, it } from 'vitest';
import { RtpSourceLatch, type RtpSourceLatchOptions } from './rtp-source-latch.js';

function latch(options: Partial<RtpSourceLatchOptions> = {}) {
  const clock = { ms: 1000 };
  const l = new RtpSourceLatch({
    mode: 'first-source',
    signalledAddress: '192.0.2.10',
    windowMs: 5000,
    probationPackets: 3,
    now: () => clock.ms,
    ...options,
  });
  return { l, clock };
}

describe('RtpSourceLatch', () => {
  it('signalled: latches the c= address on any port and never another address', () => {
    const { l, clock } = latch({ mode: 'signalled' });
    expect(l.check('198.51.100.7', 4000, 1)).toBe('foreign');
    expect(l.check('::ffff:192.0.2.10', 30002, 1)).toBe('latched');
    expect(l.source).toBe('192.0.2.10:30002');
    expect(l.check('192.0.2.10', 30002, 1)).toBe('accept');
    clock.ms += 100;
    for (let i = 0; i < 5; i++) expect(l.check('198.51.100.7', 4000, 2)).toBe('foreign');
    expect(l.source).toBe('192.0.2.10:30002');
  });

  it('first-source (NAT): the first sender of any address latches within the window', () => {
    const { l } = latch();
    expect(l.check('198.51.100.7', 4000, 1)).toBe('latched');
    expect(l.check('192.0.2.10', 30002, 9)).toBe('foreign');
    expect(l.check('198.51.100.7', 4000, 1)).toBe('accept');
  });

  it('first-source: after the window only the c= address latches', () => {
    const { l, clock } = latch();
    clock.ms += 5000;
    expect(l.check('198.51.100.7', 4000, 1)).toBe('foreign');
    expect(l.check('192.0.2.10', 30002, 1)).toBe('latched');
  });

  it('no c= address (0.0.0.0): any sender latches, then only it', () => {
    const { l, clock } = latch({ mode: 'signalled', signalledAddress: '0.0.0.0' });
    clock.ms += 60_000;
    expect(l.check('198.51.100.7', 4000, 1)).toBe('latched');
    expect(l.check('198.51.100.8', 4000, 1)).toBe('foreign');
  });

  it('a re-offer moves the latch to the first new sender within the window, once', () => {
    const { l, clock } = latch({ mode: 'signalled' });
    expect(l.check('192.0.2.10', 30002, 1)).toBe('latched');
    clock.ms += 20_000;
    l.reoffer('192.0.2.10');
    expect(l.check('192.0.2.10', 30002, 1)).toBe('accept');
    expect(l.check('192.0.2.10', 30010, 1)).toBe('relatched');
    expect(l.source).toBe('192.0.2.10:30010');
    // The old sender's trailing packets, and a third sender, are dropped: one source at a time.
    expect(l.check('192.0.2.10', 30002, 1)).toBe('foreign');
    expect(l.check('192.0.2.10', 30020, 1)).toBe('foreign');
  });

  it('a re-offer opens no door after its window, nor to an address it did not signal', () => {
    const { l, clock } = latch({ mode: 'signalled' });
    l.check('192.0.2.10', 30002, 1);
    l.reoffer('192.0.2.20');
    expect(l.check('198.51.100.7', 4000, 1)).toBe('foreign');
    clock.ms += 5000;
    expect(l.check('192.0.2.20', 4000, 1)).toBe('foreign');
  });

  it('an SSRC change without a re-offer takes over after the probation packets in a row', () => {
    const { l, clock } = latch();
    l.check('192.0.2.10', 30002, 1);
    clock.ms += 60_000;
    expect(l.check('192.0.2.10', 30010, 2)).toBe('foreign');
    expect(l.check('192.0.2.10', 30010, 2)).toBe('foreign');
    expect(l.check('192.0.2.10', 30010, 2)).toBe('relatched');
    expect(l.check('192.0.2.10', 30002, 1)).toBe('foreign');
  });

  it('two senders taking turns never pass the probation, nor does the same SSRC elsewhere', () => {
    const { l, clock } = latch();
    l.check('192.0.2.10', 30002, 1);
    clock.ms += 60_000;
    for (let i = 0; i < 10; i++) {
      expect(l.check('192.0.2.10', 30010, 2)).toBe('foreign');
      expect(l.check('192.0.2.10', 30010, 2)).toBe('foreign');
      expect(l.check('192.0.2.10', 30002, 1)).toBe('accept');
    }
    for (let i = 0; i < 5; i++) expect(l.check('192.0.2.10', 30010, 1)).toBe('foreign');
    // After the window an unsignalled address cannot take over by SSRC either.
    for (let i = 0; i < 5; i++) expect(l.check('198.51.100.7', 4000, 3)).toBe('foreign');
    expect(l.source).toBe('192.0.2.10:30002');
  });
});
