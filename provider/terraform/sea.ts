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
 * the gRPC server's construction and shutdown (no port is bound), the handshake line, the provider's
 * schema and metadata handlers and the protobufjs codecs of every tfplugin6 message. No handle, timer,
 * socket or key outlives it (the server is shut down, the key pair is garbage).
 */
async function warmUp(): Promise<void> {
  const cert = makeServerCertificate();
  handshakeLine('unix', '/nonexistent', cert.der);
  const { server, closeStreams } = createPluginServer({
    providerMethods: loader.providerMethods,
    core: () => ({ handlers: provider.handlers(), codecs: services.provider }),
    onShutdown: () => {},
  });
  closeStreams();
  server.forceShutdown();
  const provider = new core.LogtoTerraformProvider({ env: {}, log: () => {} });
  const handlers = provider.handlers();
  for (const [name, method] of Object.entries(services.provider)) {
    try {
      method.requestDeserialize(Buffer.alloc(0));
      const handler = handlers[name];
      if (name === 'GetProviderSchema' || name === 'GetMetadata')
        method.responseSerialize(await (handler as NonNullable<typeof handler>)({}));
    } catch {
      // a codec that wants a non-empty message: compiled all the same
    }
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
