/**
 * logto-iac as a git dependency (`npm install github:<owner>/logto-iac#<ref>`): npm clones the repository,
 * installs its dev dependencies in the clone and runs `prepare` (the build), then installs what `files` lists.
 * Without `prepare` the install had no dist/ and `npx logto-iac` failed with ERR_MODULE_NOT_FOUND.
 *
 * The dependency is this checkout's committed HEAD (uncommitted changes are not part of what npm clones),
 * installed offline from a lockfile as in tarball.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, ROOT, writeConsumer } from './consumer.js';

const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
const inGit = head.status === 0;
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let work: string;
let project: string;

function env(): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('LOGTO_') && !k.startsWith('npm_')) out[k] = v;
  return { ...out, npm_config_offline: 'true', NO_COLOR: '1' };
}

beforeAll(() => {
  if (!inGit) return;
  work = mkdtempSync(join(tmpdir(), 'logto-iac-gitdep-'));
  project = join(work, 'consumer');
  mkdirSync(project);
  const url = `git+file://${ROOT}#${head.stdout.trim()}`;
  // The lockfile of the tarball project, with the git URL in place of the tarball (npm ci needs no integrity).
  const consumer = consumerProject({ file: url, packedBytes: 0, unpackedBytes: 0, files: [], integrity: '' }, []);
  const spec = { 'logto-iac': url };
  Object.assign(consumer.manifest, { dependencies: spec });
  Object.assign(consumer.lockfile.packages[''] as object, { dependencies: spec });
  const entry = consumer.lockfile.packages['node_modules/logto-iac'] as { resolved?: string; integrity?: string };
  entry.resolved = url;
  delete entry.integrity;
  writeConsumer(project, consumer);
  writeFileSync(join(project, 'tenant.yaml'), 'roles:\n  reader:\n    description: Reads orders\n');
  const install = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], {
    cwd: project,
    env: env(),
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (install.status !== 0) throw new Error(`npm ci of the git dependency failed:\n${install.stderr}`);
}, 660_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!inGit)('installed as a git dependency', () => {
  it('has dist/ built by prepare, and only what files lists', () => {
    const pkg = join(project, 'node_modules', 'logto-iac');
    expect(existsSync(join(pkg, 'dist', 'provider', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'terraform-provider-logto.cjs'))).toBe(true);
    expect(readdirSync(pkg).sort()).toEqual(['README.md', 'bin', 'dist', 'package.json', 'schema']);
    expect(readdirSync(join(pkg, 'dist')).filter((f) => f.endsWith('.map') || f === 'conformance')).toEqual([]);
  });

  it('npx logto-iac runs: --version, and a plan against the embedded emulator', () => {
    const run = (args: string[]) =>
      spawnSync('npx', ['--no-install', 'logto-iac', ...args], { cwd: project, env: env(), encoding: 'utf8' });
    const v = run(['--version']);
    expect(v.stderr).toBe('');
    expect(v.stdout.trim()).toBe(version);
    const plan = run(['plan', 'tenant.yaml', '--emulator']);
    expect(plan.stdout).toContain('+ create   Role.reader');
    expect(plan.status).toBe(2);
  });
});
