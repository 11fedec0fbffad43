/**
 * Scenario 7: the soak. The emulator answers with a fault mix (FAULTS: 503 with Retry-After, 500, 429,
 * connection resets, creates that commit and then lose their response, latency) while an apply is killed
 * with SIGKILL at random moments; then it is run again, still under the faults, until it exits 0, and a plan
 * without faults must find nothing to do. Counted at the end, from the emulator's tables:
 *
 *   duplicates  objects of a desired name beyond the one wanted (must be 0)
 *   lost        desired objects that do not exist (must be 0)
 *   leaks       the secret canary (an `${env:…}` / sensitive variable in webhook headers) or a secret Logto
 *               generated (application secrets, webhook signing keys) found in any output: stdout and stderr
 *               of every run, and the CLI's state file (must be 0)
 *
 * Twice: `logto-iac apply --state` (the CLI killed) on SOAK_TENANT, and `terraform apply` on the scenario-3
 * configuration plus webhooks with a sensitive header (the plugin process killed, found through the
 * `LOGTO_IAC_NODE` wrapper). Kill moments come from a seeded PRNG, so a run is repeatable up to timing.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from '../dist/emulator/faults.js';
import { startEmulator } from '../dist/emulator/index.js';
import { terraformInstall } from '../dist/provider/terraform/install.js';
import { figure, judged, now, requestsWhere, round, runChild } from './lib.js';
import { fiftyResourceConfig, hasTerraform } from './terraform.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CANARY = 'soak-canary-7f3e9b21c4d8';
/** Killed runs before the runs that must converge. */
const KILLS = 6;
/** Runs allowed after the kills before the scenario gives up. */
const MAX_RUNS = 15;

/** The mix of the issue, as emulator fault rules (the first rule that fires decides a request). */
export const FAULTS = [
  { route: '*', method: '*', latencyMs: 3 },
  { route: '*', method: 'POST', fault: 'dropResponseAfterCommit', probability: 0.05 },
  { route: '*', method: '*', fault: 503, probability: 0.07, retryAfterSeconds: 1 },
  { route: '*', method: '*', fault: 500, probability: 0.03 },
  { route: '*', method: '*', fault: 429, probability: 0.07, retryAfterSeconds: 1 },
  { route: '*', method: '*', fault: 'reset', probability: 0.035 },
];

/** A 116-object tenant file: every kind with relations, app secrets, and webhooks carrying the canary. */
export function soakTenant() {
  const t = {
    version: 1,
    apiResources: {},
    roles: {},
    applications: {},
    organizationScopes: {},
    organizationRoles: {},
    organizations: {},
    hooks: {},
  };
  const apis = [0, 1, 2].map((i) => `https://soak${i}.bench.example`);
  for (const [i, api] of apis.entries()) {
    t.apiResources[api] = { name: `Soak API ${i}`, scopes: {} };
    for (let s = 0; s < 6; s++) t.apiResources[api].scopes[`soak:${i}:${s}`] = { description: `Scope ${s}` };
  }
  for (let r = 0; r < 24; r++) {
    const api = apis[r % 3];
    const m2m = r >= 20;
    t.roles[`soak-role-${r}`] = {
      description: `Soak role ${r}`,
      type: m2m ? 'MachineToMachine' : 'User',
      scopes: { [api]: [`soak:${r % 3}:${r % 6}`, `soak:${r % 3}:${(r + 1) % 6}`] },
    };
  }
  for (let a = 0; a < 20; a++) {
    const type = a < 8 ? 'SPA' : a < 14 ? 'Traditional' : 'MachineToMachine';
    const app = { name: `Soak app ${a}`, type };
    if (type !== 'MachineToMachine') app.redirectUris = [`https://app${a}.bench.example/callback`];
    if (type === 'Traditional') app.secrets = { [`soak-secret-${a}`]: {} };
    if (type === 'MachineToMachine') app.roles = [`soak-role-${20 + (a % 4)}`];
    t.applications[`soak-app-${a}`] = app;
  }
  for (let s = 0; s < 8; s++) t.organizationScopes[`soak:org:${s}`] = { description: `Org scope ${s}` };
  for (let r = 0; r < 6; r++) {
    t.organizationRoles[`soak-org-role-${r}`] = {
      description: `Org role ${r}`,
      organizationScopes: [`soak:org:${r}`, `soak:org:${r + 2}`],
      resourceScopes: { [apis[r % 3]]: [`soak:${r % 3}:${r}`] },
    };
  }
  for (let o = 0; o < 15; o++) {
    t.organizations[`soak-org-${o}`] = { name: `Soak org ${o}`, jitRoles: [`soak-org-role-${o % 6}`] };
  }
  for (let h = 0; h < 10; h++) {
    t.hooks[`soak-hook-${h}`] = {
      name: `Soak hook ${h}`,
      events: ['User.Created'],
      url: `https://hooks.bench.example/soak${h}`,
      headers: { Authorization: 'Bearer ${env:SOAK_CANARY}' },
    };
  }
  return t;
}

