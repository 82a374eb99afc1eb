// The recording policy over a PostgreSQL server that refuses connections (as while it restarts):
// the SRC is told 503 with Retry-After instead of a 500 or a hang.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { createRecordingPolicy } from './recording-policy.js';

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const handles: DatabaseHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
});

async function policyWithoutDatabase() {
  const handle = openDatabase({
    kind: 'postgres',
    url: `postgres://postgres@127.0.0.1:${await closedPort()}/callvault`,
  });
  handles.push(handle);
  const policy = createRecordingPolicy({ db: handle.db });
  return { policy, handle };
}

describe('the recording policy while the database is unreachable', () => {
  it('RFC 3261 §21.5.4: the trunk lookup is retried by the driver, then answered 503 with Retry-After', async () => {
    const { policy, handle } = await policyWithoutDatabase();
    const admission = await policy.findTrunks({
      source: { transport: 'udp', address: '127.0.0.1', port: 5060 },
      requestUri: 'sip:srs@127.0.0.1',
      callId: 'call-1',
    });
    expect(admission).toEqual({
      ok: false,
      status: 503,
      reason: 'the recording policy cannot be read: the database is unavailable',
      retryAfterSeconds: 5,
    });
    // The driver tried three times to connect, each refusal counted.
    expect(handle.connectionErrors?.total).toBe(3);
  });

  it('an owner decision it cannot read is a 503 refusal, not an error', async () => {
    const { policy } = await policyWithoutDatabase();
    const decision = await policy.decideOwners({ orgId: 'org-1', trunkId: 'trunk-1' }, [
      { id: 'pa', aor: 'sip:alice@example.com', placeholder: false },
    ]);
    expect(decision).toMatchObject({
      owners: [],
      refusal: { status: 503, retryAfterSeconds: 5 },
    });
  });
});
