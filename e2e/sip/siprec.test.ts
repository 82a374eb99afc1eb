// The SIPREC recorder end to end: SIPp's SIPREC client (fixtures/siprec_uac.xml) against the built
// `bin/callvault serve` with the recorder role and the demo seed's trunk (127.0.0.1/32), over UDP
// and TCP: 200, ACK, RTP, BYE 200; GET /api/sessions shows the session while it runs (owner
// Alice by her SIP address) and nothing after it; /metrics counts the INVITE outcomes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { findFreePort, runSipp, sippSuitePrerequisites } from './sipp.js';

const missing = sippSuitePrerequisites('SIPREC e2e suite');

let server: TestServer;

async function getJson(path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${server.seed.admin.token}` },
  });
  const text = await res.text();
  return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : text };
}

/** Polls GET /api/sessions until `done` holds for the items or the time is up. */
async function waitForSessions(done: (items: any[]) => boolean, timeoutMs: number): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await getJson('/api/sessions');
    if (done(json.items) || Date.now() > deadline) return json.items;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(missing !== null)('SIPREC with SIPp against bin/callvault serve', () => {
  beforeAll(async () => {
    server = await startServer({ sip: true });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each(['udp', 'tcp'] as const)(
    'siprec_uac.xml over %s: 200, ACK, BYE 200, and /api/sessions saw the session',
    async (transport) => {
      const sip = server.sip!;
      const run = runSipp({
        target: `${sip.host}:${sip.port}`,
        transport,
        timeoutMs: 30_000,
        args: [
          '-sf',
          'siprec_uac.xml',
          '-inf',
          'siprec_ids.csv',
          '-s',
          'srs',
          '-mi',
          '127.0.0.1',
          '-mp',
          String(await findFreePort()),
          '-m',
          '1',
          '-d',
          '3000',
          '-timeout',
          '25s',
          '-timeout_error',
        ],
      });

      // The session appears when the 200 goes out and is active once SIPp's ACK arrives.
      const during = await waitForSessions(
        (items) => items.length === 1 && items[0].state === 'active',
        5_000,
      );
      expect(during).toHaveLength(1);
      const session = during[0];
      expect(session).toMatchObject({
        state: 'active',
        ownership: 'owned',
        trunk: { name: 'local test trunk' },
        parties: [
          { aor: 'sip:alice@example.com', name: 'Alice Caller', placeholder: false },
          { aor: 'sip:bob@example.net', name: 'Bob Trader', placeholder: false },
        ],
        owners: [
          {
            type: 'person',
            id: server.seed.people.find((p) => p.email === 'alice@example.com')?.id,
            mode: 'Always',
            matchedBy: 'sip-address',
          },
        ],
        metadataRevisions: 1,
      });
      expect(session.source).toMatch(new RegExp(`^${transport}:127\\.0\\.0\\.1:\\d+$`));
      const [first, second] = session.streams;
      expect([first.label, second.label]).toEqual(['1', '2']);
      expect([first.codec, second.codec]).toEqual(['PCMU', 'PCMU']);
      expect([first.direction, second.direction]).toEqual(['recvonly', 'recvonly']);
      expect(first.port).toBeGreaterThanOrEqual(sip.rtpPorts.min);
      expect(second.port).toBe(first.port + 2);

      const result = await run;
      // SIPp exits 0 only when every call of the scenario succeeded (200, ACK, BYE, 200).
      expect(result.code, `${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`).toBe(0);
      expect(result.stdout).toMatch(/^\s*Successful call\s*\|\s*\d+\s*\|\s*1\s*$/m);
      expect(await waitForSessions((items) => items.length === 0, 2_000)).toEqual([]);
    },
  );

  it('counts the INVITE outcomes and has no session open on /metrics', async () => {
    const res = await fetch(`${server.url}/metrics`);
    const text = await res.text();
    expect(text).toMatch(
      /^callvault_siprec_invite_outcomes_total\{method="INVITE",status="200",kind="initial"\} 2$/m,
    );
    expect(text).toMatch(/^callvault_siprec_sessions_active 0$/m);
  });

  it('GET /api/sessions is for administrators only', async () => {
    const user = server.seed.people.find((p) => p.email === 'alice@example.com')!;
    const res = await fetch(`${server.url}/api/sessions`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(res.status).toBe(403);
  });
});
