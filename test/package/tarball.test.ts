/**
 * The npm package as users get it: `npm pack` of the built repository, installed offline into a fresh project
 * outside the repository (see consumer.ts), then used the way the README says: the CLI through `npx`, the
 * emulator command, the Pulumi and CDKTF entry points from TypeScript with their types, the editor schemas
 * and the Terraform mirror install. Needs `npm run build` first (as `npm test` does).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS bench module without types
import { PACKAGE_BUDGET } from '../../bench/package.js';
import { consumerProject, type PackResult, packRepository, ROOT, writeConsumer } from './consumer.js';

const budget = PACKAGE_BUDGET as { packedBytes: number; unpackedBytes: number; files: number };
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let work: string;
let project: string;
let tarball: PackResult;

/** The environment of a user's shell: no LOGTO_* of this process, npm offline, no colours. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('LOGTO_') && !k.startsWith('npm_')) env[k] = v;
  return { ...env, npm_config_offline: 'true', NO_COLOR: '1', CI: 'true', ...extra };
}

function npx(args: string[], extra: Record<string, string> = {}) {
  const run = spawnSync('npx', ['--no-install', 'logto-iac', ...args], {
    cwd: project,
    env: userEnv(extra),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const TENANT = `roles:
  reader:
    description: Reads orders
applications:
  orders-worker:
    type: MachineToMachine
`;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'provider', 'cli', 'main.js')))
    throw new Error('dist/ is missing: run `npm run build` before this test');
  work = mkdtempSync(join(tmpdir(), 'logto-iac-tarball-'));
  tarball = packRepository(work);
  project = join(work, 'consumer');
  mkdirSync(project);
  writeConsumer(project, consumerProject(tarball, ['@pulumi/pulumi', 'cdktf', 'constructs', 'typescript']));
  const install = spawnSync('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: project,
    env: userEnv(),
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (install.status !== 0) throw new Error(`npm ci --offline of the tarball failed:\n${install.stderr}`);
  writeFileSync(join(project, 'tenant.yaml'), TENANT);
  process.stdout.write(
    `logto-iac tarball: ${tarball.packedBytes} B packed, ${tarball.unpackedBytes} B unpacked, ${tarball.files.length} files\n`,
  );
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the npm tarball', () => {
  it('holds what users run and nothing of the repository besides (no sources, tests, maps)', () => {
    const files = tarball.files;
    for (const needed of [
      'bin/logto-iac.js',
      'bin/terraform-provider-logto.js',
      'dist/provider/cli/main.js',
      'dist/provider/pulumi/index.d.ts',
      'dist/provider/cdktf/index.d.ts',
      'dist/terraform-provider-logto.cjs',
      'dist/terraform-provider-logto-core.cjs',
      'schema/tenant.schema.json',
      'schema/tenant-overlay.schema.json',
      'schema/plan.schema.json',
      'schema/management.openapi.json',
    ])
      expect(files).toContain(needed);
    const stray = files.filter(
      (f) =>
        f.endsWith('.map') ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
        /^(test|bench|examples|scripts|provider|resources|emulator|docs|conformance|dist\/(test|bench|conformance|schema|sea))\//.test(
          f,
        ),
    );
    expect(stray).toEqual([]);
  });

  it('stays within the size budget bench/README.md justifies', () => {
    expect(tarball.packedBytes).toBeLessThanOrEqual(budget.packedBytes);
    expect(tarball.unpackedBytes).toBeLessThanOrEqual(budget.unpackedBytes);
    expect(tarball.files.length).toBeLessThanOrEqual(budget.files);
  });
});

describe('installed from the tarball into an empty project', () => {
  it('npx logto-iac --version prints the package version', () => {
    const run = npx(['--version']);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(version);
    expect(run.status).toBe(0);
  });

  it('validate, and plan against the embedded emulator (exit 2 = changes)', () => {
    expect(npx(['validate', 'tenant.yaml']).status).toBe(0);
    const plan = npx(['plan', 'tenant.yaml', '--emulator']);
    expect(plan.stdout).toContain('+ create   Role.reader');
    expect(plan.stdout).toContain('Plan: 2 to create, 0 to update, 0 to replace, 0 to delete.');
    expect(plan.status).toBe(2);
  });

  it('logto-iac emulator serves a tenant that apply writes, plan then finds nothing, export points at the schema', async () => {
    const emulator: ChildProcess = spawn(
      join(project, 'node_modules', '.bin', 'logto-iac'),
      ['emulator', '--port', '0'],
      {
        cwd: project,
        env: userEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => emulator.on('exit', (code) => resolve(code)));
    try {
      let out = '';
      const vars = await new Promise<Record<string, string>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no credentials printed: ${out}`)), 30_000);
        emulator.stdout?.on('data', (d) => {
          out += String(d);
          const found = Object.fromEntries([...out.matchAll(/^export (LOGTO_\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
          if (found.LOGTO_ENDPOINT && found.LOGTO_APP_ID && found.LOGTO_APP_SECRET) {
            clearTimeout(timer);
            resolve(found as Record<string, string>);
          }
        });
        emulator.on('exit', (code) => reject(new Error(`emulator exited (${code}): ${out}`)));
      });
      expect(vars.LOGTO_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const apply = npx(['apply', 'tenant.yaml', '--auto-approve'], vars);
      expect(apply.stderr).not.toMatch(/error/i);
      expect(apply.status).toBe(0);
      const again = npx(['plan', 'tenant.yaml'], vars);
      expect(again.stdout).toMatch(/no changes/i);
      expect(again.status).toBe(0);

      const exported = npx(['export', '--out', 'exported.yaml'], vars);
      expect(exported.status).toBe(0);
      const text = readFileSync(join(project, 'exported.yaml'), 'utf8');
      expect(text).toMatch(/^roles:\n {2}reader:/m);
      const header = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)?.[1];
      expect(header).toBe('./node_modules/logto-iac/schema/tenant.schema.json');
      const schema = JSON.parse(readFileSync(join(project, header as string), 'utf8')) as {
        properties: Record<string, unknown>;
      };
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['roles', 'applications']));
    } finally {
      emulator.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 180_000);

  it("'logto-iac/pulumi' and 'logto-iac/cdktf' type-check with their types and run (a CDKTF synth)", () => {
    const src = join(project, 'src');
    mkdirSync(src, { recursive: true });
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          outDir: 'out',
          types: [],
        },
        include: ['src'],
      }),
    );
    writeFileSync(
      join(src, 'main.ts'),
      `import { App, TerraformStack } from 'cdktf';
import { LogtoProvider, Role as TerraformRole } from 'logto-iac/cdktf';
import { Role, type RoleArgs } from 'logto-iac/pulumi';
import { startEmulator } from 'logto-iac/emulator';

export const args: RoleArgs = { name: 'reader', description: 'Reads orders', type: 'User' };
export const pulumiRole: typeof Role = Role;
export const emulator: typeof startEmulator = startEmulator;

/** Never called: each line must be a type error, which proves the types are real (not \`any\`). */
export function typeErrors(stack: TerraformStack): void {
  // @ts-expect-error a role's type is 'User' or 'MachineToMachine'
  const wrong: RoleArgs = { name: 'x', description: 'y', type: 'Admin' };
  // @ts-expect-error a CDKTF role needs its description
  new TerraformRole(stack, 'broken', { name: 'x' });
  void wrong;
}

