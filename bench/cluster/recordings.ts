// Which calls became recordings, through the API as the administrator: GET /api/recordings page
// by page, and for each recording not seen before the SIP Call-ID of its metadata
// (GET /v1/convergedRecordings/{id}/metadata), kept for the whole run.
import type { Api } from '../soak/collect.js';
import { sleep } from '../soak/util.js';

interface RecordingPage {
  items: Array<{ id: string }>;
  nextCursor: string | null;
}

export class RecordingIndex {
  /** Recording id → the Call-ID its metadata names. */
  private readonly callIdOf = new Map<string, string | null>();

  constructor(
    private readonly api: Api,
    private readonly fromMs: number,
  ) {}

  private async refresh(): Promise<void> {
    const from = encodeURIComponent(new Date(this.fromMs).toISOString());
    const fresh: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/recordings?from=${from}&max=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: RecordingPage = await this.api.getJson<RecordingPage>(query);
      for (const item of page.items) if (!this.callIdOf.has(item.id)) fresh.push(item.id);
      cursor = page.nextCursor;
    } while (cursor);
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let id = fresh.shift(); id !== undefined; id = fresh.shift()) {
          const meta = await this.api.getJson<{ serviceData?: { callId?: string } }>(
            `/v1/convergedRecordings/${encodeURIComponent(id)}/metadata`,
          );
          this.callIdOf.set(id, meta.serviceData?.callId ?? null);
        }
      }),
    );
  }

  /** How many recordings name each of `callIds` (0: none yet). */
  private counts(callIds: readonly string[]): Map<string, number> {
    const counts = new Map(callIds.map((id) => [id, 0]));
    for (const callId of this.callIdOf.values()) {
      if (callId !== null && counts.has(callId)) counts.set(callId, counts.get(callId)! + 1);
    }
    return counts;
  }

  /**
   * Waits (at most `timeoutMs`) until every call of `callIds` has a recording; then tells the
   * calls without one and those with more than one.
   */
  async await(
    callIds: readonly string[],
    timeoutMs: number,
  ): Promise<{ missing: string[]; duplicated: string[]; waitedMs: number }> {
    const started = Date.now();
    for (;;) {
      await this.refresh();
      const counts = this.counts(callIds);
      const missing = [...counts].filter(([, n]) => n === 0).map(([id]) => id);
      if (missing.length === 0 || Date.now() - started > timeoutMs) {
        const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
        return { missing, duplicated, waitedMs: Date.now() - started };
      }
      await sleep(1_000);
    }
  }
}
