/**
 * Entry point of the single executable (`scripts/build-sea.mjs`): the plugin run by Node's
 * single-executable-application support from a V8 start-up snapshot.
 *
 * The snapshot holds what every launch needs before the handshake line: grpc-js (it reaches node:http2,
 * node:http and node:tls through stand-ins that load them at the first call: V8 cannot serialise their
 * bindings), the certificate code, the gRPC server and the tfplugin6 method list, with their functions
 * compiled (the builder runs them once, see `warmUp`). Nothing else: a snapshot is deserialised whole at
 * every launch, so each object in it costs every launch, also the schema-only one.
 *
 * Three assets of the executable stay outside the heap and are read only by the launch that needs them:
 * the GetProviderSchema response encoded at build time (`schema.bin`), the core bundle's source
 * (`core.cjs`: catalog, zod, reconciler, HTTP client, protobufjs codecs) and V8's code cache of it
 * (`core.cache`), made by `plugin.cjs --write-core-cache` after running the core's calls that need no API
 * (schema, metadata, validation and the plan of a create of every resource type). A launch compiles the
 * core from those two on the first tfplugin6 call that needs it.
 *
 * The certificate, the TLS context, the socket and every timer are made at launch, never in the snapshot
 * (a snapshot must hold no handles, and a key baked into the executable would be the same in every launch).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { makeServerCertificate } from './cert.js';
import { handshakeLine } from './handshake.js';
import { type CoreLoader, main } from './main.js';
import { createPluginServer } from './rpc.js';
import type { MethodInfo } from './wire.js';

type CoreModule = typeof import('./core.js');

/** Set by scripts/build-sea.mjs: tfplugin6.Provider's methods, pre-parsed from tfplugin6.proto. */
declare const __LOGTO_TF_PROVIDER_METHODS__: MethodInfo[];

const CORE_FILE = 'logto-iac-provider-core.cjs';
const wrap = (source: string) => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;

function compileCore(source: string, cachedData?: Buffer): { module: CoreModule; script: vm.Script } {
  const script = new vm.Script(wrap(source), { filename: CORE_FILE, ...(cachedData ? { cachedData } : {}) });
  // (Terraform shows the plugin's stderr with TF_LOG.)
  if (cachedData && script.cachedDataRejected)
    process.stderr.write("[WARN] V8 rejected the core's code cache in this executable: compiling it from source\n");
  const mod = { exports: {} as CoreModule };
  script.runInThisContext()(mod.exports, require, mod, CORE_FILE, '.');
  return { module: mod.exports, script };
}

/** An asset of this executable, without a copy. */
const asset = (key: string): Buffer =>
  Buffer.from((require('node:sea') as typeof import('node:sea')).getRawAsset(key) as ArrayBuffer);

let core: CoreModule | undefined;
function start(): void {
  const loader: CoreLoader = {
    load: () => {
      core ??= compileCore(asset('core.cjs').toString('utf8'), asset('core.cache')).module;
      return core;
    },
    providerMethods: __LOGTO_TF_PROVIDER_METHODS__,
    providerSchema: asset('schema.bin'),
  };
  main(process.env, loader).catch((e: unknown) => {
    process.stderr.write(`terraform-provider-logto: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}

/** Runs the core's calls that need no API request, so the code cache made after it covers them. */
async function warmCore(mod: CoreModule): Promise<void> {
  const services = mod.loadServices();
  const handlers = new mod.LogtoTerraformProvider({ env: {}, log: () => {} }).handlers();
  const call = async (name: string, request: Record<string, unknown>) => {
    const method = services.provider[name];
    const handler = handlers[name];
    if (!method || !handler) return;
    try {
      const decoded = method.requestDeserialize(method.requestSerialize(request) as Buffer);
      method.responseSerialize(await handler(decoded));
    } catch {
      // an answer of no interest: the code that produced it is compiled all the same
    }
  };
  const json = (value: unknown) => ({ json: Buffer.from(JSON.stringify(value)) });
  await call('GetProviderSchema', {});
  await call('GetMetadata', {});
  await call('ValidateProviderConfig', { config: json({}) });
  const metadata = (await (handlers.GetMetadata as NonNullable<(typeof handlers)['GetMetadata']>)({})) as {
    resources: { type_name: string }[];
  };
  for (const { type_name } of metadata.resources) {
    await call('ValidateResourceConfig', { type_name, config: json({}) });
    await call('PlanResourceChange', { type_name, proposed_new_state: json({}), config: json({}) });
  }
}

/** Build step (`plugin.cjs --write-core-cache <core.cjs> <out>`): the core's code cache, after a warm-up. */
async function writeCoreCache(sourceFile: string, out: string): Promise<void> {
  const built = compileCore(readFileSync(sourceFile, 'utf8'));
  await warmCore(built.module);
  writeFileSync(out, built.script.createCachedData());
}

/**
 * Runs, in the snapshot builder, the code every launch runs before the handshake line, with nothing kept
 * (V8 compiles a function on its first call; compiled here, it is in the snapshot as bytecode): the
 * certificate code, the gRPC server's construction and shutdown (no port is bound), the handshake line.
 */
function warmUp(): void {
  const cert = makeServerCertificate();
  handshakeLine('unix', '/nonexistent', cert.der);
  const { server, closeStreams } = createPluginServer({
    providerMethods: __LOGTO_TF_PROVIDER_METHODS__,
    core: () => {
      throw new Error('not in the snapshot builder');
    },
    onShutdown: () => {},
  });
  closeStreams();
  server.forceShutdown();
}

const fail = (what: string) => (e: unknown) => {
  process.stderr.write(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
};

if (v8.startupSnapshot?.isBuildingSnapshot()) {
  try {
    warmUp();
  } catch (e) {
    fail('warm-up')(e);
  }
  v8.startupSnapshot.setDeserializeMainFunction(start);
} else if (process.argv[2] === '--write-core-cache') {
  writeCoreCache(process.argv[3] as string, process.argv[4] as string).catch(fail('the core code cache'));
} else start();
