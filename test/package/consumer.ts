/**
 * A fresh project outside the repository that installs the packed logto-iac tarball, offline.
 *
 * `npm install --offline` of a tarball needs every dependency's registry metadata, which `npm ci` never
 * fetches (it installs from the lockfile's integrity hashes), so an offline install of the tarball into an
 * empty project fails even on a machine whose cache holds every package. The consumer project therefore gets
 * a lockfile too: the tarball, plus the entries of this repository's package-lock.json that the project's
 * dependencies reach (the same versions `npm ci` of this repository put in the cache), and is installed
 * with `npm ci --offline`, as a user's CI installs a locked project.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

interface Lockfile {
  name: string;
  version: string;
  lockfileVersion: number;
  requires: boolean;
  packages: Record<string, LockEntry>;
}

export interface PackResult {
  file: string;
  packedBytes: number;
  unpackedBytes: number;
  files: string[];
  integrity: string;
}

/** `npm pack` of the repository (already built: --ignore-scripts skips `prepare`'s second build) into `dir`. */
export function packRepository(dir: string): PackResult {
  const run = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`npm pack failed: ${run.stderr}`);
  const [info] = JSON.parse(run.stdout) as [
    { filename: string; size: number; unpackedSize: number; files: { path: string }[] },
  ];
  const file = join(dir, info.filename);
  return {
    file,
    packedBytes: info.size,
    unpackedBytes: info.unpackedSize,
    files: info.files.map((f) => f.path),
    integrity: `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`,
  };
}

/** The path npm resolves `name` to from the package at `from` (a lockfile key): nearest node_modules up. */
function resolveFrom(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

/**
 * package.json and package-lock.json of a project depending on the tarball and on `others` (names of
 * packages in this repository's lockfile, at the versions it pins).
 */
export function consumerProject(tarball: PackResult, others: string[]): { manifest: object; lockfile: Lockfile } {
  const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  const repoPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    license: string;
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional?: boolean }>;
    bin: Record<string, string>;
    engines: Record<string, string>;
  };
  const source = repoLock.packages;
  const packages: Record<string, LockEntry> = {};
  const queue: [string, string][] = [];
  const want = (from: string, names: Record<string, string> | undefined, optional: (n: string) => boolean) => {
    for (const name of Object.keys(names ?? {})) {
      const at = resolveFrom(source, from, name);
      if (at) queue.push([at, name]);
      else if (!optional(name))
        throw new Error(`${name} (needed by ${from || 'the project'}) is not in package-lock.json`);
    }
  };
  const dependencies: Record<string, string> = { [repoPackage.name]: `file:${tarball.file}` };
  for (const name of others) {
    const version = source[`node_modules/${name}`]?.version;
    if (!version) throw new Error(`${name} is not in this repository's package-lock.json`);
    dependencies[name] = version;
  }
  // The tarball's own dependencies resolve to this repository's top-level entries (the same pins).
  want('', repoPackage.dependencies, () => false);
  want('', Object.fromEntries(others.map((n) => [n, ''])), () => false);
  while (queue.length > 0) {
    const [at] = queue.shift() as [string, string];
    if (packages[at]) continue;
    // The dev/peer flags describe this repository's tree; in the consumer's every entry is a real dependency.
    const entry = { ...(source[at] as LockEntry) };
    delete entry.dev;
    delete entry.devOptional;
    delete entry.peer;
    packages[at] = entry;
    want(at, entry.dependencies, () => false);
    want(at, entry.optionalDependencies, () => true);
    want(at, entry.peerDependencies, (n) => entry.peerDependenciesMeta?.[n]?.optional === true);
  }
  packages[`node_modules/${repoPackage.name}`] = {
    version: repoPackage.version,
    resolved: `file:${tarball.file}`,
    integrity: tarball.integrity,
    license: repoPackage.license,
    dependencies: repoPackage.dependencies,
    bin: repoPackage.bin,
    engines: repoPackage.engines,
    peerDependencies: repoPackage.peerDependencies,
    peerDependenciesMeta: repoPackage.peerDependenciesMeta,
  };
  const manifest = { name: 'logto-iac-consumer', version: '1.0.0', private: true, type: 'module', dependencies };
  return {
    manifest,
    lockfile: {
      name: manifest.name,
      version: manifest.version,
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: manifest.name, version: manifest.version, dependencies }, ...packages },
    },
  };
}

export function writeConsumer(dir: string, project: { manifest: object; lockfile: Lockfile }): void {
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(project.manifest, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(project.lockfile, null, 2)}\n`);
}
