/** logto-iac core: the client, the resource catalog, the reconciler and the emulator. */
export * from './provider/client/index.js';
export type * from './provider/client/types.js';
export * from './provider/reconcile/index.js';
export type * from './provider/reconcile/types.js';
export { catalog, getDefinition } from './resources/index.js';
export type * from './resources/contract.js';
export { describeResource, snakeCase, camelCase } from './resources/introspect.js';
export { startEmulator } from './emulator/index.js';
