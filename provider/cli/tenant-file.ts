/**
 * Tenant files → `DesiredObject[]`, in named steps that `analyzeTenant` runs in order: `readTenantFiles`
 * (discovery, parsing, variable substitution, merging of several files into entries), `buildObjects`
 * (translation from the file's nested, key-based form, see `layout.ts`, into flat objects with `Ref`s), then
 * the offline checks `checkDemoSecrets`, `checkReferences` and `checkSchemas`. All problems are collected in
 * one `Collector` and reported together; nothing here talks to the API. The steps live in `tenant-read.ts`,
 * `tenant-build.ts` and `tenant-checks.ts`, the wording of schema problems in `zod-messages.ts`.
 */

import type { ResourceDefinition } from '../../core/contract.js';
import type { DesiredObject } from '../../core/reconcile/types.js';
import { buildLayout } from './layout.js';
import { type Problem, TenantFileError } from './source.js';
import { buildObjects, type ObjectOrigin } from './tenant-build.js';
import { checkDemoSecrets, checkReferences, checkSchemas } from './tenant-checks.js';
import { Collector, readTenantFiles } from './tenant-read.js';
import type { VariableUse } from './variables.js';

export { type BuiltObjects, buildObjects, type ObjectOrigin } from './tenant-build.js';
export { checkDemoSecrets, checkReferences, checkSchemas } from './tenant-checks.js';
export { applyOverlays, Collector, type Entry, type ReadFiles, readTenantFiles } from './tenant-read.js';
export { issueFix } from './zod-messages.js';

export interface LoadedTenant {
  files: string[];
  desired: DesiredObject[];
  /** Kinds the files allow to prune (`allowDelete:`), union over files. */
  allowDelete: string[];
  variables: VariableUse[];
  warnings: Problem[];
  origins: Map<string, ObjectOrigin>;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  catalog: ResourceDefinition<any>[];
  /**
   * Accept `${env:NAME:-fallback}` in a sensitive field when NAME is unset (with a warning). Off by default:
   * a fallback secret is an error unless the run targets the embedded emulator or the user said
   * `--allow-demo-secrets`. `'offline'` (validate, which checks files, not what a tenant would get): a
   * warning that plan and apply against a real tenant will refuse the fallback.
   */
  allowDemoSecrets?: boolean | 'offline';
  /** An environment's files (or directories), laid over the shared ones (see `applyOverlays`). */
  overlays?: string[];
  /**
   * A `${env:NAME}` whose variable is unset keeps its placeholder text instead of being an error: for
   * commands that never use values (`graph` draws keys and references only).
   */
  keepUnsetVariables?: boolean;
}

/**
 * Everything `validate` reports; `loadTenant` throws when it holds errors. The steps, each a function of its
 * own: read the files (parsing and variables), build the objects and their references, then check them.
 */
export function analyzeTenant(paths: string[], options: LoadOptions): { tenant: LoadedTenant; problems: Problem[] } {
  const layout = buildLayout(options.catalog);
  const out = new Collector();
  const read = readTenantFiles(paths, layout, options.env ?? process.env, out, options.overlays, {
    keepUnset: options.keepUnsetVariables === true,
  });
  const built = buildObjects(read.entries, layout, out);
  checkDemoSecrets(read.variables, built, layout, options.allowDemoSecrets ?? false, out);
  checkReferences(built, layout, out);
  checkSchemas(built, layout, out);

  const errors = out.problems.filter((p) => p.severity === 'error');
  const warnings = out.problems.filter((p) => p.severity === 'warning');
  const { desired, origins } = built;
  return {
    tenant: { files: read.files, desired, allowDelete: read.allowDelete, variables: read.variables, warnings, origins },
    problems: [...errors, ...warnings],
  };
}

/** Loads and checks tenant files; throws `TenantFileError` with every problem when any is an error. */
export function loadTenant(paths: string[], options: LoadOptions): LoadedTenant {
  const { tenant, problems } = analyzeTenant(paths, options);
  if (problems.some((p) => p.severity === 'error')) throw new TenantFileError(problems);
  return tenant;
}
