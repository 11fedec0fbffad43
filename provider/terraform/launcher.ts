/**
 * The files `terraformInstall` writes next to the bundle in the filesystem mirror.
 *
 * Terraform starts the plugin 3–5 times per command, and compiling the 1.3 MB bundle is about a third of
 * each start. The loader keeps V8's code cache for the bundle in the user's cache directory
 * (`$XDG_CACHE_HOME/logto-iac` or `~/.cache/logto-iac`, mode 0700 — never a shared temp dir, since a cache
 * file is code) and hands it back on the next start; V8 rejects a cache that does not match the source.
 */

/** The shell launcher Terraform executes (`terraform-provider-logto_v<version>`). */
export function launcherScript(node: string, loaderName: string): string {
  return [
    '#!/bin/sh',
    '# Launcher of the Logto Terraform provider (logto-iac): runs the bundle next to this file with Node.js.',
    `NODE="\${LOGTO_IAC_NODE:-${node}}"`,
    '[ -x "$NODE" ] || NODE=node',
    `exec "$NODE" "$(dirname "$0")/${loaderName}" "$@"`,
    '',
  ].join('\n');
}

/** CommonJS source of the loader: runs the bundle through vm.Script with a persistent code cache. */
export function loaderSource(bundleName: string): string {
  return `'use strict';
// logto-iac: loads ${bundleName} with a V8 code cache (see provider/terraform/launcher.ts).
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const vm = require('node:vm');
const Module = require('node:module');

const file = path.join(__dirname, ${JSON.stringify(bundleName)});
const source = fs.readFileSync(file, 'utf8');
let cacheFile;
let cached;
try {
  if (process.env.LOGTO_IAC_NO_CODE_CACHE !== '1') {
    const base = process.env.XDG_CACHE_HOME || (os.homedir() && path.join(os.homedir(), '.cache'));
    if (base) {
      const dir = path.join(base, 'logto-iac');
      const stat = fs.statSync(file);
      const key = [process.version, process.arch, stat.size, Math.floor(stat.mtimeMs)].join('-');
      cacheFile = path.join(dir, 'terraform-provider-' + key.replace(/[^a-zA-Z0-9.-]/g, '_') + '.v8cache');
      const dirStat = fs.statSync(dir, { throwIfNoEntry: false });
      if (dirStat && dirStat.uid === process.getuid() && (dirStat.mode & 0o022) === 0) {
        cached = fs.readFileSync(cacheFile, { flag: 'r' });
      }
    }
  }
} catch {
  cached = undefined;
}
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData: cached, importModuleDynamically: undefined });
if (cacheFile && (!cached || script.cachedDataRejected)) {
  // Written at exit, when the functions used by this run have been compiled too.
  process.on('exit', () => {
    try {
      const dir = path.dirname(cacheFile);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = cacheFile + '.' + process.pid;
      fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(tmp, cacheFile);
    } catch {
      // a cache is an optimisation only
    }
  });
}
const bundleModule = new Module(file, module);
bundleModule.filename = file;
bundleModule.paths = Module._nodeModulePaths(path.dirname(file));
script.runInThisContext()(bundleModule.exports, require, bundleModule, file, path.dirname(file));
`;
}
