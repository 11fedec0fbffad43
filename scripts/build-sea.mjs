#!/usr/bin/env node
/**
 * Builds the Terraform provider plugin as one executable for the platform this runs on: Node's
 * single-executable application (SEA) support, with the plugin in a V8 start-up snapshot.
 *
 *   1. esbuild bundles provider/terraform/sea.ts into one CommonJS script (the start-up code and grpc-js,
 *      with tfplugin6's method list inlined) and the core into a second bundle (as bundle-terraform.mjs
 *      builds it); that core encodes the GetProviderSchema response;
 *   2. `node plugin.cjs --write-core-cache` compiles the core, runs its calls that need no API and writes
 *      V8's code cache of it;
 *   3. `node --experimental-sea-config` runs the script once as a snapshot builder (`useSnapshot`): it loads
 *      grpc-js and runs the start-up code once (so it is compiled), and V8 serialises that heap into the
 *      preparation blob. The core's source, its code cache and the encoded schema go into the blob as
 *      assets, outside the heap: a snapshot is deserialised whole at every launch (8–10 ms per MB of
 *      heap here), an asset is read only by the launch that needs it (sea.ts);
 *   4. the blob is injected into a copy of the Node binary running this script (`process.execPath`) with
 *      postject, under the fuse Node looks for (NODE_SEA_FUSE_…); on macOS the copy's signature is
 *      removed before and an ad-hoc one made after (`codesign`).
 *
 * What the executable's bytes depend on: the Node binary (its version, platform and build), the bundle
 * (this repository's code and locked dependencies) and V8's snapshot serialiser. They do not depend on
 * where Node or the repository live, the user or the environment: no path is baked in (the bundle is built
 * with relative paths, the blob in a working directory of its own, the builder gets only PATH). On Node
 * 20 the snapshot is not byte-reproducible (two builds of the same inputs differ), so the executable
 * published with a release is the one whose hashes lock files hold.
 *
 *   node scripts/build-sea.mjs [out-file]     default dist/sea/<os>_<arch>/terraform-provider-logto
 *
 * `seaExecutable()` builds into a cache (node_modules/.cache/logto-iac-sea, keyed on the bundles', the
 * schema's and the Node binary's SHA-256) and returns the cached file when it exists: the tests and the
 * bench build once.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { buildCore, common, coreIsSeparate, encodedProviderSchema, protoRoot } from './bundle-terraform.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The fuse Node's SEA support looks for in its own binary (Node's documentation names it). */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

export function terraformPlatform(platform = process.platform, arch = process.arch) {
  const a = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
  return `${platform}_${a[arch] ?? arch}`;
}

const LAZY_BUILTINS = ['http2', 'http', 'tls'];

/**
 * grpc-js loads node:http2 (and node:http for its proxy support) at module load; node:http2 loads node:http,
 * whose HTTP parser binding V8 cannot serialise into a snapshot (Node 20); node:tls holds TLSWrap's
 * functions, which Node does not register for snapshots either. In the SEA bundle grpc-js gets these
 * modules through stand-ins: every member is a getter that loads the real module on first use, after the
 * snapshot is deserialised, and `constants` is a copy made here (grpc-js reads http2.constants at load
 * time). So grpc-js itself is loaded and initialised in the snapshot; were a grpc-js update to read
 * another member at load time, the real module would load in the snapshot builder and the build fails
 * (V8 refuses to serialise those bindings), not the executable.
 */
async function lazyBuiltins() {
  const stand_in = {};
  for (const name of LAZY_BUILTINS) {
    const real = createRequire(import.meta.url)(`node:${name}`);
    const members = Object.keys(real)
      .filter((k) => k !== 'constants')
      .map((k) => `  ${JSON.stringify(k)}: { get: () => load()[${JSON.stringify(k)}], enumerable: true },`);
    stand_in[name] = [
      'let real;',
      `const load = () => (real ??= require('node:${name}'));`,
      `module.exports = Object.defineProperties({}, {`,
      ...members,
      '});',
      ...(real.constants ? [`module.exports.constants = Object.freeze(${JSON.stringify(real.constants)});`] : []),
    ].join('\n');
  }
  const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
  return {
    name: 'lazy-builtins',
    setup(b) {
      b.onResolve({ filter }, (args) => {
        if (!/[\\/]@grpc[\\/]grpc-js[\\/]/.test(args.importer)) return undefined;
        return { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
        contents: stand_in[args.path],
        loader: 'js',
      }));
    },
  };
}

/**
 * The SEA's inputs, written into `dir`: `plugin.cjs`, its single script (CommonJS, no user-land `require`
 * left: a snapshot allows built-ins only), and two assets that stay outside the snapshot's heap:
 * `core.cjs`, the core bundle's source, and `schema.bin`, the GetProviderSchema response encoded by that
 * same core. Returns their paths.
 */
export async function bundleSea(dir) {
  mkdirSync(dir, { recursive: true });
  const pbRoot = protoRoot();
  const core = join(dir, 'core.cjs');
  await buildCore(core, pbRoot);
  const schema = join(dir, 'schema.bin');
  writeFileSync(schema, await encodedProviderSchema(core, pbRoot));
  const providerMethods = pbRoot.lookupService('tfplugin6.Provider').methodsArray.map((m) => ({
    name: m.name,
    requestStream: Boolean(m.requestStream),
    responseStream: Boolean(m.responseStream),
  }));
  const script = join(dir, 'plugin.cjs');
  await build({
    ...common,
    absWorkingDir: root,
    entryPoints: ['provider/terraform/sea.ts'],
    outfile: script,
    plugins: [await lazyBuiltins(), coreIsSeparate],
    define: { __LOGTO_TF_PROVIDER_METHODS__: JSON.stringify(providerMethods) },
  });
  return { script, core, schema };
}

