// The cluster benchmark's SIPp scenario: the soak's (bench/soak/scenario.ts: the e2e SIPREC
// client's INVITE, ACK and BYE, every call's outcome logged) for a call of `callMs`, and for a
// proxy in front (Kamailio's Record-Route) the same scenario as a proper UAC behind a proxy: it
// keeps the route set of the 200 (rrs) and sends the ACK and BYE of the dialog to the recorder's
// Contact along that route (RFC 3261 §12.2.1.1). The ACK of a rejected INVITE stays hop by hop.
import crypto from 'node:crypto';
import { buildSoakScenario } from '../soak/scenario.js';

export function benchScenario(fixture: string, callMs: number, pcap: string, routed: boolean) {
  const soak = buildSoakScenario(fixture, callMs, pcap);
  return routed ? routeDialogRequests(soak) : soak;
}

/** The soak scenario with the 200's route set kept and the dialog's ACK and BYE sent along it. */
export function routeDialogRequests(scenario: string): string {
  const replaceOnce = (text: string, from: string, to: string, expected: number): string => {
    const count = text.split(from).length - 1;
    if (count !== expected) {
      throw new Error(
        `the soak scenario changed: "${from.trim()}" ${count} times, not ${expected}`,
      );
    }
    return text.replace(from, to);
  };
  let text = replaceOnce(
    scenario,
    '<recv response="200" rtd="setup" crlf="true" ',
    '<recv response="200" rtd="setup" crlf="true" rrs="true" ',
    1,
  );
  // The first ACK is the 2xx's; the second, after the `rejected` label, acknowledges an error.
  text = replaceOnce(
    text,
    '      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0\n',
    '      ACK [next_url] SIP/2.0\n      [routes]\n',
    2,
  );
  return replaceOnce(
    text,
    '      BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0\n',
    '      BYE [next_url] SIP/2.0\n      [routes]\n',
    1,
  );
}

/** SIPp's -inf table: one row of RFC 7865 ids per call (as the soak's). */
export function idsCsv(rows: number): string {
  const id = () => crypto.randomBytes(16).toString('base64');
  const lines = ['SEQUENTIAL'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      [id(), id(), id(), id(), id(), id(), crypto.randomBytes(16).toString('hex')].join(';'),
    );
  }
  return `${lines.join('\n')}\n`;
}
