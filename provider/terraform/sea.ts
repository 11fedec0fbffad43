/**
 * Entry point of the single executable (`scripts/build-sea.mjs`): the start-up code and the core in one
 * bundle, run by Node's single-executable-application support from a V8 start-up snapshot.
 *
 * Everything below the imports runs once, when the executable is built (`node --build-snapshot` inside
 * `node --experimental-sea-config`): the catalog with its zod schemas, the reconciler, undici and the
 * protobufjs codecs of tfplugin6 are loaded and initialised there, and V8 serialises the heap. grpc-js is
 * compiled into the snapshot but runs its module code at start (see `start`). A launch
 * deserialises that heap and runs `start`: the certificate, the TLS context, the socket and every timer
 * are made then, never in the snapshot (a snapshot must hold no handles, and a key baked into the
 * executable would be the same in every launch).
 *
 * Run as a plain script (`node dist/sea/…cjs`, used when no snapshot is built) it starts right away.
 */
import * as v8 from 'node:v8';
import * as core from './core.js';
import type { CoreLoader } from './main.js';
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
  // grpc-js is loaded here, after deserialisation: it needs node:http2, which loads node:http, whose parser
  // binding V8 cannot serialise (Node 20). In the bundle this `require` is esbuild's lazy module init.
  const { main } = require('./main.js') as typeof import('./main.js');
  main(process.env, loader).catch((e: unknown) => {
    process.stderr.write(`terraform-provider-logto: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}

if (v8.startupSnapshot?.isBuildingSnapshot()) v8.startupSnapshot.setDeserializeMainFunction(start);
else start();
