/**
 * `terraformInstall(dir)`: lays the provider out as a Terraform filesystem mirror, so `terraform init`
 * finds it offline without a registry:
 *
 *   <dir>/registry.terraform.io/logto-io/logto/<version>/<os>_<arch>/terraform-provider-logto_v<version>
 *   <dir>/registry.terraform.io/logto-io/logto/<version>/<os>_<arch>/logto-iac-provider.cjs       (start-up bundle)
 *   <dir>/registry.terraform.io/logto-io/logto/<version>/<os>_<arch>/logto-iac-provider-core.cjs  (the core)
 *   <dir>/registry.terraform.io/logto-io/logto/<version>/<os>_<arch>/logto-iac-loader.cjs         (code-cache loader)
 *
 * (the same under registry.opentofu.org for OpenTofu). The launcher and the bundles it runs sit in the same
 * directory, so the hash Terraform records in `.terraform.lock.hcl` covers the code that runs.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  /** Node binary the launcher runs; default the one running now (falls back to `node` on PATH). */
  node?: string;
}

export interface TerraformInstallResult {
  mirrorDir: string;
  version: string;
  /** Directory of the launcher and bundle for the Terraform registry host. */
  providerDir: string;
  executable: string;
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
  const node = options.node ?? process.execPath;
  const launcherName = `terraform-provider-${PROVIDER_TYPE_NAME}_v${version}`;
  const launcher = launcherScript(node, LOADER_NAME);
  const hashes = buildHashes(bundle, core);
  const loader = loaderSource({ file: BUNDLE_NAME, sha256: hashes.bundle }, [
    { file: coreBundleName(BUNDLE_NAME), sha256: hashes.core },
  ]);

  let providerDir = '';
  for (const host of REGISTRY_HOSTS) {
    const target = join(mirrorDir, host, PROVIDER_NAMESPACE, PROVIDER_TYPE_NAME, version, terraformPlatform());
    mkdirSync(target, { recursive: true });
    copyFileSync(bundle, join(target, BUNDLE_NAME));
    copyFileSync(core, join(target, coreBundleName(BUNDLE_NAME)));
    writeFileSync(join(target, LOADER_NAME), loader);
    writeFileSync(join(target, launcherName), launcher);
    chmodSync(join(target, launcherName), 0o755);
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
  return { mirrorDir, version, providerDir, executable: join(providerDir, launcherName), cliConfig, cliConfigFile };
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
