/** logto-iac core: the client, the resource catalog, the reconciler and the emulator. */

export { startEmulator } from './emulator/index.js';
export * from './provider/client/index.js';
export type * from './provider/client/types.js';
export * from './provider/reconcile/index.js';
export type * from './provider/reconcile/types.js';
export type * from './resources/contract.js';
export { catalog, getDefinition } from './resources/index.js';
export { camelCase, describeResource, snakeCase } from './resources/introspect.js';