/** Names the emulator must hold exactly once each, per table, for a tenant file or a Terraform config. */
function expectedOfTenant(t) {
  const scopes = [];
  for (const [api, r] of Object.entries(t.apiResources))
    for (const s of Object.keys(r.scopes)) scopes.push(`${api} ${s}`);
  const secrets = [];
  for (const app of Object.values(t.applications))
    for (const s of Object.keys(app.secrets ?? {})) secrets.push(`${app.name} ${s}`);
  return {
    resources: Object.keys(t.apiResources),
    scopes,
    roles: Object.keys(t.roles),
    applications: Object.values(t.applications).map((a) => a.name),
    application_secrets: secrets,
    organization_scopes: Object.keys(t.organizationScopes),
    organization_roles: Object.keys(t.organizationRoles),
    organizations: Object.values(t.organizations).map((o) => o.name),
    hooks: Object.values(t.hooks).map((h) => h.name),
  };
}

/** The emulator's rows as comparable names (the same shapes as `expectedOfTenant`). */
function liveNames(emulator) {
  const tables = emulator.state.tables;
  const rows = (name) => Object.values(tables[name] ?? {});
  const resources = tables.resources ?? {};
  const apps = tables.applications ?? {};
  return {
    resources: rows('resources').map((r) => r.indicator),
    scopes: rows('scopes').map((s) => `${resources[s.resourceId]?.indicator} ${s.name}`),
    roles: rows('roles').map((r) => r.name),
    applications: rows('applications').map((a) => a.name),
    application_secrets: rows('application_secrets').map((s) => `${apps[s.applicationId]?.name} ${s.name}`),
    organization_scopes: rows('organization_scopes').map((s) => s.name),
    organization_roles: rows('organization_roles').map((r) => r.name),
    organizations: rows('organizations').map((o) => o.name),
    hooks: rows('hooks').map((h) => h.name),
  };
}

/** Duplicates and lost objects: each expected name must be held by exactly one live row. */
function census(emulator, expected) {
  const live = liveNames(emulator);
  let duplicates = 0;
  let lost = 0;
  const problems = [];
  for (const [table, names] of Object.entries(expected)) {
    const counts = new Map();
    for (const n of live[table]) counts.set(n, (counts.get(n) ?? 0) + 1);
    for (const name of names) {
      const c = counts.get(name) ?? 0;
      if (c === 0) {
        lost++;
        problems.push(`${table} "${name}" missing`);
      } else if (c > 1) {
        duplicates += c - 1;
        problems.push(`${table} "${name}" ×${c}`);
      }
    }
  }
  return { duplicates, lost, problems };
}

