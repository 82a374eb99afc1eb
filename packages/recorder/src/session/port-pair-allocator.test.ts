import { describe, expect, it } from 'vitest';
import { createPortPairAllocator } from './port-pair-allocator.js';

describe('RTP port pairs', () => {
  it('RFC 3550 §11: RTP gets even ports with RTCP on the next odd port inside the range', () => {
    const ports = createPortPairAllocator({ min: 20001, max: 20006 });
    expect(ports.capacity).toBe(2);
    expect([ports.allocate(), ports.allocate(), ports.allocate()]).toEqual([
      20002,
      20004,
      undefined,
    ]);
    expect(ports.inUse).toBe(2);
  });

  it('hands pairs out in order (P, P+2) and reuses a released pair last', () => {
    const ports = createPortPairAllocator({ min: 20000, max: 20007 });
    expect(ports.allocate()).toBe(20000);
    expect(ports.allocate()).toBe(20002);
    ports.release(20000);
    expect(ports.allocate()).toBe(20004);
    expect(ports.allocate()).toBe(20006);
    expect(ports.allocate()).toBe(20000);
    expect(ports.allocate()).toBeUndefined();
    ports.release(12345);
    expect(ports.inUse).toBe(4);
  });

  it('refuses ranges without a whole pair or outside 2-65535', () => {
    expect(() => createPortPairAllocator({ min: 20000, max: 20000 })).toThrow(RangeError);
    expect(() => createPortPairAllocator({ min: 0, max: 10 })).toThrow(RangeError);
    expect(() => createPortPairAllocator({ min: 65530, max: 65536 })).toThrow(RangeError);
  });
});
