/**
 * Entry point of the single executable (`scripts/build-sea.mjs`): the plugin run by Node's
 * single-executable-application support from a V8 start-up snapshot.
 *
 * The snapshot holds what every launch needs before the handshake line: grpc-js (it reaches node:http2,
 * node:http and node:tls through stand-ins that load them at the first call: V8 cannot serialise their
 * bindings), the certificate code, the gRPC server and the tfplugin6 method list, with their functions
 * compiled (the builder runs them once, see `warmUp`). The core (catalog, zod, reconciler, HTTP client,
 * protobufjs codecs) is not initialised in the snapshot: a snapshot is restored whole at every launch,
 * and the core's heap would make every launch pay for it, also the schema-only launch that never uses it.
 * The snapshot holds the core's source and a V8 code cache of it instead, made by the builder after it
 * ran the core's calls that need no API (schema, metadata, validation and the plan of a create of every
 * resource type); a launch compiles the core from those on the first tfplugin6 call that needs it.
 *
 * The certificate, the TLS context, the socket and every timer are made at launch, never in the snapshot
 * (a snapshot must hold no handles, and a key baked into the executable would be the same in every launch).
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { makeServerCertificate } from './cert.js';
import { handshakeLine } from './handshake.js';
import { type CoreLoader, main } from './main.js';
import { createPluginServer } from './rpc.js';
import type { MethodInfo } from './wire.js';

type CoreModule = typeof import('./core.js');

/** Set by scripts/build-sea.mjs: the core bundle's source (CommonJS). */
declare const __LOGTO_TF_CORE_SOURCE__: string;
/** Set by scripts/build-sea.mjs: tfplugin6.Provider's methods, pre-parsed from tfplugin6.proto. */
declare const __LOGTO_TF_PROVIDER_METHODS__: MethodInfo[];
/** Set by scripts/build-sea.mjs: GetProviderSchema's response, encoded by the same catalog (base64). */
declare const __LOGTO_TF_PROVIDER_SCHEMA__: string;

const CORE_FILE = 'logto-iac-provider-core.cjs';
const wrapped = `(function (exports, require, module, __filename, __dirname) {${__LOGTO_TF_CORE_SOURCE__}\n})`;
/** The core's V8 code cache, made by the snapshot builder (latin1 text: a string is all a snapshot needs). */
let coreCache = '';

function compileCore(cachedData?: Buffer): { module: CoreModule; script: vm.Script } {
  const script = new vm.Script(wrapped, { filename: CORE_FILE, ...(cachedData ? { cachedData } : {}) });
  // (Terraform shows the plugin's stderr with TF_LOG.)
  if (cachedData && script.cachedDataRejected)
    process.stderr.write("[WARN] V8 rejected the core's code cache in this executable: compiling it from source\n");
  const mod = { exports: {} as CoreModule };
  script.runInThisContext()(mod.exports, require, mod, CORE_FILE, '.');
  return { module: mod.exports, script };
}

let core: CoreModule | undefined;
const loader: CoreLoader = {
  load: () => {
    core ??= compileCore(coreCache ? Buffer.from(coreCache, 'latin1') : undefined).module;
    return core;
  },
  providerMethods: __LOGTO_TF_PROVIDER_METHODS__,
  providerSchema: Buffer.from(__LOGTO_TF_PROVIDER_SCHEMA__, 'base64'),
};

function start(): void {
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

/**
 * Runs, in the snapshot builder, the code every launch runs before the handshake line, with nothing kept
 * (V8 compiles a function on its first call; compiled here, it is in the snapshot as bytecode): the
 * certificate code, the gRPC server's construction and shutdown (no port is bound), the handshake line.
 * Then the core, in a script of its own whose code cache is kept and whose heap is dropped.
 */
async function warmUp(): Promise<void> {
  const cert = makeServerCertificate();
  handshakeLine('unix', '/nonexistent', cert.der);
  const { server, closeStreams } = createPluginServer({
    providerMethods: loader.providerMethods,
    core: () => {
      throw new Error('not in the snapshot builder');
    },
    onShutdown: () => {},
  });
  closeStreams();
  server.forceShutdown();
  const built = compileCore();
  await warmCore(built.module);
  coreCache = built.script.createCachedData().toString('latin1');
}

if (v8.startupSnapshot?.isBuildingSnapshot()) {
  // The builder serialises the heap once its event loop is empty, so after the warm-up.
  warmUp().then(
    () => v8.startupSnapshot.setDeserializeMainFunction(start),
    (e: unknown) => {
      process.stderr.write(`warm-up failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
} else start();