/** Secret values Logto generated: application secrets and webhook signing keys. */
function generatedSecrets(emulator) {
  const tables = emulator.state.tables;
  return [
    ...Object.values(tables.application_secrets ?? {}).map((s) => s.value),
    ...Object.values(tables.applications ?? {}).map((a) => a.secret),
    ...Object.values(tables.hooks ?? {}).map((h) => h.signingKey),
  ].filter((v) => typeof v === 'string' && v.length >= 8);
}

function countLeaks(texts, secrets) {
  let leaks = 0;
  for (const text of texts) for (const s of secrets) if (text.includes(s)) leaks++;
  return leaks;
}

/**
 * The loop both halves share: KILLS runs of `apply` each killed after a random moment within `window` ms,
 * then runs until one exits 0 (at most MAX_RUNS), then `verify()` without faults.
 */
async function soakLoop({ emulator, apply, verify, window, seed, log }) {
  const random = prng(seed);
  const outputs = [];
  const runs = [];
  emulator.setFaults({ seed, rules: FAULTS });
  emulator.resetStats();
  for (let k = 0; k < KILLS; k++) {
    const at = Math.round(window[0] + random() * (window[1] - window[0]));
    const r = await apply(at);
    outputs.push(r.stdout, r.stderr);
    runs.push({ killAfterMs: at, killed: r.killed, code: r.code });
  }
  let converged = false;
  while (runs.length < KILLS + MAX_RUNS) {
    const r = await apply(undefined);
    outputs.push(r.stdout, r.stderr);
    runs.push({ code: r.code, error: r.code === 0 ? undefined : lastLine(r.stderr || r.stdout) });
    if (r.code === 0) {
      converged = true;
      break;
    }
  }
  const stats = emulator.stats();
  emulator.setFaults([]);
  const check = await verify();
  outputs.push(check.stdout, check.stderr);
  log(`  ${runs.length} runs (${runs.filter((r) => r.killed).length} killed), final plan exit ${check.code}`);
  return { runs, converged, check, outputs, stats };
}

const lastLine = (text) =>
  text
    .trim()
    .split('\n')
    .filter((l) => l.trim())
    .slice(-3)
    .join(' | ')
    .slice(0, 300);

/** The faults the emulator injected, as counts and shares (commit-then-drop: of the POSTs, the rest: of all). */
function injected(stats) {
  const s = stats.byStatus;
  const posts = requestsWhere(stats, (route) => route.startsWith('POST ') && route !== 'POST /oidc/token');
  const share = (n, of) => `${n} (${round((100 * n) / Math.max(1, of), 1)} %)`;
  const all = (key) => share(s[key] ?? 0, stats.total);
  return `${stats.total} requests: 503 ${all('503')}, 500 ${all('500')}, 429 ${all('429')}, resets ${all('reset')}, commit-then-drop ${share(s.dropped ?? 0, posts)} of ${posts} POSTs`;
}

/** Creates whose answer was lost (commit-then-drop, or a kill) that a later step found instead of repeating. */
function recoveries(outputs) {
  const text = outputs.join('\n').replace(/\s+/g, ' ');
  return (text.match(/create response was lost; found|adopted it instead of creating it again/g) ?? []).length;
}

function figuresOf(S, what, result, census, leaks) {
  const afterKills = result.runs.length - KILLS;
  return [
    figure(S, `${what}: runs to converge after ${KILLS} killed runs`, result.converged ? afterKills : 'never', 'runs', {
      note: `${result.runs.filter((r) => r.killed).length} of ${KILLS} kill attempts landed mid-run; ${injected(result.stats)}; ${recoveries(result.outputs)} lost creates found again`,
    }),
    judged(
      S,
      `${what}: converged (final plan without faults finds no changes)`,
      result.converged && result.check.code === 0 ? 1 : 0,
      '',
      {
        op: '>=',
        value: 1,
      },
    ),
    judged(S, `${what}: duplicates`, census.duplicates, 'objects', { op: '<=', value: 0 }),
    judged(S, `${what}: objects lost`, census.lost, 'objects', { op: '<=', value: 0 }),
    judged(S, `${what}: secrets in any output`, leaks, 'occurrences', { op: '<=', value: 0 }),
  ];
}

