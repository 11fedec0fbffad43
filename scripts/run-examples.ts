/**
 * `npm run examples -- terraform|cdktf|pulumi|all`: runs an example of this repository end to end against a
 * fresh embedded emulator, with nothing to set up and nothing written into the repository.
 *
 * For each front end it starts a fresh emulator that offers Logto's official connector factories (SMTP,
 * GitHub, …), and for Terraform a loopback OpenID discovery server for the example's OIDC SSO connector; it
 * gives every variable a demo value; it works in a temporary directory (filesystem mirror of the provider,
 * Terraform's CLI config, `.terraform/`, the lock file, the state) that is removed afterwards; then it runs a
 * plan, an apply and a second plan that must be empty:
 *
 *   terraform  examples/terraform/main.tf: terraform init (offline, from the mirror), plan, apply, plan
 *   cdktf      examples/cdktf/main.ts: synthesize with tsx, then the same terraform steps in the stack
 *   pulumi     examples/pulumi/index.ts: no Pulumi CLI is needed; Pulumi's runtime runs the program in mock
 *              mode and each resource goes to Pulumi's dynamic-provider host over gRPC: Check + Create
 *              (up), then Check + Diff against the live tenant (preview); see scripts/pulumi-runner.mjs
 *
 * Exit code 0 when every chosen example converged (second plan empty), 1 otherwise.
 */
import { type SpawnOptions, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startIdp } from '../conformance/idp.js';
import { type RunningEmulator, startEmulator } from '../emulator/index.js';
import { terraformInstall } from '../provider/terraform/install.js';

const ROOT = resolve(import.meta.dirname, '..');
const FRONT_ENDS = ['terraform', 'cdktf', 'pulumi'] as const;
type FrontEnd = (typeof FRONT_ENDS)[number];

/**
 * Demo values for the required variables of examples/terraform/main.tf and of the CDKTF stack (the OIDC
 * issuer is the loopback discovery server's). A required variable missing here stops the run before
 * anything is written.
 */
const TERRAFORM_DEMO_VALUES: Record<string, string> = {
  hook_authorization: 'Bearer demo-only-hook-token',
  crm_webhook_token: 'demo-only-token',
  captcha_secret_key: 'demo-only-captcha-secret',
  smtp_password: 'demo-only-smtp-password',
  github_client_secret: 'demo-only-github-secret',
  breakglass_password: 'demo-only-Breakglass-2026',
  acme_oidc_client_secret: 'demo-only-oidc-secret',
};

/** Stack config of examples/pulumi (its secrets; the program warns and uses the same demo values if unset). */
const PULUMI_DEMO_CONFIG: Record<string, string> = {
  'logto-acme-shop:crmWebhookToken': 'demo-only-token',
  'logto-acme-shop:captchaSecretKey': 'demo-only-captcha-secret',
  'logto-acme-shop:smtpPassword': 'demo-only-smtp-password',
  'logto-acme-shop:githubClientSecret': 'demo-only-github-secret',
  'logto-acme-shop:breakglassPassword': 'demo-only-Breakglass-2026',
};

const bold = (s: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s);

/** The variables of a .tf file that have no default. */
export function requiredVariables(tf: string): string[] {
  const names: string[] = [];
  for (const match of tf.matchAll(/^variable "([^"]+)" \{([\s\S]*?)^\}/gm)) {
    if (!/^\s*default\s*=/m.test(match[2]!)) names.push(match[1]!);
  }
  return names;
}

/** Runs a command with inherited output; resolves with its exit code. */
function run(command: string, args: string[], options: SpawnOptions): Promise<number> {
  process.stdout.write(`${bold(`$ ${[command, ...args].join(' ')}`)}\n`);
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.on('error', fail);
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

/** Runs a step and fails unless it exits with one of `expected`. */
async function step(expected: number[], command: string, args: string[], options: SpawnOptions): Promise<void> {
  const code = await run(command, args, options);
  if (!expected.includes(code))
    throw new Error(`\`${command} ${args.join(' ')}\` exited ${code} (expected ${expected.join(' or ')})`);
}

function banner(frontEnd: FrontEnd, emulator: RunningEmulator): void {
  const line = '═'.repeat(78);
  process.stdout.write(
    `\n${bold(line)}\n${bold(`  examples/${frontEnd}: against a FRESH EMBEDDED EMULATOR at ${emulator.url}`)}\n` +
      `  (not a real Logto; official connector factories offered; demo values for every secret)\n${bold(line)}\n\n`,
  );
}

/** init, plan (changes expected), apply, plan again (must be empty) in `dir`. */
async function terraformSteps(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const options = { cwd: dir, env };
  await step([0], 'terraform', ['init', '-input=false', '-no-color'], options);
  await step(
    [2],
    'terraform',
    ['plan', '-input=false', '-detailed-exitcode', '-no-color', '-compact-warnings'],
    options,
  );
  await step([0], 'terraform', ['apply', '-input=false', '-auto-approve', '-no-color', '-compact-warnings'], options);
  process.stdout.write(`\n${bold('── plan again (must show no changes)')}\n`);
  await step(
    [0],
    'terraform',
    ['plan', '-input=false', '-detailed-exitcode', '-no-color', '-compact-warnings'],
    options,
  );
}

function terraformEnv(work: string, emulator: RunningEmulator): NodeJS.ProcessEnv {
  const installed = terraformInstall(join(work, 'mirror'));
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: installed.cliConfigFile,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_PLUGIN_CACHE_DIR: '',
    LOGTO_ENDPOINT: emulator.url,
    LOGTO_APP_ID: emulator.appId,
    LOGTO_APP_SECRET: emulator.appSecret,
  };
}

