/** logto-iac core: the client, the resource catalog, the reconciler and the emulator. */
import type { Catalog } from './core/contract.js';
import * as reconcile from './core/reconcile/index.js';
import type {
  ApplyOptions,
  ApplyResult,
  DesiredObject,
  Plan,
  PlanOptions,
  PriorState,
} from './core/reconcile/types.js';
import { catalog } from './resources/index.js';

export * from './core/client/index.js';
export type * from './core/client/types.js';
export type * from './core/contract.js';
export * from './core/reconcile/index.js';
export type * from './core/reconcile/types.js';
export { startEmulator } from './emulator/index.js';
export { catalog, getDefinition } from './resources/index.js';
export { camelCase, describeResource, snakeCase } from './resources/introspect.js';

/**
 * The tenant-level reconciler over the full catalog (`options.catalog` narrows or replaces it): the core takes
 * the catalog from its caller, this package hands it over here. Shadows the core's exports of the same names.
 */
export function planTenant(desired: DesiredObject[], options: CatalogOptional<PlanOptions>): Promise<Plan> {
  return reconcile.planTenant(desired, { ...options, catalog: options.catalog ?? catalog });
}

export function applyPlan(plan: Plan, options: CatalogOptional<ApplyOptions>): Promise<ApplyResult> {
  return reconcile.applyPlan(plan, { ...options, catalog: options.catalog ?? catalog });
}

export function validateDesired(desired: DesiredObject[], options: { catalog?: Catalog; prior?: PriorState } = {}) {
  return reconcile.validateDesired(desired, { ...options, catalog: options.catalog ?? catalog });
}

type CatalogOptional<T extends { catalog: Catalog }> = Omit<T, 'catalog'> & { catalog?: Catalog };
