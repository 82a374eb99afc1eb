// What a fault scenario needs from the machine (SIPp as root, tmpfs, PostgreSQL's server tools),
// and the one rule for a missing piece: outside CI the scenario is skipped with a warning, in CI
// (CI=true) it is an error, so a fault scenario never skips there.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { findSipp, isRoot } from '../sip/sipp.js';

/** Why SIPp cannot place the calls here (null when it can). */
export function sippProblem(): string | null {
  if (!findSipp()) return 'sipp (Debian package sip-tester) is not installed';
  if (!isRoot()) return 'SIPp must run as root (play_pcap_audio uses a raw socket)';
  return null;
}

/** Why tmpfs cannot be mounted here (null when it can): tried once on a scratch folder. */
export function tmpfsProblem(): string | null {
  const probe = fs.mkdtempSync('/tmp/cv-tmpfs-probe-');
  let why: string | null = null;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
  } catch (err) {
    why = `mount -t tmpfs failed (root is needed): ${String((err as Error).message).split('\n')[0]}`;
  }
  fs.rmSync(probe, { recursive: true, force: true });
  return why;
}

/**
 * The first problem of `problems` (null when there is none): thrown in CI, where the `scenario`
 * may not skip, and warned about elsewhere, where the caller skips it.
 */
export function requiredInCi(scenario: string, ...problems: Array<string | null>): string | null {
  const missing = problems.find((p) => p !== null) ?? null;
  if (missing && process.env.CI === 'true') {
    throw new Error(`CI: ${missing}; the ${scenario} may not skip`);
  }
  if (missing) console.warn(`${scenario} NOT run: ${missing} (required in CI)`);
  return missing;
}
