/**
 * `terraformInstall(dir)`: lays the provider out as a Terraform filesystem mirror, so `terraform init`
 * finds it offline without a registry. The package directory is the registry's unpacked layout:
 *
 *   <dir>/registry.terraform.io/logto-io/logto/<version>/<os>_<arch>/terraform-provider-logto_v<version>
 *
 * (the same under registry.opentofu.org for OpenTofu). What that directory holds:
 *  - the single executable (Node with the plugin in a start-up snapshot, scripts/build-sea.mjs), when one
 *    is given (`executable`) or the package ships one for this platform
 *    (`dist/sea/<os>_<arch>/terraform-provider-logto`). It is copied byte for byte: the hash Terraform
 *    locks is that of the executable (the same file the release zip holds, so a lock file written from
 *    the mirror also fits the registry's download), and needs no Node.js on the machine;
 *  - otherwise a shell launcher plus the bundles it runs with `node` from PATH:
 *      terraform-provider-logto_v<version>   (launcher, launcher.ts)
 *      logto-iac-provider.cjs                (start-up bundle)
 *      logto-iac-provider-core.cjs           (the core)
 *      logto-iac-loader.cjs                  (code-cache loader)
 *    The launcher names no Node path, so the locked hash depends only on the package's bundles, not on
 *    the machine or where Node lives.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundleManifest, coreBundleName, manifestName } from './files.js';
import { launcherScript, loaderSource } from './launcher.js';

export const PROVIDER_NAMESPACE = 'logto-io';
export const PROVIDER_TYPE_NAME = 'logto';
/**
 * File name of the bundle inside the mirror. It must not start with `terraform-provider-`: Terraform takes
 * any file with that prefix in the package directory for the plugin executable.
 */
export const BUNDLE_NAME = 'logto-iac-provider.cjs';
/** Runs the bundle with a V8 code cache (see launcher.ts). */
export const LOADER_NAME = 'logto-iac-loader.cjs';
export const REGISTRY_HOSTS = ['registry.terraform.io', 'registry.opentofu.org'];

const here = dirname(fileURLToPath(import.meta.url));
/** Repository/package root, from the source tree (provider/terraform) or the compiled one (dist/provider/terraform). */
function packageRoot(): string {
  for (const candidate of [join(here, '..', '..'), join(here, '..', '..', '..')]) {
    if (existsSync(join(candidate, 'package.json')) && existsSync(join(candidate, 'provider'))) return candidate;
  }
  return join(here, '..', '..', '..');
}

export function providerVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function terraformPlatform(): string {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
  return `${process.platform}_${arch[process.arch] ?? process.arch}`;
}

export interface TerraformInstallOptions {
  /**
   * The plugin's start-up bundle; default `dist/terraform-provider-logto.cjs` (built by
   * `scripts/bundle-terraform.mjs`, which writes the core bundle and the manifest next to it).
   */
  bundle?: string;
  version?: string;
  /**
   * The single executable to install (built by scripts/build-sea.mjs for this platform). Default: the one
   * the package ships for this platform, unless `bundle` is given.
   */
  executable?: string;
}

/** The executable the package ships for this platform (dist/sea/<os>_<arch>/), if any. */
export function shippedExecutable(): string | undefined {
  const file = join(
    packageRoot(),
    'dist',
    'sea',
    terraformPlatform(),
    `terraform-provider-${PROVIDER_TYPE_NAME}${process.platform === 'win32' ? '.exe' : ''}`,
  );
  return existsSync(file) ? file : undefined;
}

export interface TerraformInstallResult {
  mirrorDir: string;
  version: string;
  /** Directory of the launcher and bundle for the Terraform registry host. */
  providerDir: string;
  executable: string;
  /** `executable` when the single executable was installed, `launcher` for the launcher and bundles. */
  kind: 'executable' | 'launcher';
  /** A CLI configuration (also written to `<dir>/terraform.rc`) for TF_CLI_CONFIG_FILE or ~/.terraformrc. */
  cliConfig: string;
  cliConfigFile: string;
}

/**
 * The bundles' SHA-256 as the bundle script recorded them at build time (the code cache is keyed on them);
 * hashed here only for bundles that come without a manifest naming them.
 */