/** Injects `blob` into a copy of `node` at `out` (postject), signing on macOS as Node's documentation says. */
async function inject(node, blob, out) {
  const require = createRequire(import.meta.url);
  const { inject: postject } = require('postject');
  const tmp = `${out}.${process.pid}.tmp`;
  copyFileSync(node, tmp);
  chmodSync(tmp, 0o755);
  if (process.platform === 'darwin') execFileSync('codesign', ['--remove-signature', tmp]);
  // postject's ELF library warns about Node's `.note.100` sections on every injection (harmless, known).
  const warn = console.warn;
  console.warn = (...args) => {
    if (!/^warning: Can't find string offset for section name '\.note/.test(String(args[0]))) warn(...args);
  };
  try {
    await postject(tmp, 'NODE_SEA_BLOB', readFileSync(blob), {
      sentinelFuse: SEA_FUSE,
      ...(process.platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
    });
  } finally {
    console.warn = warn;
  }
  if (process.platform === 'darwin') execFileSync('codesign', ['--sign', '-', tmp]);
  renameSync(tmp, out);
}

/**
 * Builds the executable at `out` from `bundleSea`'s files with the Node binary `node` (default: the one
 * running this). `snapshot: false` uses V8's code cache instead of a start-up snapshot (for comparison).
 *
 * First `node plugin.cjs --write-core-cache` compiles the core, runs its calls that need no API and writes
 * V8's code cache of it (sea.ts); that file becomes a third asset. The same binary makes and reads it, so
 * V8 accepts it (it checks the version, the flags and the source).
 */
export async function buildSeaFrom(files, out, { node = process.execPath, snapshot = true, builderFlags = [] } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'logto-sea-'));
  // The builders run our script: give them no environment that could change what it loads.
  const run = (args, what) => {
    try {
      execFileSync(node, args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    } catch (e) {
      throw new Error(`${what} failed: ${String(e.stderr ?? e.message).slice(-2000)}`);
    }
  };
  try {
    copyFileSync(files.script, join(work, 'plugin.cjs'));
    copyFileSync(files.core, join(work, 'core.cjs'));
    copyFileSync(files.schema, join(work, 'schema.bin'));
    run(['plugin.cjs', '--write-core-cache', 'core.cjs', 'core.cache'], "making the core's code cache");
    const config = {
      main: 'plugin.cjs',
      output: 'plugin.blob',
      disableExperimentalSEAWarning: true,
      ...(snapshot ? { useSnapshot: true } : { useCodeCache: true }),
      assets: { 'core.cjs': 'core.cjs', 'core.cache': 'core.cache', 'schema.bin': 'schema.bin' },
    };
    writeFileSync(join(work, 'sea-config.json'), JSON.stringify(config));
    run([...builderFlags, '--experimental-sea-config', 'sea-config.json'], 'node --experimental-sea-config');
    mkdirSync(dirname(out), { recursive: true });
    await inject(node, join(work, 'plugin.blob'), out);
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Bundles and builds in one go; `out` defaults to dist/sea/<os>_<arch>/terraform-provider-logto[.exe]. */
export async function buildSea(out, options = {}) {
  const exe = process.platform === 'win32' ? '.exe' : '';
  const target = resolve(out ?? join(root, 'dist', 'sea', terraformPlatform(), `terraform-provider-logto${exe}`));
  const work = mkdtempSync(join(tmpdir(), 'logto-sea-script-'));
  try {
    await buildSeaFrom(await bundleSea(work), target, options);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

let nodeHash;
/**
 * The executable for this platform from the cache (built there first when missing). The key covers the
 * bundle, the Node binary and the snapshot/code-cache choice, so an edited source or another Node builds
 * anew; the cache keeps only the latest build.
 */
export async function seaExecutable({ snapshot = true, cacheDir } = {}) {
  const base = cacheDir ?? join(root, 'node_modules', '.cache', 'logto-iac-sea');
  const work = mkdtempSync(join(tmpdir(), 'logto-sea-script-'));
  try {
    const files = await bundleSea(work);
    nodeHash ??= sha256(readFileSync(process.execPath));
    const inputs = [files.script, files.core, files.schema].map((f) => sha256(readFileSync(f)));
    const key = sha256(JSON.stringify([...inputs, nodeHash, process.version, process.arch, snapshot])).slice(0, 24);
    const exe = process.platform === 'win32' ? '.exe' : '';
    const file = join(base, key, `terraform-provider-logto${exe}`);
    if (!existsSync(file)) {
      await buildSeaFrom(files, file, { snapshot });
      // ~100 MB each: keep only this build.
      for (const other of readdirSync(base))
        if (other !== key) rmSync(join(base, other), { recursive: true, force: true });
    }
    return file;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = Date.now();
  const out = await buildSea(process.argv[2]);
  process.stderr.write(
    `wrote ${out} (${Math.round(readFileSync(out).length / 1048576)} MiB) in ${Date.now() - t0} ms\n`,
  );
}
