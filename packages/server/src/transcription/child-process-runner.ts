// Running an engine's command-line program: bounded in time, killed on abort, output collected.
import { spawn } from 'node:child_process';
import { AppError } from '../errors.js';

export interface RunOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Standard output beyond this is an error rather than memory growing without bound. */
  readonly maxStdoutBytes?: number;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

const STDERR_KEPT = 4000;

/**
 * Runs `command args` and resolves with its output when it exits with 0. Rejects with the signal's
 * reason when aborted, and with an AppError when it cannot start, fails, exceeds the time limit or
 * prints too much; in every case the process has been sent SIGKILL if it was still running.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const { signal } = options;
  const maxStdout = options.maxStdoutBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(asError(signal.reason));
      return;
    }
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: unknown = null;
    const stop = (why: unknown): void => {
      if (failure === null) failure = why;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const onAbort = (): void => stop(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () =>
        stop(
          new AppError(
            'INTERNAL',
            `${command} took longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped`,
          ),
        ),
      options.timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) {
        stop(new AppError('INTERNAL', `${command} printed more than ${maxStdout} bytes`));
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      stop(
        new AppError(
          'TRANSCRIBER_UNAVAILABLE',
          error.code === 'ENOENT'
            ? `${command} is not installed (not found on PATH)`
            : `${command} could not start: ${error.message}`,
        ),
      );
    });
    child.on('close', (code, killedBy) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (failure !== null) {
        reject(asError(failure));
      } else if (code !== 0) {
        const last = stderr.trim().split('\n').slice(-3).join(' | ');
        reject(
          new AppError(
            'INTERNAL',
            `${command} failed (${killedBy ?? `exit ${String(code)}`})${last ? `: ${last}` : ''}`,
          ),
        );
      } else {
        resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr });
      }
    });
  });
}

/** An abort reason as thrown: the caller's own Error object, or one wrapping what they gave. */
function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
