/**
 * Scenario 3: the Terraform plugin's start-up (spawn → handshake line of the bundled plugin vs. `node -e 0`,
 * median of 20 each, interleaved) and the real `terraform` on a 50-resource configuration: `init`, `plan`
 * of the fresh config, `apply`, and `plan` again (refreshing 50 objects), each with its wall time and the
 * number of plugin launches (counted by a Node wrapper the launcher runs through `LOGTO_IAC_NODE`).
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../dist/emulator/index.js';
import { makeServerCertificate } from '../dist/provider/terraform/cert.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../dist/provider/terraform/handshake.js';
import { terraformInstall } from '../dist/provider/terraform/install.js';
import { bundleTerraform } from '../scripts/bundle-terraform.mjs';
import { apiCounts, figure, judged, median, now, round, withTimeout } from './lib.js';

const RUNS = 20;

/** ms from spawn to the child's exit. */
function timeNodeBoot() {
  return withTimeout(
    new Promise((resolve, reject) => {
      const t0 = now();
      const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', () => resolve(now() - t0));
    }),
    15_000,
    'node -e 0',
  );
}

/** ms from spawn to the plugin's handshake line on stdout; the plugin is then killed. */
function timeHandshake(bundle, env) {
  return withTimeout(
    new Promise((resolve, reject) => {
      const t0 = now();
      const child = spawn(process.execPath, [bundle], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let done = false;
      child.stderr.on('data', (d) => {
        err += d;
      });
      child.stdout.on('data', (d) => {
        out += d;
        if (!done && out.includes('\n')) {
          done = true;
          const ms = now() - t0;
          const line = out.slice(0, out.indexOf('\n'));
          child.kill('SIGKILL');
          if (!/^1\|6\|(unix|tcp)\|[^|]+\|grpc\|/.test(line)) reject(new Error(`unexpected handshake line: ${line}`));
          else resolve(ms);
        }
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        if (!done) reject(new Error(`plugin exited (${code}) before the handshake: ${err.slice(-500)}`));
      });
    }),
    15_000,
    'plugin handshake',
  );
}

/** A 50-resource configuration: an API with 10 scopes, 15 roles, 10 apps, 5 org scopes, 5 org roles, 4 hooks. */
export function fiftyResourceConfig() {
  const blocks = [
    'terraform {\n  required_providers {\n    logto = { source = "logto-io/logto" }\n  }\n}\n',
    'provider "logto" {}\n',
    'resource "logto_api_resource" "api" {\n  name      = "Bench TF API"\n  indicator = "https://tf.bench.example"\n}\n',
  ];
  for (let i = 0; i < 10; i++) {
    blocks.push(
      `resource "logto_api_resource_scope" "s${i}" {\n  resource_id = logto_api_resource.api.id\n  name        = "tf:scope${i}"\n  description = "Scope ${i}"\n}\n`,
    );
  }
  for (let i = 0; i < 15; i++) {
    blocks.push(
      `resource "logto_role" "r${i}" {\n  name        = "tf-role-${i}"\n  description = "Role ${i}"\n  scope_ids   = [logto_api_resource_scope.s${i % 10}.id, logto_api_resource_scope.s${(i + 3) % 10}.id]\n}\n`,
    );
  }
  for (let i = 0; i < 10; i++) {
    blocks.push(
      i < 5
        ? `resource "logto_application" "a${i}" {\n  name          = "TF SPA ${i}"\n  type          = "SPA"\n  redirect_uris = ["https://tf${i}.bench.example/callback"]\n}\n`
        : `resource "logto_application" "a${i}" {\n  name = "TF worker ${i}"\n  type = "MachineToMachine"\n}\n`,
    );
  }
  for (let i = 0; i < 5; i++) {
    blocks.push(`resource "logto_organization_scope" "os${i}" {\n  name = "tf:org-scope-${i}"\n}\n`);
  }
  for (let i = 0; i < 5; i++) {
    blocks.push(
      `resource "logto_organization_role" "or${i}" {\n  name                   = "tf-org-role-${i}"\n  organization_scope_ids = [logto_organization_scope.os${i}.id]\n}\n`,
    );
  }
  for (let i = 0; i < 4; i++) {
    blocks.push(
      `resource "logto_hook" "h${i}" {\n  name   = "tf-hook-${i}"\n  events = ["User.Created"]\n  url    = "https://hooks.bench.example/tf${i}"\n}\n`,
    );
  }
  return blocks.join('\n');
}

function terraform(args, cwd, env) {
  return new Promise((resolve) => {
    const t0 = now();
    execFile(
      'terraform',
      args,
      { cwd, env, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (error.code ?? 1) : 0, ms: now() - t0, stdout, stderr });
      },
    );
  });
}

function hasTerraform() {
  return new Promise((resolve) => {
    execFile('terraform', ['version'], { timeout: 20_000 }, (error) => resolve(!error));
  });
}

