// What the catalogue holds at the end of the run. Recordings are listed through the API
// (GET /api/recordings, page by page) and matched to their calls by the SIP Call-ID of their
// metadata (GET /v1/convergedRecordings/{id}/metadata); capture failures are read from the API
// (GET /api/sessions: the open ones, at most 100) and from /metrics
// (callvault_capture_failures_total by reason). Two things the API does not give are read from
// the run's own database: every capture failure with its Call-ID (the API's list stops at 100)
// and how a recording ended: `recovered` after a crash, or cut short by the recorder's own
// shutdown (its SRC was sent a BYE), from the recording's provenance columns.
import type { FailureSeen, RecordingSeen } from './analysis.js';
import type { PrivatePostgres } from './postgres.js';
import { sleep } from './util.js';

export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** GET as the administrator: 3 tries, 30 s each. */
  async get(path: string): Promise<{ status: number; body: string }> {
    let last: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const res = await fetch(`${this.baseUrl}${path}`, {
          headers: { authorization: `Bearer ${this.token}` },
          signal: AbortSignal.timeout(30_000),
        });
        const body = await res.text();
        if (res.status < 500) return { status: res.status, body };
        last = new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
      } catch (err) {
        last = err;
      }
      await sleep(1_000 * (attempt + 1));
    }
    throw last instanceof Error ? last : new Error(String(last));
  }

  async getJson<T>(path: string): Promise<T> {
    const { status, body } = await this.get(path);
    if (status !== 200) throw new Error(`${path}: ${status} ${body.slice(0, 300)}`);
    return JSON.parse(body) as T;
  }
}

interface RecordingPage {
  items: Array<{ id: string; durationSeconds: number }>;
  nextCursor: string | null;
}

/** Every recording since `fromMs`, through the API, with the Call-ID of each. */
export async function listRecordings(
  api: Api,
  fromMs: number,
  maxPages: number,
): Promise<Array<{ id: string; durationSeconds: number; callId: string | null }>> {
  const items: RecordingPage['items'] = [];
  const from = encodeURIComponent(new Date(fromMs).toISOString());
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const query: string = `/api/recordings?from=${from}&max=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const result: RecordingPage = await api.getJson<RecordingPage>(query);
    items.push(...result.items);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  if (cursor) throw new Error(`more than ${maxPages} pages of recordings`);
  // The metadata of each, eight requests at a time.
  const out: Array<{ id: string; durationSeconds: number; callId: string | null }> = [];
  const queue = [...items];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        const meta = await api.getJson<{ serviceData?: { callId?: string } }>(
          `/v1/convergedRecordings/${encodeURIComponent(item.id)}/metadata`,
        );
        out.push({ ...item, callId: meta.serviceData?.callId ?? null });
      }
    }),
  );
  return out;
}

/** The open capture failures the API lists (at most 100) and the metric's totals by reason. */
export async function failuresThroughApi(api: Api): Promise<{
  openListed: number;
  metricByReason: Record<string, number>;
}> {
  const sessions = await api.getJson<{ failures?: unknown[] }>('/api/sessions');
  const metrics = (await api.get('/metrics')).body;
  const metricByReason: Record<string, number> = {};
  for (const match of metrics.matchAll(
    /^callvault_capture_failures_total\{reason="([^"]+)"\} (\d+(?:\.\d+)?)$/gm,
  )) {
    const value = Number(match[2]);
    if (value > 0) metricByReason[match[1]!] = value;
  }
  return { openListed: sessions.failures?.length ?? 0, metricByReason };
}

/**
 * Every capture failure, and every recording that says itself why it is short: recovered after a
 * crash, or ended by the recorder's shutdown.
 */
export async function catalogueFromDatabase(
  postgres: PrivatePostgres,
): Promise<{ failures: FailureSeen[]; recovered: Set<string> }> {
  const failures = await postgres.query<{ call_id: string; reason: string; failed_at: string }>(
    'select call_id, reason, failed_at from capture_failures order by failed_at',
  );
  const recovered = await postgres.query<{ id: string }>(
    `select id from recordings where recovered = 1 or end_reason in ('recovered', 'shutdown')`,
  );
  return {
    failures: failures.map((f) => ({
      callId: f.call_id,
      reason: f.reason,
      failedAt: String(f.failed_at),
    })),
    recovered: new Set(recovered.map((r) => r.id)),
  };
}

export function recordingsSeen(
  listed: ReadonlyArray<{ id: string; durationSeconds: number; callId: string | null }>,
  recovered: ReadonlySet<string>,
): RecordingSeen[] {
  return listed.map((r) => ({ ...r, recovered: recovered.has(r.id) }));
}