async function cliSoak(log) {
  const S = '7 soak';
  const emulator = await startEmulator({ port: 0, seed: 'bench-soak-cli' });
  const work = mkdtempSync(join(tmpdir(), 'logto-bench-soak-'));
  try {
    const tenant = soakTenant();
    const file = join(work, 'tenant.json');
    writeFileSync(file, JSON.stringify(tenant, null, 2));
    const state = join(work, 'state.json');
    const env = {
      PATH: process.env.PATH,
      HOME: work,
      LOGTO_ENDPOINT: emulator.url,
      LOGTO_APP_ID: emulator.appId,
      LOGTO_APP_SECRET: emulator.appSecret,
      SOAK_CANARY: CANARY,
      NO_COLOR: '1',
    };
    const cli = join(root, 'bin', 'logto-iac.js');
    log('CLI: apply killed at random moments under the fault mix, then rerun until it converges…');
    const result = await soakLoop({
      emulator,
      seed: 'soak-cli',
      window: [300, 3000],
      log,
      apply: (killAfterMs) =>
        runChild(process.execPath, [cli, 'apply', file, '--state', state, '--auto-approve'], {
          cwd: work,
          env,
          killAfterMs,
        }),
      verify: () => runChild(process.execPath, [cli, 'plan', file, '--state', state], { cwd: work, env }),
    });
    const c = census(emulator, expectedOfTenant(tenant));
    const stateText = existsSync(state) ? readFileSync(state, 'utf8') : '';
    const leaks = countLeaks([...result.outputs, stateText], [CANARY, ...generatedSecrets(emulator)]);
    return {
      figures: figuresOf(S, 'CLI apply (116 objects)', result, c, leaks),
      details: { runs: result.runs, problems: c.problems, finalPlan: lastLine(result.check.stdout) },
    };
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** The scenario-3 configuration plus webhooks whose header carries the canary through a sensitive variable. */
function soakConfig() {
  const hooks = [];
  for (let i = 0; i < 6; i++) {
    hooks.push(
      `resource "logto_hook" "soak${i}" {\n  name    = "tf-soak-hook-${i}"\n  events  = ["User.Created"]\n  url     = "https://hooks.bench.example/soak${i}"\n  headers = jsonencode({ Authorization = "Bearer \${var.canary}" })\n}\n`,
    );
  }
  return `${fiftyResourceConfig()}\nvariable "canary" {\n  type      = string\n  sensitive = true\n}\n\n${hooks.join('\n')}`;
}

function expectedOfConfig(config) {
  const names = (type) =>
    [
      ...config.matchAll(
        new RegExp(`resource "${type}" "[^"]+" \\{\\n\\s+(?:resource_id[^\\n]*\\n\\s+)?name\\s+= "([^"]+)"`, 'g'),
      ),
    ].map((m) => m[1]);
  return {
    resources: [...config.matchAll(/indicator = "([^"]+)"/g)].map((m) => m[1]),
    scopes: names('logto_api_resource_scope').map((n) => `https://tf.bench.example ${n}`),
    roles: names('logto_role'),
    applications: names('logto_application'),
    organization_scopes: names('logto_organization_scope'),
    organization_roles: names('logto_organization_role'),
    hooks: names('logto_hook'),
  };
}

/** Resolves at the next write request the emulator sees (or when `done()` turns true). */
async function firstWrite(emulator, done) {
  const writes = () =>
    requestsWhere(emulator.stats(), (route) => !route.startsWith('GET ') && route !== 'POST /oidc/token');
  const before = writes();
  while (!done() && writes() === before) await new Promise((r) => setTimeout(r, 10));
}

async function terraformSoak(log) {
  const S = '7 soak';
  const emulator = await startEmulator({ port: 0, seed: 'bench-soak-tf' });
  const work = mkdtempSync(join(tmpdir(), 'logto-bench-soak-tf-'));
  try {
    // The bundles and the launcher, always: the plugin is found through the Node wrapper the launcher runs
    // (LOGTO_IAC_NODE), which an executable in dist/sea (a `npm run build:sea` here) would bypass, and then
    // no kill would land.
    const installed = terraformInstall(join(work, 'mirror'), {
      bundle: join(root, 'dist', 'terraform-provider-logto.cjs'),
    });
    const pids = join(work, 'plugin-pids');
    const nodeWrapper = join(work, 'node-recording');
    writeFileSync(nodeWrapper, `#!/bin/sh\necho $$ >> "${pids}"\nexec "${process.execPath}" "$@"\n`);
    chmodSync(nodeWrapper, 0o755);
    const cfgDir = join(work, 'config');
    for (const dir of [cfgDir, join(work, 'home'), join(work, 'sockets')]) mkdirSync(dir);
    const config = soakConfig();
    writeFileSync(join(cfgDir, 'main.tf'), config);
    const env = {
      PATH: process.env.PATH,
      HOME: join(work, 'home'),
      TF_CLI_CONFIG_FILE: installed.cliConfigFile,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      TF_VAR_canary: CANARY,
      LOGTO_ENDPOINT: emulator.url,
      LOGTO_APP_ID: emulator.appId,
      LOGTO_APP_SECRET: emulator.appSecret,
      LOGTO_IAC_NODE: nodeWrapper,
      PLUGIN_UNIX_SOCKET_DIR: join(work, 'sockets'),
    };
    const init = await runChild('terraform', ['init', '-input=false', '-no-color'], { cwd: cfgDir, env });
    if (init.code !== 0) throw new Error(`terraform init exited ${init.code}: ${init.stderr.slice(-800)}`);
    /** The newest plugin process still alive: the one serving the apply. */
    const newestPlugin = () => {
      const list = existsSync(pids) ? readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number) : [];
      for (const pid of list.reverse()) {
        try {
          process.kill(pid, 0);
          return pid;
        } catch {
          // exited
        }
      }
      return undefined;
    };
    log('Terraform: apply with the plugin killed at random moments under the fault mix, then rerun…');
    const result = await soakLoop({
      emulator,
      seed: 'soak-tf',
      window: [0, 1000],
      log,
      apply: (killAfterMs) =>
        runChild('terraform', ['apply', '-input=false', '-no-color', '-auto-approve'], {
          cwd: cfgDir,
          env,
          killAfterMs,
          victim: newestPlugin,
          // Terraform plans before it applies: the moment is counted from the apply's first write.
          from: (done) => firstWrite(emulator, done),
        }),
      verify: () =>
        runChild('terraform', ['plan', '-input=false', '-no-color', '-detailed-exitcode'], { cwd: cfgDir, env }),
    });
    const c = census(emulator, expectedOfConfig(config));
    // Terraform keeps sensitive values in its state in clear (its design), so only outputs are searched.
    const leaks = countLeaks(result.outputs, [CANARY, ...generatedSecrets(emulator)]);
    return {
      figures: figuresOf(S, 'terraform apply (56 resources)', result, c, leaks),
      details: { runs: result.runs, problems: c.problems, finalPlan: lastLine(result.check.stdout) },
    };
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}

export async function soak(log) {
  const t0 = now();
  const cli = await cliSoak(log);
  const figures = [...cli.figures];
  const details = { cli: cli.details };
  if (await hasTerraform()) {
    const tf = await terraformSoak(log);
    figures.push(...tf.figures);
    details.terraform = tf.details;
  } else {
    figures.push(figure('7 soak', 'terraform apply', 'skipped: terraform not on PATH', ''));
  }
  details.faultRules = FAULTS;
  details.seconds = round((now() - t0) / 1000, 1);
  return { figures, details };
}
