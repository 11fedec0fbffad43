/**
 * `logto-iac/pulumi`: Pulumi resources for Logto, one class per catalog type (`new logto.Role(...)`).
 *
 * Each class is a Pulumi dynamic resource whose provider is serialized into the state and re-loaded by
 * Pulumi's dynamic-provider host; that host `require`s this same entry point and calls
 * `__logtoProviderOperations` (see `provider.ts` and `operations.ts`).
 */
export { operations as __logtoProviderOperations, resolveCredentials } from './operations.js';
export { PROVIDER_PACKAGE, providerFor } from './provider.js';
export { LogtoResource, PULUMI_MODULE, secretPropertyNames } from './resource.js';
export * from './resources.generated.js';
