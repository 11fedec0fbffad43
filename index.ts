/** logto-iac core: the client, the resource catalog, the reconciler and the emulator. */

export * from './core/client/index.js';
export type * from './core/client/types.js';
export * from './core/reconcile/index.js';
export type * from './core/reconcile/types.js';
export { startEmulator } from './emulator/index.js';
export type * from './resources/contract.js';
export { catalog, getDefinition } from './resources/index.js';
export { camelCase, describeResource, snakeCase } from './resources/introspect.js';