const app = new App({ outdir: process.argv[2] ?? 'cdktf.out' });
const stack = new TerraformStack(app, 'consumer');
new LogtoProvider(stack, 'logto');
new TerraformRole(stack, 'reader', { name: args.name as string, description: 'Reads orders' });
app.synth();
`,
    );
    const tsc = spawnSync(join(project, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
      cwd: project,
      env: userEnv(),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(tsc.stdout).toBe('');
    expect(tsc.status).toBe(0);

    const outdir = join(project, 'cdktf.out');
    const run = spawnSync(process.execPath, [join(project, 'out', 'main.js'), outdir], {
      cwd: project,
      env: userEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const synth = JSON.parse(readFileSync(join(outdir, 'stacks', 'consumer', 'cdk.tf.json'), 'utf8')) as {
      resource: Record<string, Record<string, { name: string }>>;
      terraform: { required_providers: Record<string, { source: string }> };
    };
    expect(synth.resource.logto_role?.reader?.name).toBe('reader');
    expect(synth.terraform.required_providers.logto?.source).toMatch(/(^|\/)logto-io\/logto$/);
  }, 240_000);

  it('terraform-install writes a filesystem mirror with the bundled plugin', () => {
    const run = npx(['terraform-install', 'mirror']);
    expect(run.status).toBe(0);
    const rc = readFileSync(join(project, 'mirror', 'terraform.rc'), 'utf8');
    expect(rc).toContain(join(project, 'mirror'));
    const provider = join(project, 'mirror', 'registry.terraform.io', 'logto-io', 'logto', version);
    expect(existsSync(provider)).toBe(true);
    expect(relative(project, provider)).not.toMatch(/^\.\./);
  });
});
