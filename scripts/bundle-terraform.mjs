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
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
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

/** Each service's methods with their message types (what provider/terraform/proto-messages.ts answers). */
function serviceMethods(pbRoot) {
  const services = {};
  for (const service of [
    'tfplugin6.Provider',
    'plugin.GRPCController',
    'plugin.GRPCStdio',
    'plugin.GRPCBroker',
    'grpc.health.v1.Health',
  ])
    services[service] = pbRoot.lookupService(service).methodsArray.map((m) => ({
      name: m.name,
      requestType: m.resolvedRequestType.fullName.slice(1),
      responseType: m.resolvedResponseType.fullName.slice(1),
      requestStream: Boolean(m.requestStream),
      responseStream: Boolean(m.responseStream),
    }));
  return services;
}

/**
 * pbjs's static code builds every message class and enum when it is loaded (`ns.Name = (function() {…})();`,
 * about 150 of them: 2–3 ms of each launch that loads the core). Here each of those becomes a getter
 * that builds it on first use and then holds it as a plain property. Generated code reaches other types
 * only through such properties (`$root.tfplugin6.Schema.Block.encode(…)`), at call time, so nothing else
 * changes. Throws if the code does not have the shape this relies on (another pbjs).
 */
function onFirstUse(code) {
  const open = /^(\s*)([\w$]+)\.(\w+) = \(function\(\) \{$/;
  const indents = [];
  let count = 0;
  const lines = code.split('\n').map((line) => {
    const m = open.exec(line);
    if (m) {
      indents.push(m[1]);
      count++;
      return `${m[1]}$onFirstUse(${m[2]}, ${JSON.stringify(m[3])}, function() {`;
    }
    if (indents.length > 0 && line === `${indents.at(-1)}})();`) return `${indents.pop()}});`;
    return line;
  });
  if (count === 0 || indents.length > 0) throw new Error('pbjs output has an unexpected shape: see onFirstUse');
  const helper = [
    'function $onFirstUse(o, k, make) {',
    '  $Object.defineProperty(o, k, { configurable: true, enumerable: true, get: function() {',
    '    var v = make();',
    '    $Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });',
    '    return v;',
    '  } });',
    '}',
  ];
  // (at the end: a function declaration is hoisted, and pbjs's "use strict" stays the first statement)
  return [...lines, ...helper].join('\n');
}

/**
 * The core bundle's stand-in for provider/terraform/proto-messages.ts: the protocol's messages as classes
 * that protobufjs' code generator (pbjs, static target) writes from the .proto files, written into `dir`.
 * A launch then neither parses .proto text nor builds reflection objects nor generates code at run time.
 *
 * tfplugin6 has a message named `Object` (Schema.Object); inside its generated class the name `Object`
 * is the class, so the generated calls of the global `Object.keys`, `Object.create`, … are pointed at
 * `globalThis.Object` explicitly.
 */
async function generatedMessages(dir, pbRoot) {
  const { pbjs } = createRequire(import.meta.url)('protobufjs-cli');
  const args = ['-t', 'static-module', '-w', 'commonjs', '--keep-case', '--no-verify', '--no-delimited'];
  const code = await new Promise((resolve, reject) =>
    pbjs.main([...args, '--no-comments', '--no-service', ...protoFiles.map((f) => join(protoDir, f))], (e, out) =>
      e ? reject(e) : resolve(out),
    ),
  );
  const globalObject = /(?<![.\w$])Object\.(?=(?:keys|create|defineProperty)\(|hasOwnProperty\.call\()/g;
  const messages = join(dir, 'messages.cjs');
  writeFileSync(messages, `var $Object = globalThis.Object;\n${onFirstUse(code.replace(globalObject, '$$Object.'))}`);
  const standIn = join(dir, 'proto-messages.cjs');
  writeFileSync(
    standIn,
    [
      `const root = require(${JSON.stringify(messages)});`,
      `const services = ${JSON.stringify(serviceMethods(pbRoot))};`,
      "exports.protocolMessages = () => ({ services, type: (name) => name.split('.').reduce((o, k) => o[k], root) });",
    ].join('\n'),
  );
  return standIn;
}

/** zod's members the core bundle leaves out (see `leanZod`). */
export const ZOD_LEFT_OUT = ['core', 'locales', 'toJSONSchema', 'fromJSONSchema'];

/**
 * `import { z } from 'zod'` in the core bundle, without the members in ZOD_LEFT_OUT.
 *
 * `z` is a namespace object, so esbuild keeps all of it: every locale (about 50, ~250 KiB), the JSON
 * Schema converters and the `core` namespace. The plugin needs none of them (messages are zod's English
 * ones, which zod installs itself; the JSON schemas are made by scripts, not by the plugin), and each
 * launch that serves resources would compile and initialise them: 2–3 ms. Here `z` is a namespace of
 * zod's other members, re-exported from the same module (`zod/v4/classic/external.js`, the one `zod`
 * re-exports), so esbuild drops what nothing reaches. A left-out member is a stub that throws, naming
 * this function, instead of `undefined`; test/terraform/protocol.test.ts checks that the plugin's sources
 * use none of them and that the bundle's validation messages are the modules'.
 */
function leanZod() {
  const require = createRequire(import.meta.url);
  const external = join(dirname(require.resolve('zod/package.json')), 'v4', 'classic', 'external.js');
  const { z } = require('zod');
  const kept = Object.keys(z).filter((k) => !ZOD_LEFT_OUT.includes(k));
  const members = [
    `export { ${kept.join(', ')} } from ${JSON.stringify(external)};`,
    'const leftOut = (name) => new Proxy(() => {}, { get: fail(name), apply: fail(name) });',
    'function fail(name) {',
    "  return () => { throw new Error(`z.${name} is left out of the Terraform plugin's core bundle (leanZod in scripts/bundle-terraform.mjs)`); };",
    '}',
    ...ZOD_LEFT_OUT.map((name) => `export const ${name} = leftOut(${JSON.stringify(name)});`),
  ].join('\n');
  return {
    name: 'lean-zod',
    setup(b) {
      // (zod's own modules import each other by relative paths: only our `from 'zod'` lands here)
      b.onResolve({ filter: /^zod$/ }, () => ({ path: 'z', namespace: 'lean-zod' }));
      b.onResolve({ filter: /^lean-zod-members$/ }, () => ({ path: 'members', namespace: 'lean-zod' }));
      b.onLoad({ filter: /^z$/, namespace: 'lean-zod' }, () => ({
        contents: "export * as z from 'lean-zod-members';",
        loader: 'js',
      }));
      b.onLoad({ filter: /^members$/, namespace: 'lean-zod' }, () => ({
        contents: members,
        loader: 'js',
        resolveDir: dirname(external),
      }));
    },
  };
}

/** Builds the core bundle (provider/terraform/core.ts) at `outfile`, with the generated messages. */
export async function buildCore(outfile, pbRoot = protoRoot()) {
  const work = mkdtempSync(join(tmpdir(), 'logto-tf-messages-'));
  try {
    const standIn = await generatedMessages(work, pbRoot);
    return await build({
      ...common,
      entryPoints: [join(root, 'provider', 'terraform', 'core.ts')],
      outfile,
      // (the generated code requires protobufjs/minimal from this repository's node_modules)
      nodePaths: [join(root, 'node_modules')],
      plugins: [
        leanZod(),
        {
          name: 'generated-messages',
          setup(b) {
            b.onResolve({ filter: /^\.\/proto-messages\.js$/ }, () => ({ path: standIn }));
          },
        },
      ],
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
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
  const core = await buildCore(coreFile, pbRoot);
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