export async function terraformStartup(log) {
  const S = '3 terraform';
  const work = mkdtempSync(join(tmpdir(), 'logto-bench-tf-'));
  const figures = [];
  try {
    log('bundling the plugin (scripts/bundle-terraform.mjs)…');
    const bundle = join(work, 'terraform-provider-logto.cjs');
    await bundleTerraform(bundle);
    const sockets = join(work, 'sockets');
    mkdirSync(sockets);
    const clientCert = makeServerCertificate();
    const pluginEnv = {
      PATH: process.env.PATH,
      HOME: work,
      [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
      PLUGIN_CLIENT_CERT: clientCert.certPem,
      PLUGIN_UNIX_SOCKET_DIR: sockets,
    };
    log(`start-up: ${RUNS} × node -e 0 and ${RUNS} × plugin spawn → handshake, interleaved…`);
    await timeNodeBoot(); // warm the file cache for both
    await timeHandshake(bundle, pluginEnv);
    const boot = [];
    const handshake = [];
    for (let i = 0; i < RUNS; i++) {
      boot.push(await timeNodeBoot());
      handshake.push(await timeHandshake(bundle, pluginEnv));
    }
    const bootMs = median(boot);
    const handshakeMs = median(handshake);
    figures.push(
      figure(S, 'node -e 0 (median of 20)', round(bootMs, 1), 'ms'),
      figure(S, 'plugin spawn → handshake (median of 20)', round(handshakeMs, 1), 'ms', {
        note: `min ${round(Math.min(...handshake), 1)}, max ${round(Math.max(...handshake), 1)}`,
      }),
      judged(S, 'handshake ÷ node boot', round(handshakeMs / bootMs, 3), '×', { op: '<=', value: 1.5 }),
    );

    if (!(await hasTerraform())) {
      figures.push(figure(S, 'terraform plan (50 resources)', 'skipped: terraform not on PATH', ''));
      return { figures };
    }
    const emulator = await startEmulator({ port: 0, seed: 'bench-terraform' });
    try {
      const installed = terraformInstall(join(work, 'mirror'), { bundle });
      const launches = join(work, 'launches.log');
      const nodeWrapper = join(work, 'node-counting');
      writeFileSync(nodeWrapper, `#!/bin/sh\necho launch >> "${launches}"\nexec "${process.execPath}" "$@"\n`);
      chmodSync(nodeWrapper, 0o755);
      const cfgDir = join(work, 'config');
      mkdirSync(cfgDir);
      writeFileSync(join(cfgDir, 'main.tf'), fiftyResourceConfig());
      const env = {
        PATH: process.env.PATH,
        HOME: work,
        TF_CLI_CONFIG_FILE: installed.cliConfigFile,
        CHECKPOINT_DISABLE: '1',
        TF_IN_AUTOMATION: '1',
        LOGTO_ENDPOINT: emulator.url,
        LOGTO_APP_ID: emulator.appId,
        LOGTO_APP_SECRET: emulator.appSecret,
        LOGTO_IAC_NODE: nodeWrapper,
        PLUGIN_UNIX_SOCKET_DIR: sockets,
      };
      const countLaunches = () =>
        existsSync(launches) ? readFileSync(launches, 'utf8').split('\n').filter(Boolean).length : 0;
      const step = async (name, args, okCodes = [0]) => {
        const before = countLaunches();
        emulator.resetStats();
        const r = await terraform(args, cfgDir, env);
        if (!okCodes.includes(r.code))
          throw new Error(`terraform ${args[0]} exited ${r.code}: ${(r.stderr || r.stdout).slice(-1500)}`);
        return { ...r, launches: countLaunches() - before, requests: apiCounts(emulator.stats()).api, name };
      };
      log('terraform init / plan / apply / plan (50 resources)…');
      const init = await step('init', ['init', '-input=false', '-no-color']);
      const plan = await step('plan', ['plan', '-input=false', '-no-color', '-detailed-exitcode'], [2]);
      const toAdd = /Plan: (\d+) to add/.exec(plan.stdout)?.[1];
      if (toAdd !== '50')
        throw new Error(`terraform plan should add 50 resources, got: ${/Plan:.*$/m.exec(plan.stdout)?.[0]}`);
      const apply = await step('apply', ['apply', '-input=false', '-no-color', '-auto-approve']);
      const replan = await step('plan', ['plan', '-input=false', '-no-color', '-detailed-exitcode']);
      figures.push(
        figure(S, 'terraform init', round(init.ms), 'ms', { note: `${init.launches} plugin launch(es)` }),
        figure(S, 'terraform plan, fresh 50-resource config', round(plan.ms), 'ms', {
          note: `${plan.launches} plugin launches, ${plan.requests} API requests`,
        }),
        figure(S, 'plugin launches during that plan', plan.launches, 'launches'),
        figure(S, 'terraform apply, 50 creates', round(apply.ms), 'ms', {
          note: `${apply.launches} plugin launches, ${apply.requests} API requests (default budget 20 req/s per process)`,
        }),
        figure(S, 'terraform plan after apply (refresh 50, no changes)', round(replan.ms), 'ms', {
          note: `${replan.launches} plugin launches, ${replan.requests} API requests`,
        }),
        figure(S, 'plugin launches during that plan', replan.launches, 'launches'),
      );
    } finally {
      await emulator.close();
    }
    return { figures };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
