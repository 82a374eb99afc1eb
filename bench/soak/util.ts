// Small helpers of the soak run: bounded waits and commands with a time limit.
import { execFile, spawnSync } from 'node:child_process';

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Polls `check` every `everyMs` until it returns something other than undefined or `timeoutMs`
 * passes (then undefined). A throwing check counts as "not yet".
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 250,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    if (Date.now() + everyMs > deadline) return undefined;
    await sleep(everyMs);
  }
}

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (killed at `timeoutMs`); never throws for a non-zero exit. */
export function runCommand(
  file: string,
  args: readonly string[],
  timeoutMs: number,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20, ...options },
      (err, stdout, stderr) => {
        const code =
          err === null ? 0 : typeof err.code === 'number' ? err.code : err.killed ? null : 1;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Like runCommand, but an error unless the command exits 0. */
export async function mustRun(
  file: string,
  args: readonly string[],
  timeoutMs: number,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const result = await runCommand(file, args, timeoutMs, options);
  if (result.code !== 0) {
    throw new Error(
      `${file} ${args.join(' ')} failed (${String(result.code)}): ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result.stdout;
}

/** A synchronous command for cleanup steps: bounded, output ignored, the exit status returned. */
export function runSync(file: string, args: readonly string[], timeoutMs: number): number | null {
  return spawnSync(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', stdio: 'ignore' })
    .status;
}

/** Whether a process with this pid exists (signal 0). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends SIGTERM, waits up to `graceMs` (synchronously) for the exit, then SIGKILL. */
export function terminateSync(pid: number, graceMs: number, group = false): void {
  const target = group ? -pid : pid;
  try {
    process.kill(target, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isAlive(pid)) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // gone
  }
}

/** "12.3 s", "4.0 min" */
export function formatSeconds(seconds: number): string {
  return seconds >= 120 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(1)} s`;
}

export const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
