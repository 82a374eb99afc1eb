// The SRTP receiver's replay list and rollover-counter estimate: RFC 3711 §3.3.1 (packet index,
// Appendix A) and §3.3.2 (replay protection). Shared by every crypto suite.

/** RFC 3711 §3.3.2: the replay window "SHOULD be at least 64". */
export const SRTP_REPLAY_WINDOW = 128;

/**
 * RFC 3711 §3.3.2 replay list as a sliding window over the highest index seen. Each slot keeps
 * the index it last recorded, so a slot reused by a newer index reads as "not received".
 */
export class SrtpReplayWindow {
  private highest = -1;
  private readonly slots: Float64Array;

  constructor(private readonly size: number = SRTP_REPLAY_WINDOW) {
    this.slots = new Float64Array(size).fill(-1);
  }

  /** 'ok' when the index may be accepted, else why not. Does not record it. */
  check(index: number): 'ok' | 'replayed' | 'too-old' {
    if (index > this.highest) return 'ok';
    if (this.highest - index >= this.size) return 'too-old';
    return this.slots[index % this.size] === index ? 'replayed' : 'ok';
  }

  /** Record an authenticated index (RFC 3711 §3.3: update only after authentication). */
  record(index: number): void {
    this.slots[index % this.size] = index;
    if (index > this.highest) this.highest = index;
  }
}

/**
 * RFC 3711 §3.3.1 / Appendix A: guess the ROC of a packet from the highest sequence number s_l
 * and the current ROC, choosing the index closest to s_l.
 */
export function estimateSrtpRoc(sequenceNumber: number, highestSeq: number, roc: number): number {
  if (highestSeq < 32768) {
    return sequenceNumber - highestSeq > 32768 ? (roc - 1) >>> 0 : roc;
  }
  return highestSeq - 32768 > sequenceNumber ? (roc + 1) >>> 0 : roc;
}
