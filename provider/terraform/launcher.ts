/**
 * The files `terraformInstall` writes next to the bundles in the filesystem mirror: the launcher Terraform
 * executes and the loader it runs.
 *
 * Terraform starts the plugin 3–5 times per command, and compiling the bundles is a large part of each
 * start. The loader runs them through `vm.Script` with V8's code cache, kept in the user's cache directory
 * (`$XDG_CACHE_HOME/logto-iac` or `~/.cache/logto-iac`): never a shared temp dir nor the mirror (a cache
 * file is code, and the mirror's files are covered by Terraform's lock-file hash). It is used only when
 *  - the directory is owned by the user and private (mode 0700; the loader creates it so), the file is a
 *    regular file owned by the user and writable by nobody else;
 *  - its header carries the same key: the bundle's SHA-256 computed when it was built (from the bundle
 *    manifest, so no start hashes a file), the bundle's size and mtime (a file edited after install), the
 *    Node version and architecture and the V8/Node flags;
 *  - V8 accepts it (V8 checks its own version, flags and the source length again).
 * Otherwise the bundle is compiled from source and a new cache is written (mode 0600, via a temp file and
 * rename): for the start-up bundle right after the handshake line (`save()`: it then holds what start-up
 * compiled), for the core when the process exits. The next three launches rewrite it at exit, each adding
 * the functions it compiled for the calls it served (the schema, validation, plan and apply launches of a
 * command differ); after that the cache stays as it is.
 */

/**
 * The shell launcher Terraform executes (`terraform-provider-logto_v<version>`) when the mirror holds the
 * bundles rather than the single executable. It runs `node` from PATH (or `$LOGTO_IAC_NODE`): no path of
 * the installing machine is written into it, so its bytes, and the hash Terraform locks, are the same on
 * every machine for the same package.
 */
export function launcherScript(loaderName: string): string {
  return [
    '#!/bin/sh',
    '# Launcher of the Logto Terraform provider (logto-iac): runs the bundle next to this file with Node.js.',
    `exec "\${LOGTO_IAC_NODE:-node}" "$(dirname "$0")/${loaderName}" "$@"`,
    '',
  ].join('\n');
}

export interface LoaderBundle {
  /** File name next to the loader. */
  file: string;
  /** SHA-256 of the file, computed when it was built. */
  sha256: string;
}

/** CommonJS source of the loader: runs `entry` (and, on request, the other bundles) with a code cache. */
export function loaderSource(entry: LoaderBundle, others: LoaderBundle[]): string {
  const known = Object.fromEntries([entry, ...others].map((b) => [b.file, b.sha256]));
  return `'use strict';
// logto-iac: runs ${entry.file} with a V8 code cache (see provider/terraform/launcher.ts in logto-iac).
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const BUILD_HASHES = ${JSON.stringify(known)};
const MAGIC = 'logto-iac v8 code cache\\n';
/** A cache is rewritten at exit by the launches that find generation 1 .. GENERATIONS-1, then kept. */
const GENERATIONS = 4;
const uid = process.getuid ? process.getuid() : -1;
const flags = [process.execArgv.join(' '), process.env.NODE_OPTIONS || ''].join('|');
let cacheDir;
if (process.env.LOGTO_IAC_NO_CODE_CACHE !== '1' && uid >= 0) {
  const base = process.env.XDG_CACHE_HOME || (process.env.HOME && path.join(process.env.HOME, '.cache'));
  if (base && path.isAbsolute(base)) cacheDir = path.join(base, 'logto-iac');
}

/** The directory when it is ours and private; created (0700) when asked and absent. */
function privateDir(create) {
  if (!cacheDir) return false;
  let st = fs.lstatSync(cacheDir, { throwIfNoEntry: false });
  if (!st && create) {
    fs.mkdirSync(path.dirname(cacheDir), { recursive: true, mode: 0o700 });
    fs.mkdirSync(cacheDir, { mode: 0o700 });
    st = fs.lstatSync(cacheDir);
  }
  return Boolean(st && st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0);
}

function hashOf(text) {
  let h = 5381;
  for (let i = 0; i < text.length; i++) h = ((h * 33) ^ text.charCodeAt(i)) >>> 0;
  return h.toString(36);
}

const loaded = new Map();
const pending = [];

function load(file, atExit) {
  const name = path.basename(file);
  const source = fs.readFileSync(file, 'utf8');
  let cacheFile;
  let header;
  let cached;
  let generation = 0;
  const build = BUILD_HASHES[name];
  if (build && cacheDir) {
    try {
      const st = fs.statSync(file);
      header = MAGIC + JSON.stringify([name, build, st.size, st.mtimeMs, process.version, process.arch, flags]) + '\\n';
      cacheFile = path.join(cacheDir, name.replace(/\\.cjs$/, '') + '-' + build.slice(0, 16) + '-' + process.version + '-' + process.arch + (flags === '|' ? '' : '-' + hashOf(flags)) + '.v8cache');
      if (privateDir(false)) {
        const fd = fs.openSync(cacheFile, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
        try {
          const cst = fs.fstatSync(fd);
          if (cst.isFile() && cst.uid === uid && (cst.mode & 0o022) === 0) {
            const data = fs.readFileSync(fd);
            const head = Buffer.from(header);
            if (data.length > head.length + 2 && data.subarray(0, head.length).equals(head) && data[head.length + 1] === 10) {
              generation = data[head.length] - 48;
              cached = data.subarray(head.length + 2);
            }
          }
        } finally {
          fs.closeSync(fd);
        }
      }
    } catch {
      cached = undefined;
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData: cached });
  if (cacheFile && (!cached || script.cachedDataRejected)) pending.push({ script, cacheFile, header, atExit, generation: 1 });
  else if (cacheFile && generation >= 1 && generation < GENERATIONS) {
    // Each of the first launches adds the functions it compiled (the calls it served) to the cache.
    pending.push({ script, cacheFile, header, atExit: true, generation: generation + 1 });
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  script.runInThisContext()(mod.exports, require, mod, file, path.dirname(file));
  mod.loaded = true;
  return mod.exports;
}

/**
 * Writes caches (a cache is an optimisation: errors are ignored). save(false), called by the plugin right
 * after its handshake line, writes the start-up bundle's when it had none: a run that stopped early (no
 * magic cookie) never stores a cache of half the start-up path. save(true), at exit, writes the rest: the
 * core's when it had none, and the next generation of a cache found at generation 1–3. Nothing heavy
 * runs right after the line, while Terraform connects.
 */
function save(exiting) {
  for (const item of pending.slice()) {
    if (item.atExit !== exiting) continue;
    pending.splice(pending.indexOf(item), 1);
    const { script, cacheFile, header, generation } = item;
    try {
      if (!privateDir(true)) return;
      const tmp = cacheFile + '.' + process.pid + '.tmp';
      fs.writeFileSync(tmp, Buffer.concat([Buffer.from(header + generation + '\\n'), script.createCachedData()]), { mode: 0o600, flag: 'wx' });
      fs.renameSync(tmp, cacheFile);
    } catch {
      // not cached this time
    }
  }
}
process.on('exit', () => save(true));

globalThis[Symbol.for('logto-iac.terraform.codeCache')] = {
  require(file) {
    const full = path.resolve(__dirname, file);
    if (!loaded.has(full)) loaded.set(full, load(full, true));
    return loaded.get(full);
  },
  save: () => save(false),
};
const entry = path.join(__dirname, ${JSON.stringify(entry.file)});
loaded.set(entry, load(entry, false));
`;
}
