/**
 * Entry point of the single executable (`scripts/build-sea.mjs`): the start-up code and the core in one
 * bundle, run by Node's single-executable-application support from a V8 start-up snapshot.
 *
 * Everything below the imports runs once, when the executable is built (`node --build-snapshot` inside
 * `node --experimental-sea-config`): the catalog with its zod schemas, the reconciler, undici and the
 * protobufjs codecs of tfplugin6 and grpc-js are loaded and initialised there, and V8 serialises the heap
 * (grpc-js reaches node:http2 through a stand-in that loads it at the first call: build-sea.mjs). A launch
 * deserialises that heap and runs `start`: the certificate, the TLS context, the socket and every timer
 * are made then, never in the snapshot (a snapshot must hold no handles, and a key baked into the
 * executable would be the same in every launch).
 *
 * Run as a plain script (`node dist/sea/…cjs`, used when no snapshot is built) it starts right away.
 */
import * as v8 from 'node:v8';
import { makeServerCertificate } from './cert.js';
import * as core from './core.js';
import { handshakeLine } from './handshake.js';
import { type CoreLoader, main } from './main.js';
import { createPluginServer } from './rpc.js';
import { methodsOf } from './wire.js';

/** Set by scripts/build-sea.mjs: GetProviderSchema's response, encoded by the same catalog (base64). */
declare const __LOGTO_TF_PROVIDER_SCHEMA__: string | undefined;

const services = core.loadServices();
const loader: CoreLoader = {
  load: () => core,
  providerMethods: methodsOf(services.provider),
  ...(typeof __LOGTO_TF_PROVIDER_SCHEMA__ === 'string'
    ? { providerSchema: Buffer.from(__LOGTO_TF_PROVIDER_SCHEMA__, 'base64') }
    : {}),
};

function start(): void {
  main(process.env, loader).catch((e: unknown) => {
    process.stderr.write(`terraform-provider-logto: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}

/**
 * Runs, in the snapshot builder, the code every launch runs, with nothing kept: V8 compiles a function on
 * its first call, and a function compiled here is in the snapshot as bytecode, so a launch does not
 * compile it again (a start-up snapshot carries no code cache otherwise). Covered: the certificate code,
 * the gRPC server's construction and shutdown (no port is bound), the handshake line. No handle, timer,
 * socket or key outlives it (the server is shut down, the key pair is garbage). Then the provider's
 * calls that need no API request run once for every resource type (validation, the plan of a create), with
 * the protobufjs codecs of their messages.
 */
async function warmUp(): Promise<void> {
  const cert = makeServerCertificate();
  handshakeLine('unix', '/nonexistent', cert.der);
  const provider = new core.LogtoTerraformProvider({ env: {}, log: () => {} });
  const handlers = provider.handlers();
  const { server, closeStreams } = createPluginServer({
    providerMethods: loader.providerMethods,
    core: () => ({ handlers, codecs: services.provider }),
    onShutdown: () => {},
  });
  closeStreams();
  server.forceShutdown();
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
  // Validation and planning of a create, for every resource type: the calls of a plan's launches that
  // need no API request. (ConfigureProvider is not called: it would make an HTTP client.)
  const metadata = (await (handlers.GetMetadata as NonNullable<(typeof handlers)['GetMetadata']>)({})) as {
    resources: { type_name: string }[];
  };
  for (const { type_name } of metadata.resources) {
    await call('ValidateResourceConfig', { type_name, config: json({}) });
    await call('PlanResourceChange', { type_name, proposed_new_state: json({}), config: json({}) });
  }
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
