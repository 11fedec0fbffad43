#!/usr/bin/env node
/**
 * Bundles the Terraform provider plugin into two minified CommonJS files:
 *
 *   <out>.cjs        the start-up bundle (provider/terraform/entry.ts): cookie check, certificate, the gRPC
 *                    server and the handshake line — grpc-js and little else, so the handshake comes early;
 *   <out>-core.cjs   the core (provider/terraform/core.ts): catalog, zod, reconciler, HTTP client and the
 *                    protobufjs codecs, loaded on the first tfplugin6 call;
 *   <out>.manifest.json  both file names with their SHA-256, computed here once: the mirror's loader keys
 *                    its V8 code cache on them (provider/terraform/launcher.ts), so no start hashes a file.
 *
 * The protocol definitions are inlined pre-parsed: the core gets protobufjs' JSON descriptor of the .proto
 * files, the start-up bundle only tfplugin6.Provider's method list. No launch reads or parses .proto text.
 * The start-up bundle also carries the GetProviderSchema response, encoded here by the core just built
 * (the schema is a function of the catalog only), so a launch that only fetches the schema never loads
 * the core.
 * Output: dist/terraform-provider-logto.cjs (+ -core.cjs, .manifest.json)
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import protobuf from 'protobufjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoDir = join(root, 'provider', 'terraform');
const protoFiles = [
  'tfplugin6.proto',
  'grpc_controller.proto',
  'grpc_stdio.proto',
  'grpc_broker.proto',
  'health.proto',
];
const protos = Object.fromEntries(protoFiles.map((f) => [f, readFileSync(join(protoDir, f), 'utf8')]));

/** The .proto texts → one protobufjs root (what protocol.ts would build at run time). */
export function protoRoot() {
  const root = new protobuf.Root();
  for (const file of protoFiles) protobuf.parse(protos[file], root, { keepCase: true });
  root.resolveAll();
  return root;
}

/** Same rule as provider/terraform/files.ts. */
const coreName = (bundle) => `${basename(bundle).replace(/\.cjs$/, '')}-core.cjs`;
const manifestName = (bundle) => `${basename(bundle).replace(/\.cjs$/, '')}.manifest.json`;

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

export const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'error',
  metafile: true,
};

/** The start-up bundle never imports the core module graph: main.ts requires the core bundle file instead. */
export const coreIsSeparate = {
  name: 'core-is-separate',
  setup(b) {
    b.onResolve({ filter: /^\.\/core\.js$/ }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * grpc-js requires @grpc/proto-loader (and with it protobufjs) only inside its channelz and ORCA service
 * loaders, which the plugin never serves; the start-up bundle carries a stub instead of ~120 KiB of code.
 */
const noProtoLoader = {
  name: 'no-proto-loader',
  setup(b) {
    b.onResolve({ filter: /^@grpc\/proto-loader$/ }, () => ({ path: 'proto-loader', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: "throw new Error('@grpc/proto-loader is not part of the Logto provider plugin');",
      loader: 'js',
    }));
  },
};

/** GetProviderSchema's response bytes, from the core bundle just built (run in a fresh module instance). */
export async function encodedProviderSchema(coreFile, pbRoot) {
  const request = pbRoot.lookupType('tfplugin6.GetProviderSchema.Request');
  if (request.fieldsArray.length > 0)
    throw new Error('GetProviderSchema.Request has fields: it cannot be pre-answered');
  const require = createRequire(import.meta.url);
  delete require.cache[coreFile];
  const core = require(coreFile);
  delete require.cache[coreFile];
  const provider = new core.LogtoTerraformProvider({ env: {}, log: () => {} });
  const response = await provider.handlers().GetProviderSchema({});
  return core.loadServices().provider.GetProviderSchema.responseSerialize(response);
}

export async function bundleTerraform(outfile = join(root, 'dist', 'terraform-provider-logto.cjs')) {
  const pbRoot = protoRoot();
  const coreFile = join(dirname(outfile), coreName(outfile));
  const core = await build({
    ...common,
    entryPoints: [join(root, 'provider', 'terraform', 'core.ts')],
    outfile: coreFile,
    define: { __LOGTO_TF_DESCRIPTOR__: JSON.stringify(pbRoot.toJSON()) },
  });
  const providerSchema = await encodedProviderSchema(coreFile, pbRoot);
  const providerMethods = pbRoot.lookupService('tfplugin6.Provider').methodsArray.map((m) => ({
    name: m.name,
    requestStream: Boolean(m.requestStream),
    responseStream: Boolean(m.responseStream),
  }));
  const startup = await build({
    ...common,
    entryPoints: [join(root, 'provider', 'terraform', 'entry.ts')],
    outfile,
    define: {
      __LOGTO_TF_PROVIDER_METHODS__: JSON.stringify(providerMethods),
      __LOGTO_TF_PROVIDER_SCHEMA__: JSON.stringify(providerSchema.toString('base64')),
    },
    plugins: [coreIsSeparate, noProtoLoader],
  });
  const manifest = {
    bundle: { file: basename(outfile), sha256: sha256(outfile) },
    core: { file: basename(coreFile), sha256: sha256(coreFile) },
  };
  writeFileSync(join(dirname(outfile), manifestName(outfile)), `${JSON.stringify(manifest, null, 2)}\n`);
  const bytes = (r) => Object.values(r.metafile.outputs)[0]?.bytes ?? 0;
  return { outfile, coreFile, bytes: bytes(startup), coreBytes: bytes(core), manifest };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { outfile, coreFile, bytes, coreBytes } = await bundleTerraform(process.argv[2]);
  process.stderr.write(
    `wrote ${outfile} (${Math.round(bytes / 1024)} KiB) and ${coreFile} (${Math.round(coreBytes / 1024)} KiB)\n`,
  );
}
