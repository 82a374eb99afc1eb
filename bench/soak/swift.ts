// The S3 blob store of the soak run: OpenStack Swift with s3api, started by scripts/swift-s3.sh
// (as the integration tests start it) in a temporary directory, on 127.0.0.1. The `s3` fault
// stops the proxy server (the S3 endpoint; account, container and object servers keep running)
// and later starts it again from the same configuration, so the endpoint does not change.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { Cleanup } from './cleanup.js';
import { isAlive, mustRun, runSync, waitFor } from './util.js';

export const S3_CREDENTIALS = { accessKeyId: 'test:tester', secretAccessKey: 'testing' };

export class SwiftS3 {
  private constructor(
    private readonly script: string,
    readonly dir: string,
    readonly endpoint: string,
  ) {}

  static async start(repoRoot: string, cleanup: Cleanup): Promise<SwiftS3> {
    const script = path.join(repoRoot, 'scripts', 'swift-s3.sh');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-soak-swift-'));
    cleanup.add('remove the Swift directory', () =>
      fs.rmSync(dir, { recursive: true, force: true }),
    );
    // Stops whatever runs in DIR, the proxy this run restarted included (its pid file is there).
    cleanup.add('stop Swift', () => {
      runSync('bash', [script, 'stop', dir], 30_000);
    });
    let stdout: string;
    try {
      stdout = await mustRun('bash', [script, 'start', dir], 90_000);
    } catch {
      // A free port the script picked can be taken before Swift binds it: once more, new ports.
      await mustRun('bash', [script, 'stop', dir], 30_000).catch(() => undefined);
      stdout = await mustRun('bash', [script, 'start', dir], 90_000);
    }
    const endpoint = stdout.trim().split('\n').pop() ?? '';
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint)) {
      throw new Error(`swift-s3.sh printed no endpoint: ${stdout}`);
    }
    return new SwiftS3(script, dir, endpoint);
  }

  async createBucket(bucket: string): Promise<void> {
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: this.endpoint,
      forcePathStyle: true,
      credentials: S3_CREDENTIALS,
    });
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    } finally {
      client.destroy();
    }
  }

  private get proxyPidFile(): string {
    return path.join(this.dir, 'run', 'proxy.pid');
  }

  /** Stops the proxy: SIGTERM, SIGKILL after 10 s. */
  async stopProxy(): Promise<void> {
    const pid = Number(fs.readFileSync(this.proxyPidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
    process.kill(pid, 'SIGTERM');
    const gone = await waitFor(() => (isAlive(pid) ? undefined : true), 10_000, 100);
    if (!gone) {
      process.kill(pid, 'SIGKILL');
      await waitFor(() => (isAlive(pid) ? undefined : true), 5_000, 100);
    }
  }

  /** Starts the proxy again (detached, as the script does) and waits for its health check. */
  async startProxy(): Promise<void> {
    const conf = path.join(this.dir, 'etc', 'proxy-server.conf');
    const log = fs.openSync(path.join(this.dir, 'log', 'proxy.log'), 'a');
    try {
      const child = spawn('swift-proxy-server', [conf, '-v'], {
        detached: true,
        stdio: ['ignore', log, log],
      });
      child.unref();
      if (child.pid === undefined) throw new Error('swift-proxy-server did not start');
      fs.writeFileSync(this.proxyPidFile, `${child.pid}\n`);
    } finally {
      fs.closeSync(log);
    }
    const healthy = await waitFor(
      async () => ((await fetch(`${this.endpoint}/healthcheck`)).ok ? true : undefined),
      60_000,
      250,
    );
    if (!healthy) throw new Error('the Swift proxy did not come back within 60 s');
  }
}
