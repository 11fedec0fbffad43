/**
 * Scenario `pkg`: the size of the npm package as `npm pack` would publish it (after the bench's build), so a
 * change that drags test output, source maps or a dev-only file into the tarball shows up as a FAIL here.
 * The budgets and why they are what they are: bench/README.md ("npm package size").
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, judged, round } from './lib.js';

const S = 'pkg';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Budgets: about 20 % over the 0.1 release's 0.95 MB packed / 5.1 MB unpacked / 347 files. */
export const PACKAGE_BUDGET = { packedBytes: 1_200_000, unpackedBytes: 6_500_000, files: 420 };

/** What `npm pack` would put in the tarball: sizes in bytes, the file list with each file's size. */
export function packContents(cwd = root) {
  // --ignore-scripts: the bench (and the tarball test) built dist/ already; `prepare` would build it again.
  const run = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm pack --dry-run failed: ${run.stderr}`);
  const [info] = JSON.parse(run.stdout);
  return { packed: info.size, unpacked: info.unpackedSize, files: info.files };
}

/** Unpacked bytes by part of the package (the groups bench/README.md budgets). */
export function sizeByPart(files) {
  const part = (p) => {
    if (p.endsWith('.d.ts')) return 'type declarations';
    if (p === 'schema/management.openapi.json') return 'Management API document (emulator)';
    if (p.startsWith('schema/')) return 'editor JSON schemas';
    if (p.startsWith('dist/terraform-provider-logto')) return 'Terraform plugin bundles';
    if (p.startsWith('dist/')) return 'compiled modules';
    return 'other (bin, README, package.json)';
  };
  const out = {};
  for (const f of files) out[part(f.path)] = (out[part(f.path)] ?? 0) + f.size;
  return out;
}

export async function packageSize(log) {
  const { packed, unpacked, files } = packContents();
  const parts = sizeByPart(files);
  for (const [name, bytes] of Object.entries(parts)) log(`${name}: ${round(bytes / 1e6, 2)} MB`);
  const mb = (n) => round(n / 1e6, 3);
  return {
    figures: [
      judged(S, 'npm tarball (packed)', mb(packed), 'MB', { op: '<=', value: PACKAGE_BUDGET.packedBytes / 1e6 }),
      judged(S, 'npm package unpacked', mb(unpacked), 'MB', { op: '<=', value: PACKAGE_BUDGET.unpackedBytes / 1e6 }),
      judged(S, 'files in the package', files.length, 'files', { op: '<=', value: PACKAGE_BUDGET.files }),
      figure(S, 'largest file', mb(Math.max(...files.map((f) => f.size))), 'MB', {
        note: [...files].sort((a, b) => b.size - a.size)[0]?.path,
      }),
    ],
    details: { packedBytes: packed, unpackedBytes: unpacked, files: files.length, unpackedBytesByPart: parts },
  };
}
