/**
 * Scenario 3: the Terraform plugin's start-up and the real `terraform` on a 50-resource configuration.
 *
 * Start-up is timed on what Terraform executes: the launcher `terraform-provider-logto_v<version>` that
 * `terraformInstall` writes into a filesystem mirror (a shell script running the loader, which runs the
 * bundles with a V8 code cache). Spawn → handshake line, median of 20, interleaved with `node -e 0` in the
 * same environment. "Warm" = the code cache exists (every launch but the first after an install);
 * "cold" = the first launch, with an empty cache directory. The cache lives in `$HOME/.cache/logto-iac`,
 * and HOME is a fresh directory of the bench, so the user's own cache is neither used nor touched.
 *
 * Two environments, both for the plugin and for `node -e 0`: the bench's own (what Terraform would pass
 * on this machine; here it sets NODE_EXTRA_CA_CERTS, which makes every Node process parse a CA bundle
 * and build its root store at boot) and a minimal one (PATH, HOME and the plugin variables), where the
 * plugin pays for building Node's root store itself when it creates its TLS context. For reference the
 * same loop times `node -e "require('tls').createSecureContext({})"` (Node's floor for any TLS server)
 * and the bundle run directly with `node` (no launcher, no cache: what this scenario timed before).
 * The handshake is only part of a launch, so it also times spawn → the answer to the first call:
 * GetProviderSchema (the only call of Terraform's first launch per command; answered from bytes encoded
 * at build time) and GetMetadata (which, like the first call of every later launch, loads the core:
 * catalog, zod, reconciler, codecs).
 *
 * The single executable (scripts/build-sea.mjs: Node SEA, the start-up code in a V8 snapshot, the core
 * compiled from a code cache among its assets; built once, cached under node_modules/.cache) runs in the same loops:
 * spawn → handshake, spawn → GetProviderSchema answered (the schema-only launch) and spawn →
 * ValidateResourceConfig answered (a launch that serves resources), judged against `node -e 0` (≤ 1.5×) in
 * the bench's environment and against the floor (≤ 1.2×) in the minimal one. The floor is the same launch
 * done by a bare `node:http2` mTLS server with no plugin code: for the handshake, the server listening; for a
 * launch that answers a call, the same server answering that call (the same client connecting the same way)
 * with the bytes the plugin answers, encoded beforehand.
 *
 * Then `terraform init`, `plan` of the fresh config, `apply`, and `plan` again (refreshing 50 objects),
 * each with its wall time and the number of plugin launches (counted by a Node wrapper the launcher runs
 * through `LOGTO_IAC_NODE`). Last, the fresh 50-resource plan through the launcher and through the single
 * executable, interleaved, 5 each.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { startEmulator } from '../dist/emulator/index.js';
import { makeServerCertificate } from '../dist/provider/terraform/cert.js';
import { encodeValue, UNKNOWN } from '../dist/provider/terraform/cty.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../dist/provider/terraform/handshake.js';
import { terraformInstall } from '../dist/provider/terraform/install.js';
import { loadServices } from '../dist/provider/terraform/protocol.js';
import { resourceSchema } from '../dist/provider/terraform/schema.js';
import { LogtoTerraformProvider } from '../dist/provider/terraform/server.js';
import { getDefinition } from '../dist/resources/index.js';
import { seaExecutable } from '../scripts/build-sea.mjs';
import { bundleTerraform } from '../scripts/bundle-terraform.mjs';
import { apiCounts, figure, judged, median, now, round, withTimeout } from './lib.js';

const RUNS = 20;
const COLD_RUNS = 5;
const SCHEMA_RUNS = 11;
const AB_RUNS = 5;
const TARGET = 1.5;
/** The single executable's target against the bare-TLS floor, in the minimal environment. */
const FLOOR_TARGET = 1.2;

