/** Bounded waits and child processes for tests: every wait on a process, socket or call has a time limit. */
import { execFile } from 'node:child_process';

/** `promise`, or a rejection naming `what` once `ms` have passed (the timer is cleared either way). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout, then stderr. */
  out: string;
}

/**
 * Runs a command to its end, killed after `timeoutMs`; a code of -1 means it did not exit by itself (killed,
 * or not started).
 */
export function exec(
  file: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr, out: `${stdout}${stderr}` });
      },
    );
  });
}
