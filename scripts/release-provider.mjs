#!/usr/bin/env node
/**
 * `npm run release:provider -- --version <v> --out <dir> [--gpg-key <id>] [--no-build] [--executable <file>]`
 *
 * Writes the Terraform provider's release files for the platform this runs on, laid out as the Terraform and
 * OpenTofu registries consume them (and as `terraform init` verifies them):
 *
 *   terraform-provider-logto_<v>_<os>_<arch>.zip     the single executable `terraform-provider-logto_v<v>`
 *                                                   (`.exe` on Windows), mode 0755, fixed timestamps
 *   terraform-provider-logto_<v>_manifest.json      terraform-registry-manifest.json, compact:
 *                                                   {"version":1,"metadata":{"protocol_versions":["6.0"]}}
 *   terraform-provider-logto_<v>_SHA256SUMS         SHA-256 of every zip of <v> in <dir> and of the manifest
 *   terraform-provider-logto_<v>_SHA256SUMS.sig     detached binary GPG signature of it (with --gpg-key)
 *
 * Run it on each platform's runner into the same <dir> (or collect the zips into one <dir>): every run
 * rewrites SHA256SUMS over all the zips of that version found there. `--no-build` only rewrites the
 * manifest, SHA256SUMS and the signature (the last job of a release, after the platforms' zips are
 * collected). `--executable` zips a given file instead of building one (scripts/build-sea.mjs).
 *
 * Signing uses the `gpg` on PATH with the key given (its secret key in the keyring, no passphrase prompt:
 * pass one through gpg-agent or `--pinentry-mode loopback` as your CI does).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { crc32, deflateRawSync } from 'node:zlib';
import { buildSea, terraformPlatform } from './build-sea.mjs';

export const PROVIDER = 'terraform-provider-logto';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The registry manifest (protocol 6.0), one file for this script and the provider repository. */
const registryManifest = () => JSON.parse(readFileSync(join(root, 'terraform-registry-manifest.json'), 'utf8'));

/** The executable's name inside the zip (and in an unpacked mirror): Terraform's convention. */
export const executableName = (version, platform = process.platform) =>
  `${PROVIDER}_v${version}${platform === 'win32' ? '.exe' : ''}`;

/** 1980-01-01 00:00 in DOS time: every build of the same bytes gives the same zip. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** A zip with one file, deflated, Unix mode 0755 (Terraform keeps the mode when it unpacks). */
export function zipOne(name, data, mode = 0o755) {
  const nameBytes = Buffer.from(name, 'utf8');
  const body = deflateRawSync(data);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(0x0800, 6); // UTF-8 name
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(DOS_TIME, 10);
  local.writeUInt16LE(DOS_DATE, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0 (so the external attributes hold the mode)
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(DOS_TIME, 12);
  central.writeUInt16LE(DOS_DATE, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38); // regular file + mode
  central.writeUInt32LE(0, 42); // offset of the local header
  const centralStart = local.length + nameBytes.length + body.length;
  const centralSize = central.length + nameBytes.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(centralStart, 16);
  return Buffer.concat([local, nameBytes, body, central, nameBytes, end]);
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

export const fileNames = (version) => ({
  zip: (platform) => `${PROVIDER}_${version}_${platform}.zip`,
  sums: `${PROVIDER}_${version}_SHA256SUMS`,
  sig: `${PROVIDER}_${version}_SHA256SUMS.sig`,
  manifest: `${PROVIDER}_${version}_manifest.json`,
});

/** Manifest, SHA256SUMS over every zip of `version` in `out` (sorted), and its signature when `gpgKey`. */
export function writeSums(out, version, { gpgKey, gpgHome } = {}) {
  const names = fileNames(version);
  const prefix = `${PROVIDER}_${version}_`;
  const zips = readdirSync(out).filter((f) => f.startsWith(prefix) && f.endsWith('.zip'));
  if (zips.length === 0)
    throw new Error(`No ${prefix}<os>_<arch>.zip in ${out}. Fix: run without --no-build on a platform first.`);
  writeFileSync(join(out, names.manifest), `${JSON.stringify(registryManifest())}\n`);
  const files = [...zips, names.manifest].sort();
  const sums = files.map((f) => `${sha256(readFileSync(join(out, f)))}  ${f}\n`).join('');
  writeFileSync(join(out, names.sums), sums);
  rmSync(join(out, names.sig), { force: true });
  if (gpgKey) {
    execFileSync(
      'gpg',
      [
        '--batch',
        '--yes',
        '--local-user',
        gpgKey,
        '--output',
        join(out, names.sig),
        '--detach-sign',
        join(out, names.sums),
      ],
      { stdio: ['ignore', 'inherit', 'inherit'], env: gpgHome ? { ...process.env, GNUPGHOME: gpgHome } : process.env },
    );
  }
  return { sums: join(out, names.sums), files };
}

/** Zips `executable` (or a fresh build) for this platform into `out`, then writes the sums. */
export async function releaseProvider({ version, out, gpgKey, gpgHome, build = true, executable }) {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version ?? ''))
    throw new Error(
      `--version ${version ?? '(missing)'} is not a semantic version (like 1.2.3). Fix: pass --version <x.y.z>.`,
    );
  if (!out) throw new Error('--out is missing. Fix: pass --out <dir> for the release files.');
  const dir = resolve(out);
  mkdirSync(dir, { recursive: true });
  const names = fileNames(version);
  let zip;
  if (build || executable) {
    const exe = executable ? resolve(executable) : await buildSea();
    if (!existsSync(exe)) throw new Error(`--executable ${exe} does not exist.`);
    zip = join(dir, names.zip(terraformPlatform()));
    writeFileSync(zip, zipOne(executableName(version), readFileSync(exe)));
  }
  return { zip, ...writeSums(dir, version, { gpgKey, gpgHome }) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      version: { type: 'string' },
      out: { type: 'string' },
      'gpg-key': { type: 'string' },
      'no-build': { type: 'boolean' },
      executable: { type: 'string' },
    },
  });
  try {
    const r = await releaseProvider({
      version: values.version,
      out: values.out,
      gpgKey: values['gpg-key'],
      build: !values['no-build'],
      executable: values.executable,
    });
    process.stderr.write(`${r.zip ? `wrote ${r.zip}\n` : ''}wrote ${r.sums} over ${r.files.join(', ')}\n`);
  } catch (e) {
    process.stderr.write(`release:provider: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
