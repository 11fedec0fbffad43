/**
 * Test harness for the Pulumi dynamic provider, without the Pulumi CLI:
 *
 * - `makeProject()` builds a throwaway Pulumi project directory whose `node_modules/logto-iac` links to this
 *   repository (as `npm install logto-iac` would) and whose `@pulumi/pulumi` is the repository's.
 * - `serializeProviders()` serializes our provider objects in a fresh Node process with the SDK's own
 *   serializer (`pulumi.runtime.serializeFunction`, as `dynamic.Resource` does), exactly as a program would.
 * - `startHost()` spawns `@pulumi/pulumi/cmd/dynamic-provider` (the process the engine runs) in that
 *   project and returns a gRPC client speaking `pulumirpc.ResourceProvider`, like the engine does.
 *
 * Every wait is bounded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec, withTimeout } from '../support/process.js';

const require = createRequire(import.meta.url);
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
const providerGrpc = require('@pulumi/pulumi/proto/provider_grpc_pb');
const providerProto = require('@pulumi/pulumi/proto/provider_pb');
const structProto = require('google-protobuf/google/protobuf/struct_pb');

/** Pulumi's marker for a secret value in a property bag (`runtime/rpc` in the SDK). */
export const SECRET_SIG = '4dabf18193072939515e22adb298388d';
export const SECRET_VALUE_SIG = '1b47061264138c4ac30d75fd1eb44270';
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

export function secretValue(value: unknown): Record<string, unknown> {
  return { [SECRET_SIG]: SECRET_VALUE_SIG, value };
}

