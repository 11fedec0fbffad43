/**
 * Drives the built CLI (`node bin/logto-iac.js`) as a subprocess. The build is refreshed once per test file
 * when `dist/` is older than the sources (tsc emits even when another area's files do not type-check).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'logto-iac.js');
export const EXAMPLE = join(ROOT, 'examples', 'tenant.yaml');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export async function ensureBuilt(): Promise<void> {
  const main = join(ROOT, 'dist', 'provider', 'cli', 'main.js');
  const sources = Math.max(...['provider', 'resources', 'emulator'].map((d) => newestSource(join(ROOT, d))));
  if (existsSync(main) && statSync(main).mtimeMs >= sources) return;
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmitOnError', 'false'], {
    cwd: ROOT,
    env: process.env,
    timeoutMs: 240_000,
  });
  if (!existsSync(main)) throw new Error('the build did not produce dist/provider/cli/main.js');
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; input?: string },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${options.timeoutMs} ms: ${args.join(' ')}\n${stdout}\n${stderr}`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface Connection {
  url: string;
  appId: string;
  appSecret: string;
}

/** Runs the CLI with a clean environment: only PATH/HOME, NO_COLOR, the connection and `env`. */
export function cli(
  args: string[],
  options: { connection?: Connection; env?: Record<string, string>; cwd?: string } = {},
) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: '1',
    ...(options.connection
      ? {
          LOGTO_ENDPOINT: options.connection.url,
          LOGTO_APP_ID: options.connection.appId,
          LOGTO_APP_SECRET: options.connection.appSecret,
          LOGTO_REQUESTS_PER_SECOND: '0',
        }
      : {}),
    ...options.env,
  };
  return run(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, timeoutMs: 90_000 });
}