async function runTerraform(work: string, emulator: RunningEmulator): Promise<void> {
  const source = join(ROOT, 'examples', 'terraform', 'main.tf');
  const tf = readFileSync(source, 'utf8');
  const missing = requiredVariables(tf).filter((v) => v !== 'acme_oidc_issuer' && !(v in TERRAFORM_DEMO_VALUES));
  if (missing.length > 0)
    throw new Error(`scripts/run-examples.ts has no demo value for variable(s) ${missing.join(', ')}`);
  const idp = await startIdp();
  try {
    const dir = join(work, 'terraform');
    mkdirSync(dir);
    copyFileSync(source, join(dir, 'main.tf'));
    const env = terraformEnv(work, emulator);
    for (const [name, value] of Object.entries(TERRAFORM_DEMO_VALUES)) env[`TF_VAR_${name}`] = value;
    env.TF_VAR_acme_oidc_issuer = idp.issuer;
    process.stdout.write(`OIDC issuer of the SSO connector: ${idp.issuer} (a loopback discovery document)\n`);
    await terraformSteps(dir, env);
  } finally {
    await idp.close();
  }
}

async function runCdktf(work: string, emulator: RunningEmulator): Promise<void> {
  const outdir = join(work, 'cdktf.out');
  await step([0], process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'main.ts'], {
    cwd: join(ROOT, 'examples', 'cdktf'),
    env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
  });
  const stack = join(outdir, 'stacks', 'acme-shop');
  const synthesized = JSON.parse(readFileSync(join(stack, 'cdk.tf.json'), 'utf8')) as {
    variable?: Record<string, { default?: unknown }>;
  };
  const required = Object.entries(synthesized.variable ?? {}).filter(([, v]) => !('default' in v));
  const missing = required.map(([name]) => name).filter((name) => !(name in TERRAFORM_DEMO_VALUES));
  if (missing.length > 0)
    throw new Error(`scripts/run-examples.ts has no demo value for variable(s) ${missing.join(', ')}`);
  const env = terraformEnv(work, emulator);
  for (const [name, value] of Object.entries(TERRAFORM_DEMO_VALUES)) env[`TF_VAR_${name}`] = value;
  await terraformSteps(stack, env);
}

async function runPulumi(work: string, emulator: RunningEmulator): Promise<void> {
  // A Pulumi project with logto-iac installed (linked to this checkout), as `npm install logto-iac` would.
  const project = join(work, 'pulumi');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  symlinkSync(ROOT, join(project, 'node_modules', 'logto-iac'), 'dir');
  symlinkSync(join(ROOT, 'node_modules', '@pulumi'), join(project, 'node_modules', '@pulumi'), 'dir');
  writeFileSync(join(project, 'package.json'), '{ "name": "logto-acme-shop", "private": true }\n');
  for (const file of ['index.ts', 'tsconfig.json'])
    copyFileSync(join(ROOT, 'examples', 'pulumi', file), join(project, file));
  copyFileSync(join(ROOT, 'scripts', 'pulumi-runner.mjs'), join(project, 'runner.mjs'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOGTO_ENDPOINT: emulator.url,
    LOGTO_APP_ID: emulator.appId,
    LOGTO_APP_SECRET: emulator.appSecret,
    PULUMI_CONFIG: JSON.stringify(PULUMI_DEMO_CONFIG),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(Object.keys(PULUMI_DEMO_CONFIG)),
  };
  const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const statePath = join(work, 'pulumi-state.json');
  process.stdout.write(`${bold('── up (each resource through the dynamic-provider host: Check + Create)')}\n`);
  await step([0], process.execPath, [tsx, 'runner.mjs', 'up', statePath], { cwd: project, env });
  process.stdout.write(`\n${bold('── preview again (must show no changes)')}\n`);
  await step([0], process.execPath, [tsx, 'runner.mjs', 'preview', statePath], { cwd: project, env });
}

const RUNNERS: Record<FrontEnd, (work: string, emulator: RunningEmulator) => Promise<void>> = {
  terraform: runTerraform,
  cdktf: runCdktf,
  pulumi: runPulumi,
};

async function main(argv: string[]): Promise<number> {
  const wanted = argv.length === 0 || argv.includes('all') ? [...FRONT_ENDS] : argv;
  const unknown = wanted.filter((w) => !(FRONT_ENDS as readonly string[]).includes(w));
  if (unknown.length > 0) {
    process.stderr.write(
      `error: unknown example ${unknown.join(', ')}\nfix: npm run examples -- ${FRONT_ENDS.join('|')}|all\n`,
    );
    return 1;
  }
  const failed: string[] = [];
  for (const frontEnd of wanted as FrontEnd[]) {
    const work = mkdtempSync(join(tmpdir(), `logto-example-${frontEnd}-`));
    const emulator = await startEmulator({ port: 0, connectorFactories: true });
    banner(frontEnd, emulator);
    try {
      await RUNNERS[frontEnd](work, emulator);
      process.stdout.write(`\n${bold(`examples/${frontEnd}: applied, and the second plan is empty.`)}\n`);
    } catch (error) {
      process.stderr.write(`\nerror: examples/${frontEnd}: ${(error as Error).message}\n`);
      failed.push(frontEnd);
    } finally {
      await emulator.close();
      rmSync(work, { recursive: true, force: true });
    }
  }
  if (failed.length > 0) {
    process.stderr.write(`\nFailed: ${failed.join(', ')}\n`);
    return 1;
  }
  process.stdout.write(`\n${bold(`Done: ${wanted.join(', ')} converged against fresh emulators.`)}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