function requireBuild(): void {
  const entry = join(repoRoot, 'dist/provider/pulumi/index.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
}

export interface Project {
  dir: string;
  cleanup(): void;
}

/** A Pulumi project directory with `logto-iac` installed (linked to this repository). */
export function makeProject(): Project {
  requireBuild();
  const dir = mkdtempSync(join(tmpdir(), 'logto-pulumi-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(repoRoot, join(dir, 'node_modules/logto-iac'), 'dir');
  symlinkSync(join(repoRoot, 'node_modules/@pulumi'), join(dir, 'node_modules/@pulumi'), 'dir');
  symlinkSync(join(repoRoot, 'node_modules/@types'), join(dir, 'node_modules/@types'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'logto-pulumi-test', private: true }));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const SERIALIZE_SCRIPT = `
import * as pulumi from '@pulumi/pulumi';
import * as logto from 'logto-iac/pulumi';
const out = {};
for (const kind of JSON.parse(process.argv[2])) {
  const provider = logto.providerFor(kind);
  // Exactly what pulumi.dynamic.Resource does with a provider.
  const fn = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  out[kind] = fn.text;
}
process.stdout.write(JSON.stringify(out));
`;

/** Serialized provider text per kind, made in a fresh Node process of the project. */
export async function serializeProviders(
  project: Project,
  kinds: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, string>> {
  const script = join(project.dir, 'serialize.mjs');
  writeFileSync(script, SERIALIZE_SCRIPT);
  const result = await exec(process.execPath, [script, JSON.stringify(kinds)], {
    cwd: project.dir,
    env,
    timeoutMs: 60_000,
  });
  if (result.code !== 0) throw new Error(`serializing failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, string>;
}

export type Bag = Record<string, unknown>;

export interface DiffAnswer {
  changes: 'none' | 'some' | 'unknown';
  replaces: string[];
  deleteBeforeReplace: boolean;
}

export interface Host {
  configure(config: Bag): Promise<void>;
  check(type: string, olds: Bag, news: Bag): Promise<{ inputs: Bag; failures: { property: string; reason: string }[] }>;
  diff(type: string, id: string, olds: Bag, news: Bag): Promise<DiffAnswer>;
  create(type: string, props: Bag): Promise<{ id: string; properties: Bag }>;
  read(type: string, id: string, props: Bag): Promise<{ id: string; properties: Bag }>;
  update(type: string, id: string, olds: Bag, news: Bag): Promise<Bag>;
  delete(type: string, id: string, props: Bag): Promise<void>;
  stderr(): string;
  close(): Promise<void>;
}

const CALL_MS = 30_000;

function urn(type: string): string {
  return `urn:pulumi:test::logto-test::${type}::r`;
}

/** Spawn the SDK's dynamic-provider host in `project` and connect to it as the engine would. */
export async function startHost(project: Project, env: NodeJS.ProcessEnv = process.env): Promise<Host> {
  const entry = join(repoRoot, 'node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js');
  // The engine address is only used for logging by some providers; ours does not log through it.
  const child: ChildProcess = spawn(process.execPath, [entry, '127.0.0.1:1'], {
    cwd: project.dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await withTimeout(
    new Promise<number>((resolvePort, reject) => {
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n')[0]!;
        if (stdout.includes('\n') && /^\d+$/.test(line.trim())) resolvePort(Number(line.trim()));
      });
      child.on('exit', (code) => reject(new Error(`dynamic provider host exited (${code}): ${stderr}`)));
    }),
    30_000,
    'dynamic provider host start-up',
  );
  const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

  function call<T>(method: string, request: unknown): Promise<T> {
    return withTimeout(
      new Promise<T>((resolveCall, reject) => {
        client[method](request, { deadline: Date.now() + CALL_MS }, (error: Error | null, response: T) => {
          if (error) reject(error);
          else resolveCall(response);
        });
      }),
      CALL_MS + 1000,
      `${method} on the dynamic provider host`,
    );
  }

  const struct = (bag: Bag) => structProto.Struct.fromJavaScript(bag);
  const bag = (value: any): Bag => value?.toJavaScript() ?? {};
  /** A `Request` for a resource of `type`, with whichever of id, olds, news and properties are given. */
  function request(
    Request: new () => any,
    type: string,
    fields: { id?: string; olds?: Bag; news?: Bag; properties?: Bag },
  ) {
    const r = new Request();
    if (fields.id !== undefined) r.setId(fields.id);
    r.setUrn(urn(type));
    r.setType(type);
    if (fields.olds !== undefined) r.setOlds(struct(fields.olds));
    if (fields.news !== undefined) r.setNews(struct(fields.news));
    if (fields.properties !== undefined) r.setProperties(struct(fields.properties));
    return r;
  }

  return {
    async configure(config) {
      const request = new providerProto.ConfigureRequest();
      request.setArgs(struct(config));
      await call('configure', request);
    },
    async check(type, olds, news) {
      const response = await call<any>('check', request(providerProto.CheckRequest, type, { olds, news }));
      return {
        inputs: bag(response.getInputs()),
        failures: response.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(type, id, olds, news) {
      const response = await call<any>('diff', request(providerProto.DiffRequest, type, { id, olds, news }));
      const kinds = providerProto.DiffResponse.DiffChanges;
      const changes = response.getChanges();
      return {
        changes: changes === kinds.DIFF_NONE ? 'none' : changes === kinds.DIFF_SOME ? 'some' : 'unknown',
        replaces: response.getReplacesList(),
        deleteBeforeReplace: response.getDeletebeforereplace(),
      };
    },
    async create(type, properties) {
      const response = await call<any>('create', request(providerProto.CreateRequest, type, { properties }));
      return { id: response.getId(), properties: bag(response.getProperties()) };
    },
    async read(type, id, properties) {
      const response = await call<any>('read', request(providerProto.ReadRequest, type, { id, properties }));
      return { id: response.getId(), properties: bag(response.getProperties()) };
    },
    async update(type, id, olds, news) {
      const response = await call<any>('update', request(providerProto.UpdateRequest, type, { id, olds, news }));
      return bag(response.getProperties());
    },
    async delete(type, id, properties) {
      await call('delete', request(providerProto.DeleteRequest, type, { id, properties }));
    },
    stderr: () => stderr,
    async close() {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await withTimeout(exited, 10_000, 'dynamic provider host exit').catch(() => child.kill('SIGKILL'));
      }
    },
  };
}

export interface Registration {
  type: string;
  name: string;
  custom: boolean;
  additionalSecretOutputs: string[];
  object: Record<string, unknown>;
}

export interface ProgramRun {
  registrations: Registration[];
  outputs: Record<string, { value: unknown; secret: boolean }>;
  warnings: string;
}

/** Runs `index.ts` of a project under `pulumi.runtime.setMocks`, recording registrations and exports. */
const RUNNER = `
import * as pulumi from '@pulumi/pulumi';

const timeout = (promise, ms, what) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error('timed out: ' + what)), ms).unref())]);

const registrations = [];
await pulumi.runtime.setMocks(
  {
    newResource(args) {
      // What the provider would report: the inputs plus the type's computed outputs.
      const state = { ...args.inputs };
      if (args.type.endsWith(':Hook')) state.signingKey = 'mock-signing-key';
      if (args.type.endsWith(':ApplicationSecret')) state.value = 'mock-secret-value';
      if (args.type.endsWith(':Application') && args.inputs.type !== 'SPA') state.defaultSecret = 'mock-default-secret';
      return { id: args.name + '-id', state };
    },
    call: () => ({}),
  },
  process.env.PULUMI_TEST_PROJECT ?? 'logto-acme-shop',
  'test',
  false,
);
const monitor = pulumi.runtime.getMonitor();
const register = monitor.registerResource.bind(monitor);
monitor.registerResource = (req, callback) => {
  registrations.push({
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    object: req.getObject()?.toJavaScript() ?? {},
  });
  return register(req, callback);
};

const program = await import('./index.ts');
const exported = program.default && typeof program.default === 'object' ? { ...program.default, ...program } : program;
const outputs = {};
for (const [name, value] of Object.entries(exported)) {
  if (!pulumi.Output.isInstance(value)) continue;
  const resolved = await timeout(new Promise((resolve) => value.apply((v) => resolve(v))), 30000, name);
  outputs[name] = { value: resolved ?? null, secret: await timeout(pulumi.isSecret(value), 30000, name) };
}
await timeout(pulumi.runtime.disconnect(), 30000, 'outstanding registrations');
process.stdout.write('\\n@@RESULT@@' + JSON.stringify({ registrations, outputs }));
`;

/**
 * Runs the project's `index.ts` in a fresh Node process (TypeScript through tsx) under Pulumi's mocks, with
 * `env` (stack config goes in PULUMI_CONFIG); answers every registration and the resolved exports.
 */
export async function runProgram(project: Project, env: NodeJS.ProcessEnv): Promise<ProgramRun> {
  writeFileSync(join(project.dir, 'runner.mjs'), RUNNER);
  const tsx = join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
  const ran = await exec(process.execPath, [tsx, 'runner.mjs'], { cwd: project.dir, env, timeoutMs: 120_000 });
  const marker = ran.stdout.indexOf('@@RESULT@@');
  if (ran.code !== 0 || marker < 0) throw new Error(`program failed (${ran.code}):\n${ran.stderr}\n${ran.stdout}`);
  return {
    ...JSON.parse(ran.stdout.slice(marker + '@@RESULT@@'.length)),
    warnings: ran.stdout.slice(0, marker) + ran.stderr,
  };
}
