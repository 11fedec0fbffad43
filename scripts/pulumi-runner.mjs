/**
 * Runs a Pulumi program (`./index.ts` of the working directory) without the Pulumi CLI, for
 * `npm run examples -- pulumi`. Two pieces of Pulumi do the work: its runtime executes the program (in mock
 * mode, which hands every resource registration to this file instead of an engine), and its
 * dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`, the process the engine starts for dynamic
 * resources) receives each resource over gRPC, as from the engine, and runs the provider the program
 * serialized into the resource's `__provider` input, against the tenant in LOGTO_*:
 *
 *   node runner.mjs up <state.json>       Check + Create each resource, in the program's dependency order
 *   node runner.mjs preview <state.json>  Check + Diff each resource against the live tenant (read-only)
 *
 * State (ids and outputs) is kept in <state.json> between the two, like a stack's state. This is not the
 * Pulumi engine: no backend, no refresh, no replacement or delete steps.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as pulumi from '@pulumi/pulumi';

const sdk = createRequire(createRequire(import.meta.url).resolve('@pulumi/pulumi/package.json'));
const grpc = sdk('@grpc/grpc-js');
const providerGrpc = sdk('@pulumi/pulumi/proto/provider_grpc_pb');
const providerProto = sdk('@pulumi/pulumi/proto/provider_pb');
const { Struct } = sdk('google-protobuf/google/protobuf/struct_pb');

const SECRET_KEY = '4dabf18193072939515e22adb298388d';
const [mode, statePath] = process.argv.slice(2);
if ((mode !== 'up' && mode !== 'preview') || !statePath) {
  process.stderr.write('usage: runner.mjs up|preview <state.json>\n');
  process.exit(1);
}
const PROJECT = 'logto-acme-shop';
const STACK = 'demo';
const TYPE_PREFIX = 'pulumi-nodejs:dynamic/logto:';

/**
 * Pulumi's wire form of a secret (`{ <sig>: …, value }`) → the value, at any depth: the host answers
 * Configure with acceptSecrets = false, so the engine sends it plain values.
 */
function unwrap(value) {
  if (Array.isArray(value)) return value.map(unwrap);
  if (value && typeof value === 'object') {
    if (SECRET_KEY in value) return unwrap(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

/** Starts the dynamic-provider host in this directory and connects to it as the engine does. */
async function startHost() {
  const entry = sdk.resolve('@pulumi/pulumi/cmd/dynamic-provider/index.js');
  const child = spawn(process.execPath, [entry, '127.0.0.1:1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(Number(out.split('\n')[0].trim()));
    });
    child.on('exit', (code) => reject(new Error(`the dynamic-provider host exited (${code})`)));
  });
  const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = (method, request) =>
    new Promise((resolve, reject) =>
      client[method](request, { deadline: Date.now() + 120_000 }, (error, response) =>
        error ? reject(new Error(`${method}: ${error.details ?? error.message}`)) : resolve(response),
      ),
    );
  const configure = new providerProto.ConfigureRequest();
  configure.setArgs(Struct.fromJavaScript({}));
  await call('configure', configure);
  return {
    call,
    close() {
      client.close();
      child.kill('SIGTERM');
    },
  };
}

/** A request of `Request` for one resource, with whichever of id, olds, news and properties are given. */
function request(Request, type, name, fields) {
  const r = new Request();
  r.setUrn(`urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`);
  if (r.setType) r.setType(type);
  if (fields.id !== undefined) r.setId(fields.id);
  if (fields.olds !== undefined) r.setOlds(Struct.fromJavaScript(fields.olds));
  if (fields.news !== undefined) r.setNews(Struct.fromJavaScript(fields.news));
  if (fields.properties !== undefined) r.setProperties(Struct.fromJavaScript(fields.properties));
  return r;
}

const host = await startHost();
const state = mode === 'up' ? {} : JSON.parse(readFileSync(statePath, 'utf8'));
const counts = { created: 0, same: 0, changed: 0 };
const changed = [];

await pulumi.runtime.setMocks(
  {
    async newResource(args) {
      if (!args.type.startsWith(TYPE_PREFIX)) return { id: undefined, state: {} };
      const kind = args.type.slice(TYPE_PREFIX.length);
      const news = unwrap(args.inputs);
      const prior = state[args.name];
      const checkResponse = await host.call(
        'check',
        request(providerProto.CheckRequest, args.type, args.name, { olds: prior?.outs ?? {}, news }),
      );
      const failures = checkResponse.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`);
      if (failures.length > 0) throw new Error(`logto.${kind} "${args.name}": ${failures.join('; ')}`);
      const inputs = checkResponse.getInputs().toJavaScript();
      if (mode === 'up') {
        const created = await host.call(
          'create',
          request(providerProto.CreateRequest, args.type, args.name, { properties: inputs }),
        );
        const id = created.getId();
        const outs = created.getProperties().toJavaScript();
        state[args.name] = { kind, id, outs };
        counts.created++;
        process.stdout.write(`  + logto:${kind} ${args.name} created\n`);
        return { id, state: outs };
      }
      if (!prior) throw new Error(`logto.${kind} "${args.name}" is not in the state: run up first`);
      const answer = await host.call(
        'diff',
        request(providerProto.DiffRequest, args.type, args.name, { id: prior.id, olds: prior.outs, news: inputs }),
      );
      const replaces = answer.getReplacesList();
      if (answer.getChanges() !== providerProto.DiffResponse.DiffChanges.DIFF_NONE) {
        counts.changed++;
        changed.push(`${kind} ${args.name}${replaces.length ? ` (replace: ${replaces.join(', ')})` : ''}`);
      } else counts.same++;
      return { id: prior.id, state: prior.outs };
    },
    call: () => ({}),
  },
  PROJECT,
  STACK,
  mode === 'preview',
);

try {
  await import(`${process.cwd()}/index.ts`);
  await pulumi.runtime.disconnect();
} finally {
  host.close();
}

if (mode === 'up') {
  writeFileSync(statePath, JSON.stringify(state), { mode: 0o600 });
  process.stdout.write(`Resources: ${counts.created} created\n`);
} else {
  for (const line of changed) process.stdout.write(`  ~ logto:${line}\n`);
  process.stdout.write(`Resources: ${counts.same} unchanged, ${counts.changed} to change\n`);
  process.exitCode = counts.changed > 0 ? 2 : 0;
}
