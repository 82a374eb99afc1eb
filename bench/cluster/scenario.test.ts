import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sippFixtures } from '../../e2e/sip/sipp.js';
import { buildSoakScenario, type CallLogLine } from '../soak/scenario.js';
import { summarise } from './load.js';
import { benchScenario, idsCsv, routeDialogRequests } from './scenario.js';

const fixture = fs.readFileSync(path.join(sippFixtures, 'siprec_uac.xml'), 'latin1');

describe('the routed scenario', () => {
  const direct = benchScenario(fixture, 2300, 'calls.pcap', false);
  const routed = benchScenario(fixture, 2300, 'calls.pcap', true);

  it('direct is the soak scenario itself', () => {
    expect(direct).toBe(buildSoakScenario(fixture, 2300, 'calls.pcap'));
  });

  it('keeps the route set of the 200 and sends the ACK and BYE of the dialog along it', () => {
    expect(routed).toContain('<recv response="200" rtd="setup" crlf="true" rrs="true" ');
    expect(routed).toContain('      ACK [next_url] SIP/2.0\n      [routes]\n');
    expect(routed).toContain('      BYE [next_url] SIP/2.0\n      [routes]\n');
  });

  it("leaves the rejected INVITE's ACK hop by hop and changes nothing else", () => {
    const ackLines = routed.match(/ACK sip:\[service\]@\[remote_ip\]:\[remote_port\]/g) ?? [];
    expect(ackLines).toHaveLength(1);
    expect(routed.indexOf('ACK sip:[service]')).toBeGreaterThan(routed.indexOf('"rejected"'));
    const undone = routed
      .replace(' rrs="true"', '')
      .replace(
        '      ACK [next_url] SIP/2.0\n      [routes]\n',
        '      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0\n',
      )
      .replace(
        '      BYE [next_url] SIP/2.0\n      [routes]\n',
        '      BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0\n',
      );
    expect(undone).toBe(direct);
  });

  it('refuses a scenario it does not know', () => {
    expect(() => routeDialogRequests('<scenario/>')).toThrow(/soak scenario changed/);
  });

  it('one row of ids a call', () => {
    const rows = idsCsv(3).trim().split('\n');
    expect(rows[0]).toBe('SEQUENTIAL');
    expect(rows.slice(1).map((r) => r.split(';').length)).toEqual([7, 7, 7]);
  });
});

describe('summarise', () => {
  const line = (
    event: CallLogLine['event'],
    callId: string,
    atMs: number,
    detail = '',
  ): CallLogLine => ({ event, callId, atMs, detail });

  it('counts completed calls, failures by their last event, overlap and the started rate', () => {
    const summary = summarise(
      [
        line('START', 'a', 0),
        line('ANSWERED', 'a', 10),
        line('START', 'b', 500),
        line('ANSWERED', 'b', 530),
        line('BYE_OK', 'a', 2000),
        line('START', 'c', 1000),
        line('REJECTED', 'c', 1005, '503 (SIP/2.0 503 Service Unavailable)'),
        line('START', 'd', 1500),
        line('ANSWERED', 'd', 1520),
        line('NONCONTIG', 'd', 1520),
        line('BYE_OK', 'd', 3000),
        line('BYE_OK', 'b', 2600),
      ],
      5,
    );
    expect(summary).toEqual({
      calls: 5,
      started: 4,
      completed: 3,
      failures: { REJECTED_503: 1, NOT_STARTED: 1 },
      nonContiguous: 1,
      heldAtOnce: 3,
      setupMs: { p50: 20, p95: 30 },
      seconds: 3,
      startedPerSecond: 2,
      callIds: ['a', 'b', 'c', 'd'],
      answeredCallIds: ['a', 'b', 'd'],
    });
  });

  it('a call answered and never ended was aborted by SIPp', () => {
    const summary = summarise([line('START', 'a', 0), line('ANSWERED', 'a', 5)], 1);
    expect(summary.failures).toEqual({ ABORTED_AFTER_ANSWERED: 1 });
    expect(summary.completed).toBe(0);
    expect(summary.startedPerSecond).toBeNull();
  });
});
