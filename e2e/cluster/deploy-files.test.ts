// The deployment files of deploy/ are valid for the programs that read them:
//   - the systemd units pass `systemd-analyze verify` without a single warning (it exits 0 on
//     unknown keys and unparsable values and only prints them, so the output must be empty too;
//     the recorder template is verified as an instance, callvault-recorder@127.0.0.2.service);
//   - Kamailio accepts the configuration render.sh makes (`kamailio -c`), and render.sh refuses
//     to leave a placeholder unfilled;
//   - every environment file is KEY=VALUE lines of known Callvault (or AWS) variables.
// In CI a missing systemd-analyze or Kamailio fails the suite.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requiredInCi } from '../faults/prerequisites.js';
import { KAMAILIO, deployDir, readEnvFile, readUnit } from './cluster.js';

const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';
const missing = requiredInCi(
  'deploy files check',
  fs.existsSync(SYSTEMD_ANALYZE)
    ? null
    : 'systemd-analyze (Debian package systemd) is not installed',
  fs.existsSync(KAMAILIO) ? null : 'Kamailio (Debian package kamailio) is not installed',
);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-deploy-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function verify(units: string[]): { code: number | null; output: string } {
  const result = spawnSync(SYSTEMD_ANALYZE, ['verify', '--man=no', ...units], { encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

describe.skipIf(missing !== null)('deploy/', () => {
  it('the systemd units pass systemd-analyze verify with no warning', () => {
    const dir = path.join(work, 'units');
    fs.mkdirSync(dir);
    const units = fs.readdirSync(path.join(deployDir, 'systemd'));
    expect(units.sort()).toEqual([
      'callvault-api.service',
      'callvault-recorder@.service',
      'callvault-worker.service',
    ]);
    for (const unit of units)
      fs.copyFileSync(path.join(deployDir, 'systemd', unit), path.join(dir, unit));
    fs.symlinkSync(
      'callvault-recorder@.service',
      path.join(dir, 'callvault-recorder@127.0.0.2.service'),
    );
    const result = verify(
      [
        'callvault-api.service',
        'callvault-worker.service',
        'callvault-recorder@127.0.0.2.service',
      ].map((u) => path.join(dir, u)),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);

    // The check can fail: a misspelled hardening option is reported.
    const broken = path.join(work, 'callvault-broken.service');
    fs.writeFileSync(
      broken,
      fs
        .readFileSync(path.join(dir, 'callvault-api.service'), 'utf8')
        .replace('ProtectSystem=strict', 'ProtectSystm=strict'),
    );
    expect(verify([broken]).output).toContain("Unknown key 'ProtectSystm'");
  });

  it('every unit reads common.env and its role file, and runs the role its name says', () => {
    const units = {
      'callvault-recorder@.service': ['recorder', 'recorder.env'],
      'callvault-api.service': ['api', 'api.env'],
      'callvault-worker.service': ['worker', 'worker.env'],
    };
    for (const [unit, [role, envFile]] of Object.entries(units)) {
      const parsed = readUnit(path.join(deployDir, 'systemd', unit), '127.0.0.2');
      expect(parsed.roles, unit).toBe(role);
      expect(parsed.envFiles, unit).toEqual(['common.env', envFile]);
    }
    expect(
      readUnit(path.join(deployDir, 'systemd', 'callvault-recorder@.service'), '10.0.0.2').env,
    ).toEqual({
      CALLVAULT_SIP_ADDR: '10.0.0.2:5060',
      CALLVAULT_SIP_TLS_ADDR: '10.0.0.2:5061',
      CALLVAULT_DATA_DIR: '/var/lib/callvault/recorder-10.0.0.2',
    });
  });

  it('the environment files set only Callvault and AWS variables', () => {
    const files = fs.readdirSync(path.join(deployDir, 'env')).sort();
    expect(files).toEqual(['api.env', 'common.env', 'recorder.env', 'worker.env']);
    for (const file of files) {
      const env = readEnvFile(path.join(deployDir, 'env', file));
      expect(Object.keys(env).length, file).toBeGreaterThan(0);
      for (const key of Object.keys(env)) expect(key, file).toMatch(/^(CALLVAULT|AWS)_[A-Z_]+$/);
    }
    expect(readEnvFile(path.join(deployDir, 'env', 'common.env')).CALLVAULT_QUEUE).toBe('pg-boss');
  });

  it('Kamailio accepts the rendered configuration; render.sh refuses a missing value', () => {
    const out = path.join(work, 'kamailio');
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      KAMAILIO_SIP_ADDR: '127.0.0.1:15060',
      KAMAILIO_DISPATCHER_LIST: path.join(out, 'dispatcher.list'),
      KAMAILIO_PROBE_INTERVAL: '5',
      RECORDER_1_SIP_ADDR: '127.0.0.2:5060',
      RECORDER_2_SIP_ADDR: '127.0.0.3:5060',
    };
    const render = path.join(deployDir, 'kamailio', 'render.sh');
    execFileSync(render, [out], { env });
    const rendered = fs.readFileSync(path.join(out, 'kamailio.cfg'), 'utf8');
    expect(rendered).not.toMatch(/@[A-Z0-9_]+@/);
    expect(fs.readFileSync(path.join(out, 'dispatcher.list'), 'utf8')).toContain(
      '1 sip:127.0.0.3:5060 0 0',
    );
    const check = spawnSync(KAMAILIO, ['-c', '-f', path.join(out, 'kamailio.cfg')], {
      encoding: 'utf8',
    });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);

    const { RECORDER_2_SIP_ADDR: _dropped, ...incomplete } = env;
    const refused = spawnSync(render, [path.join(work, 'incomplete')], {
      env: incomplete,
      encoding: 'utf8',
    });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('RECORDER_2_SIP_ADDR is not set');
  });
});