/** ms from spawn to the child's exit. */
function timeExit(command, args, env) {
  return withTimeout(
    new Promise((resolve, reject) => {
      const t0 = now();
      const child = spawn(command, args, { env, stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve(now() - t0) : reject(new Error(`${command} ${args.join(' ')} exited ${code}`)),
      );
    }),
    15_000,
    `${command} ${args.join(' ')}`,
  );
}

/**
 * Spawns the plugin and waits for its handshake line. `then(line)` runs after the line (not timed unless
 * it returns a time); the plugin is then stopped with SIGTERM (it exits as on Shutdown) and awaited, so
 * each launch ends the way Terraform ends it and the next one starts on an idle machine.
 */
function launch(command, args, env, then) {
  return withTimeout(
    new Promise((resolve, reject) => {
      const t0 = now();
      const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let result;
      let failure;
      child.stderr.on('data', (d) => {
        err += d;
      });
      child.stdout.on('data', (d) => {
        out += d;
        if (result === undefined && failure === undefined && out.includes('\n')) {
          const ms = now() - t0;
          const line = out.slice(0, out.indexOf('\n'));
          if (!/^1\|6\|(unix|tcp)\|[^|]+\|grpc\|/.test(line)) {
            failure = new Error(`unexpected handshake line: ${line}`);
            child.kill('SIGKILL');
            return;
          }
          Promise.resolve(then ? then(line, t0) : ms).then(
            (value) => {
              result = value;
              child.kill('SIGTERM');
            },
            (e) => {
              failure = e;
              child.kill('SIGKILL');
            },
          );
        }
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        if (failure) reject(failure);
        else if (result !== undefined) resolve(result);
        else reject(new Error(`plugin exited (${code}) before the handshake: ${err.slice(-500)}`));
      });
    }),
    20_000,
    'plugin launch',
  );
}

/** After the handshake: connect over mTLS like Terraform, make one tfplugin6 call; ms since spawn. */
function rpcCall(clientCert, services, method, request, check) {
  return (line, t0) =>
    new Promise((resolve, reject) => {
      const [, , , address, , certB64] = line.split('|');
      const der = Buffer.from(certB64, 'base64');
      const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
      const credentials = grpc.credentials.createSsl(
        Buffer.from(pem),
        Buffer.from(clientCert.keyPem),
        Buffer.from(clientCert.certPem),
      );
      const Client = grpc.makeGenericClientConstructor(services.provider, 'Provider');
      const client = new Client(`unix:${address}`, credentials, {
        'grpc.ssl_target_name_override': 'localhost',
        'grpc.default_authority': 'localhost',
      });
      client[method](request, { deadline: Date.now() + 15_000 }, (e, response) => {
        const ms = now() - t0;
        client.close();
        if (e) reject(e);
        else if (!check(response)) reject(new Error(`unexpected ${method} response`));
        else resolve(ms);
      });
    });
}

const spread = (values) => `min ${round(Math.min(...values), 1)}, max ${round(Math.max(...values), 1)}`;

/** Start-up figures: warm/cold launcher, node -e 0, TLS floor, direct bundle, spawn → schema. */
async function startup(log, { work, bundle, launcher, sea, clientCert }) {
  const S = '3 terraform';
  const sockets = join(work, 'sockets');
  mkdirSync(sockets, { recursive: true });
  const pluginVars = {
    [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
    PLUGIN_CLIENT_CERT: clientCert.certPem,
    PLUGIN_UNIX_SOCKET_DIR: sockets,
  };
  const inherited = (home) => {
    const env = { ...process.env, HOME: home, ...pluginVars };
    delete env.XDG_CACHE_HOME;
    delete env.LOGTO_IAC_NO_CODE_CACHE;
    return env;
  };
  const minimal = (home) => ({ PATH: process.env.PATH, HOME: home, ...pluginVars });
  const envs = [
    { id: 'inherited', label: "the bench's environment", make: inherited },
    { id: 'minimal', label: 'minimal environment', make: minimal },
  ];
  const warmHome = join(work, 'home-warm');
  mkdirSync(warmHome);
  const figures = [];
  const details = { environments: {} };
  const tlsFloor = ['-e', "require('tls').createSecureContext({})"];
  // The floor of any plugin Node can serve Terraform with: a bare node:http2 server with mutual TLS on a unix
  // socket, printing a handshake-shaped line once it listens, with the cheapest TLS set-up Node has (OpenSSL's
  // store instead of Node's bundled one, pointed at no files, so no root certificate is parsed). It answers
  // every call with fixed bytes (a gRPC frame of FLOOR_BODY, the message the plugin answers, encoded here
  // beforehand): timed to its line, it is the handshake's floor; timed to an answer, that launch's floor.
  const http2Floor = [
    '--use-openssl-ca',
    '-e',
    "const e=process.env,p=`${e.PLUGIN_UNIX_SOCKET_DIR}/floor-${process.pid}`,b=Buffer.from(e.FLOOR_BODY,'base64'),f=Buffer.concat([Buffer.from([0,b.length>>>24,(b.length>>>16)&255,(b.length>>>8)&255,b.length&255]),b]),s=require('http2').createSecureServer({cert:e.FLOOR_PEM,key:e.FLOOR_KEY,ca:e.FLOOR_PEM,requestCert:true});s.on('stream',(t)=>{t.resume();t.on('end',()=>{t.respond({':status':200,'content-type':'application/grpc'},{waitForTrailers:true});t.on('wantTrailers',()=>t.sendTrailers({'grpc-status':'0'}));t.end(f)})});s.listen(p,()=>process.stdout.write(`1|6|unix|${p}|grpc|${e.FLOOR_DER}\n`));process.on('SIGTERM',()=>s.close(()=>process.exit(0)))",
  ];
  const floorEnv = (env) => ({
    ...env,
    FLOOR_PEM: clientCert.certPem,
    FLOOR_KEY: clientCert.keyPem,
    FLOOR_DER: clientCert.der.toString('base64'),
    FLOOR_BODY: '',
    SSL_CERT_FILE: join(work, 'no-such-file'),
    SSL_CERT_DIR: join(work, 'no-such-dir'),
  });

  log(`start-up: cold launches (${COLD_RUNS} per environment, each with an empty cache directory)…`);
  for (const e of envs) {
    const cold = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const home = mkdtempSync(join(work, 'home-cold-'));
      cold.push(await launch(launcher, [], e.make(home)));
      const cacheDir = join(home, '.cache', 'logto-iac');
      if (!existsSync(cacheDir)) throw new Error(`the launcher wrote no code cache into ${cacheDir}`);
    }
    e.cold = cold;
  }
  log(`start-up: ${RUNS} × (node -e 0, warm launcher, TLS floor, bare bundle) per environment, interleaved…`);
  for (const e of envs) {
    const env = e.make(warmHome);
    await launch(launcher, [], env); // writes the cache if the first environment did not
    await timeExit(process.execPath, ['-e', '0'], env); // warms the file cache
  }
  for (const e of envs) {
    await launch(sea, [], e.make(warmHome)); // pages the executable in
    Object.assign(e, { node: [], warm: [], tls: [], http2: [], direct: [], sea: [] });
  }
  for (let i = 0; i < RUNS; i++) {
    for (const e of envs) {
      const env = e.make(warmHome);
      e.node.push(await timeExit(process.execPath, ['-e', '0'], env));
      e.warm.push(await launch(launcher, [], env));
      e.sea.push(await launch(sea, [], env));
      e.tls.push(await timeExit(process.execPath, tlsFloor, env));
      e.http2.push(await launch(process.execPath, http2Floor, floorEnv(env)));
      if (e.id === 'minimal') e.direct.push(await launch(process.execPath, [bundle], env));
    }
  }
  log(
    `start-up: ${SCHEMA_RUNS} × spawn → first call answered (GetProviderSchema; ValidateResourceConfig), per environment…`,
  );
  const services = loadServices();
  const schemaCall = rpcCall(clientCert, services, 'GetProviderSchema', {}, (r) =>
    Boolean(r?.resource_schemas?.logto_role),
  );
  // A role as the 50-resource configuration writes it: the scopes are references, unknown while validating.
  const roleConfig = encodeValue(
    { name: 'tf-role-0', description: 'Role 0', scope_ids: UNKNOWN },
    resourceSchema(getDefinition('Role')).type,
  );
  const validateRequest = { type_name: 'logto_role', config: { msgpack: roleConfig } };
  const coreCall = rpcCall(
    clientCert,
    services,
    'ValidateResourceConfig',
    validateRequest,
    (r) => Array.isArray(r?.diagnostics) && r.diagnostics.length === 0,
  );
  // What the plugin answers to those two calls, for the floor server to answer with.
  const provider = new LogtoTerraformProvider({ env: {}, log: () => {} });
  const handlers = provider.handlers();
  const answer = async (method, request) => {
    const codec = services.provider[method];
    const response = await handlers[method](codec.requestDeserialize(codec.requestSerialize(request)));
    return codec.responseSerialize(response).toString('base64');
  };
  const floorBodies = {
    schema: await answer('GetProviderSchema', {}),
    core: await answer('ValidateResourceConfig', validateRequest),
  };
  for (const e of envs) {
    Object.assign(e, {
      nodeCalls: [],
      schema: [],
      core: [],
      seaSchema: [],
      seaCore: [],
      floorSchema: [],
      floorCore: [],
    });
    const floor = (body) => ({ ...floorEnv(e.make(warmHome)), FLOOR_BODY: body });
    for (let i = 0; i < SCHEMA_RUNS; i++) {
      // (`node -e 0` again in this loop: the answered launches are compared with it, measured alongside them)
      e.nodeCalls.push(await timeExit(process.execPath, ['-e', '0'], e.make(warmHome)));
      e.schema.push(await launch(launcher, [], e.make(warmHome), schemaCall));
      e.seaSchema.push(await launch(sea, [], e.make(warmHome), schemaCall));
      e.floorSchema.push(await launch(process.execPath, http2Floor, floor(floorBodies.schema), schemaCall));
      e.core.push(await launch(launcher, [], e.make(warmHome), coreCall));
      e.seaCore.push(await launch(sea, [], e.make(warmHome), coreCall));
      e.floorCore.push(await launch(process.execPath, http2Floor, floor(floorBodies.core), coreCall));
    }
  }

  for (const e of envs) {
    const node = median(e.node);
    // (the answered launches are compared with `node -e 0` timed in their own loop)
    const nodeCalls = median(e.nodeCalls);
    const warm = median(e.warm);
    const cold = median(e.cold);
    const schema = median(e.schema);
    const tls = median(e.tls);
    const tag = e.id === 'inherited' ? '' : ', minimal env';
    figures.push(
      figure(S, `node -e 0 (median of ${RUNS}${tag})`, round(node, 1), 'ms', { note: spread(e.node) }),
      figure(S, `launcher spawn → handshake, warm cache (median of ${RUNS}${tag})`, round(warm, 1), 'ms', {
        note: spread(e.warm),
      }),
      judged(S, `warm handshake ÷ node -e 0${tag}`, round(warm / node, 3), '×', { op: '<=', value: TARGET }),
      figure(S, `launcher spawn → handshake, cold: first launch (median of ${COLD_RUNS}${tag})`, round(cold, 1), 'ms', {
        note: `${round(cold / node, 2)}× node -e 0; ${spread(e.cold)}`,
      }),
      figure(S, `spawn → GetProviderSchema answered, warm (median of ${SCHEMA_RUNS}${tag})`, round(schema, 1), 'ms', {
        note: `${round(schema / nodeCalls, 2)}× node -e 0; pre-encoded, the core is not loaded (Terraform's 1st launch)`,
      }),
      figure(
        S,
        `spawn → ValidateResourceConfig answered, warm (median of ${SCHEMA_RUNS}${tag})`,
        round(median(e.core), 1),
        'ms',
        { note: `${round(median(e.core) / nodeCalls, 2)}× node -e 0; loads the core (as every later launch does)` },
      ),
      figure(S, `reference: node creating one TLS context (median of ${RUNS}${tag})`, round(tls, 1), 'ms', {
        note: `${round(tls / node, 2)}× node -e 0`,
      }),
      figure(
        S,
        `reference: floor, a bare node:http2 mTLS server listening (median of ${RUNS}${tag})`,
        round(median(e.http2), 1),
        'ms',
        { note: `${round(median(e.http2) / node, 2)}× node -e 0; no gRPC, no plugin code, cheapest TLS set-up` },
      ),
    );
    figures.push(
      figure(
        S,
        `node -e 0, in the loop of answered launches (median of ${SCHEMA_RUNS}${tag})`,
        round(nodeCalls, 1),
        'ms',
        {
          note: spread(e.nodeCalls),
        },
      ),
    );
    for (const [what, samples] of [
      ['answering GetProviderSchema', e.floorSchema],
      ['answering ValidateResourceConfig', e.floorCore],
    ])
      figures.push(
        figure(S, `reference: floor ${what} (median of ${SCHEMA_RUNS}${tag})`, round(median(samples), 1), 'ms', {
          note: `${round(median(samples) / nodeCalls, 2)}× node -e 0; the bare server answers with the plugin's bytes`,
        }),
      );
    // The single executable (Node SEA, the plugin in a V8 start-up snapshot; scripts/build-sea.mjs), each
    // launch against the floor of the same launch.
    const seaLaunches = [
      ['spawn → handshake', median(e.sea), RUNS, median(e.http2), node],
      [
        'spawn → GetProviderSchema answered (schema-only launch)',
        median(e.seaSchema),
        SCHEMA_RUNS,
        median(e.floorSchema),
        nodeCalls,
      ],
      [
        'spawn → ValidateResourceConfig answered (a launch that serves resources)',
        median(e.seaCore),
        SCHEMA_RUNS,
        median(e.floorCore),
        nodeCalls,
      ],
    ];
    for (const [what, ms, n, floor, node] of seaLaunches) {
      figures.push(
        figure(S, `single executable: ${what} (median of ${n}${tag})`, round(ms, 1), 'ms', {
          note: `${round(ms / node, 2)}× node -e 0, ${round(ms / floor, 2)}× the floor of this launch`,
        }),
      );
      if (e.id === 'inherited')
        figures.push(
          judged(S, `single executable: ${what} ÷ node -e 0`, round(ms / node, 3), '×', { op: '<=', value: TARGET }),
        );
      else
        figures.push(
          judged(S, `single executable: ${what} ÷ floor${tag}`, round(ms / floor, 3), '×', {
            op: '<=',
            value: FLOOR_TARGET,
          }),
        );
    }
    if (e.direct.length > 0) {
      const direct = median(e.direct);
      figures.push(
        figure(S, `reference: \`node bundle\` directly, no cache (median of ${RUNS}${tag})`, round(direct, 1), 'ms', {
          note: `${round(direct / node, 2)}× node -e 0`,
        }),
      );
    }
    details.environments[e.id] = {
      label: e.label,
      NODE_EXTRA_CA_CERTS: Boolean(e.make(warmHome).NODE_EXTRA_CA_CERTS),
      samplesMs: Object.fromEntries(
        [
          'node',
          'nodeCalls',
          'warm',
          'cold',
          'tls',
          'http2',
          'direct',
          'schema',
          'core',
          'sea',
          'seaSchema',
          'seaCore',
          'floorSchema',
          'floorCore',
        ].map((k) => [k, e[k].map((v) => round(v, 1))]),
      ),
    };
  }
  return { figures, details };
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

export function hasTerraform() {
  return new Promise((resolve) => {
    execFile('terraform', ['version'], { timeout: 20_000 }, (error) => resolve(!error));
  });
}

export async function terraformStartup(log) {
  const S = '3 terraform';
  const work = mkdtempSync(join(tmpdir(), 'logto-bench-tf-'));
  const figures = [];
  try {
    log('bundling the plugin (scripts/bundle-terraform.mjs) and installing it into a mirror…');
    const bundle = join(work, 'bundle', 'terraform-provider-logto.cjs');
    await bundleTerraform(bundle);
    const installed = terraformInstall(join(work, 'mirror'), { bundle });
    log('building the single executable (scripts/build-sea.mjs; cached under node_modules/.cache)…');
    const seaInstalled = terraformInstall(join(work, 'mirror-sea'), { executable: await seaExecutable() });
    const clientCert = makeServerCertificate();
    const started = await startup(log, {
      work,
      bundle,
      launcher: installed.executable,
      sea: seaInstalled.executable,
      clientCert,
    });
    figures.push(...started.figures);
    const details = started.details;

    if (!(await hasTerraform())) {
      figures.push(figure(S, 'terraform plan (50 resources)', 'skipped: terraform not on PATH', ''));
      return { figures, details };
    }
    const emulator = await startEmulator({ port: 0, seed: 'bench-terraform' });
    try {
      const launches = join(work, 'launches.log');
      const nodeWrapper = join(work, 'node-counting');
      writeFileSync(nodeWrapper, `#!/bin/sh\necho launch >> "${launches}"\nexec "${process.execPath}" "$@"\n`);
      chmodSync(nodeWrapper, 0o755);
      const cfgDir = join(work, 'config');
      mkdirSync(cfgDir);
      writeFileSync(join(cfgDir, 'main.tf'), fiftyResourceConfig());
      const env = {
        PATH: process.env.PATH,
        HOME: join(work, 'home-warm'),
        TF_CLI_CONFIG_FILE: installed.cliConfigFile,
        CHECKPOINT_DISABLE: '1',
        TF_IN_AUTOMATION: '1',
        LOGTO_ENDPOINT: emulator.url,
        LOGTO_APP_ID: emulator.appId,
        LOGTO_APP_SECRET: emulator.appSecret,
        LOGTO_IAC_NODE: nodeWrapper,
        PLUGIN_UNIX_SOCKET_DIR: join(work, 'sockets'),
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
          note: `${apply.launches} plugin launches, ${apply.requests} API requests (no budget by default: a loopback, non-Cloud endpoint)`,
        }),
        figure(S, 'terraform plan after apply (refresh 50, no changes)', round(replan.ms), 'ms', {
          note: `${replan.launches} plugin launches, ${replan.requests} API requests`,
        }),
        figure(S, 'plugin launches during that plan', replan.launches, 'launches'),
      );

      // The same fresh plan, through the launcher and through the single executable, interleaved.
      log(`terraform plan (50 resources, no state): ${AB_RUNS} × launcher vs single executable, interleaved…`);
      const ab = { launcher: [], sea: [] };
      const dirs = {};
      for (const [id, cliConfigFile] of [
        ['launcher', installed.cliConfigFile],
        ['sea', seaInstalled.cliConfigFile],
      ]) {
        const dir = join(work, `ab-${id}`);
        mkdirSync(dir);
        writeFileSync(join(dir, 'main.tf'), fiftyResourceConfig());
        const abEnv = { ...env, TF_CLI_CONFIG_FILE: cliConfigFile };
        delete abEnv.LOGTO_IAC_NODE;
        const r = await terraform(['init', '-input=false', '-no-color'], dir, abEnv);
        if (r.code !== 0) throw new Error(`terraform init (${id}) exited ${r.code}: ${r.stderr.slice(-1500)}`);
        dirs[id] = { dir, env: abEnv };
      }
      for (let i = 0; i < AB_RUNS; i++) {
        for (const id of ['launcher', 'sea']) {
          const r = await terraform(
            ['plan', '-input=false', '-no-color', '-detailed-exitcode'],
            dirs[id].dir,
            dirs[id].env,
          );
          if (r.code !== 2) throw new Error(`terraform plan (${id}) exited ${r.code}: ${r.stderr.slice(-1500)}`);
          ab[id].push(r.ms);
        }
      }
      const [a, b] = [median(ab.launcher), median(ab.sea)];
      figures.push(
        figure(S, `terraform plan, fresh 50-resource config, launcher (median of ${AB_RUNS})`, round(a), 'ms', {
          note: spread(ab.launcher),
        }),
        figure(
          S,
          `terraform plan, fresh 50-resource config, single executable (median of ${AB_RUNS})`,
          round(b),
          'ms',
          {
            note: `${round(b / a, 2)}× the launcher's; ${spread(ab.sea)}`,
          },
        ),
      );
      details.plan50 = { launcherMs: ab.launcher.map((v) => round(v)), seaMs: ab.sea.map((v) => round(v)) };
    } finally {
      await emulator.close();
    }
    return { figures, details };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