function buildHashes(bundle: string, core: string): { bundle: string; core: string } {
  const hash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
  const manifestFile = join(dirname(bundle), manifestName(bundle));
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BundleManifest;
    if (manifest.bundle?.file === basename(bundle) && manifest.core?.file === basename(core))
      return { bundle: manifest.bundle.sha256, core: manifest.core.sha256 };
  }
  return { bundle: hash(bundle), core: hash(core) };
}

export function terraformInstall(dir: string, options: TerraformInstallOptions = {}): TerraformInstallResult {
  const mirrorDir = resolve(dir);
  const version = options.version ?? providerVersion();
  const exe = process.platform === 'win32' ? '.exe' : '';
  const launcherName = `terraform-provider-${PROVIDER_TYPE_NAME}_v${version}${exe}`;
  const executable = options.executable ?? (options.bundle ? undefined : shippedExecutable());
  const files: { name: string; from?: string; text?: string; mode?: number }[] = [];
  if (executable) {
    if (!existsSync(executable)) {
      throw new Error(
        `The provider executable ${executable} does not exist. Fix: run \`npm run build:sea\` (scripts/build-sea.mjs) first.`,
      );
    }
    files.push({ name: launcherName, from: executable, mode: 0o755 });
  } else {
    const bundle = resolve(options.bundle ?? join(packageRoot(), 'dist', 'terraform-provider-logto.cjs'));
    if (!existsSync(bundle)) {
      throw new Error(
        `The provider bundle ${bundle} does not exist. Fix: run \`node scripts/bundle-terraform.mjs\` (or \`npm run build\`) first.`,
      );
    }
    const core = join(dirname(bundle), coreBundleName(bundle));
    if (!existsSync(core)) {
      throw new Error(
        `The provider's core bundle ${core} does not exist next to ${bundle}. Fix: run \`node scripts/bundle-terraform.mjs\` (or \`npm run build\`) again.`,
      );
    }
    const hashes = buildHashes(bundle, core);
    const loader = loaderSource({ file: BUNDLE_NAME, sha256: hashes.bundle }, [
      { file: coreBundleName(BUNDLE_NAME), sha256: hashes.core },
    ]);
    files.push(
      { name: BUNDLE_NAME, from: bundle },
      { name: coreBundleName(BUNDLE_NAME), from: core },
      { name: LOADER_NAME, text: loader },
      { name: launcherName, text: launcherScript(LOADER_NAME), mode: 0o755 },
    );
  }

  let providerDir = '';
  for (const host of REGISTRY_HOSTS) {
    const target = join(mirrorDir, host, PROVIDER_NAMESPACE, PROVIDER_TYPE_NAME, version, terraformPlatform());
    // A package directory holds exactly one install: Terraform's hash covers every file in it.
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    for (const f of files) {
      if (f.from) copyFileSync(f.from, join(target, f.name));
      else writeFileSync(join(target, f.name), f.text ?? '');
      if (f.mode) chmodSync(join(target, f.name), f.mode);
    }
    if (!providerDir) providerDir = target;
  }
  const sources = REGISTRY_HOSTS.map((h) => `"${h}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE_NAME}"`).join(', ');
  const excludes = REGISTRY_HOSTS.map((h) => `"${h}/${PROVIDER_NAMESPACE}/*"`).join(', ');
  const cliConfig = [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirrorDir)}`,
    `    include = [${sources}]`,
    '  }',
    '  direct {',
    `    exclude = [${excludes}]`,
    '  }',
    '}',
    '',
  ].join('\n');
  const cliConfigFile = join(mirrorDir, 'terraform.rc');
  writeFileSync(cliConfigFile, cliConfig);
  return {
    mirrorDir,
    version,
    providerDir,
    executable: join(providerDir, launcherName),
    kind: executable ? 'executable' : 'launcher',
    cliConfig,
    cliConfigFile,
  };
}

/** What `logto-iac terraform-install <dir>` prints. */
export function installInstructions(result: TerraformInstallResult): string {
  return [
    `Installed the Logto provider ${result.version} into the filesystem mirror ${result.mirrorDir}.`,
    '',
    `Point Terraform at it with TF_CLI_CONFIG_FILE=${result.cliConfigFile}, or add this to ~/.terraformrc:`,
    '',
    result.cliConfig,
    'and require it in your configuration:',
    '',
    'terraform {',
    '  required_providers {',
    `    logto = { source = "${PROVIDER_NAMESPACE}/${PROVIDER_TYPE_NAME}", version = "${result.version}" }`,
    '  }',
    '}',
    '',
  ].join('\n');
}
