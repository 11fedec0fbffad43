/**
 * The dynamic provider objects Pulumi serializes into every resource's `__provider` input.
 *
 * Pulumi's closure serializer turns each method below into source text plus the values it captures. The
 * methods therefore capture only strings (`kind`, the package specifier, a fallback path) and one small
 * loader function, and reach everything else by `require`-ing the installed package inside Pulumi's
 * dynamic-provider host, where the text is compiled as a CommonJS module (`require(esm)` loads our ESM build;
 * Node ≥ 20.19). Credentials are never captured: the host reads them from Pulumi config or the environment
 * at run time (`operations.ts`).
 *
 * `require` is not defined in this ESM module and is never called here: these bodies only run in the host.
 */
import { fileURLToPath } from 'node:url';
import type * as pulumi from '@pulumi/pulumi';

/** The package entry point the host loads; its exports include `__logtoProviderOperations`. */
export const PROVIDER_PACKAGE = 'logto-iac/pulumi';

/**
 * Where this build lives on the machine that serialized the provider. Used only when the host cannot resolve
 * the package by name (its working directory has no `node_modules/logto-iac`, as with this repository's own
 * root `Pulumi.yaml`, whose program lives in `examples/pulumi`).
 */
const FALLBACK_ENTRY = fileURLToPath(new URL('./index.js', import.meta.url));

const providers = new Map<string, pulumi.dynamic.ResourceProvider>();

/** One provider object per kind, reused so Pulumi serializes each kind once per program. */
export function providerFor(kind: string): pulumi.dynamic.ResourceProvider {
  let provider = providers.get(kind);
  if (!provider) {
    provider = makeProvider(kind, PROVIDER_PACKAGE, FALLBACK_ENTRY);
    providers.set(kind, provider);
  }
  return provider;
}

/** Runs in the host: the installed package by name, else the build that serialized the provider. */
function operationsOf(pkg: string, fallback: string): any {
  try {
    return require(pkg).__logtoProviderOperations;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'MODULE_NOT_FOUND' || !String((error as Error).message).includes(pkg)) throw error;
    return require(fallback).__logtoProviderOperations;
  }
}

/** Kept free of imports: the serializer would otherwise try to capture them. */
function makeProvider(kind: string, pkg: string, fallback: string): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      operationsOf(pkg, fallback).configure(req.config);
    },
    async check(olds, news) {
      return operationsOf(pkg, fallback).check(kind, olds, news);
    },
    async diff(id, olds, news) {
      return operationsOf(pkg, fallback).diff(kind, id, olds, news);
    },
    async create(inputs) {
      return operationsOf(pkg, fallback).create(kind, inputs);
    },
    async read(id, props) {
      return operationsOf(pkg, fallback).read(kind, id, props);
    },
    async update(id, olds, news) {
      return operationsOf(pkg, fallback).update(kind, id, olds, news);
    },
    async delete(id, props) {
      await operationsOf(pkg, fallback).delete(kind, id, props);
    },
  };
}
