/**
 * Names shared by the bundle script, the installer, the loader and the plugin: the two bundle files and
 * the hook through which the mirror's loader (launcher.ts) serves them with a V8 code cache.
 */

/** `x.cjs` (start-up bundle) → `x-core.cjs` (the core, loaded on the first tfplugin6 call). */
export function coreBundleName(bundle: string): string {
  const base = bundle.slice(bundle.lastIndexOf('/') + 1);
  return base.endsWith('.cjs') ? `${base.slice(0, -4)}-core.cjs` : `${base}-core.cjs`;
}

/** `x.cjs` → `x.manifest.json`: what the bundle script knew at build time (file names and SHA-256s). */
export function manifestName(bundle: string): string {
  const base = bundle.slice(bundle.lastIndexOf('/') + 1);
  return `${base.endsWith('.cjs') ? base.slice(0, -4) : base}.manifest.json`;
}

export interface BundleManifest {
  bundle: { file: string; sha256: string };
  core: { file: string; sha256: string };
}

/** The loader's hook on `globalThis` (absent when the bundle is run directly with `node`). */
export const CODE_CACHE_HOOK = Symbol.for('logto-iac.terraform.codeCache');

export interface CodeCacheHook {
  /** `require` of one of the bundles next to the loader, through its code cache. */
  require(file: string): unknown;
  /** Store the code cache of the bundles that had none (or a rejected one) now, not only at exit. */
  save(): void;
}
