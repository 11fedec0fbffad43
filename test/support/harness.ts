/** Helpers for reconciler integration tests: converge, check a clean plan, count write requests. */
import { expect, it } from 'vitest';
import { applyPlan, type DesiredObject, type Plan, type PriorState, planTenant } from '../../index.js';
import { EMULATOR_ONLY, realServerConfigured, type Target } from './target.js';

export async function converge(t: Target, desired: DesiredObject[], prior?: PriorState, allowDelete?: string[]) {
  const plan = await planTenant(desired, {
    client: t.client,
    ...(prior ? { prior } : {}),
    ...(allowDelete ? { allowDelete } : {}),
  });
  const result = await applyPlan(plan, { client: t.client, desired, ...(prior ? { prior } : {}) });
  const failed = result.results.filter((r) => r.status !== 'ok');
  expect(failed, JSON.stringify(failed)).toEqual([]);
  return { plan, result, state: result.state };
}

/** Changes other than no-ops. */
export function pending(plan: Plan) {
  return plan.changes.filter((c) => c.action !== 'noop');
}

export async function expectClean(t: Target, desired: DesiredObject[], prior?: PriorState): Promise<Plan> {
  const plan = await planTenant(desired, { client: t.client, ...(prior ? { prior } : {}) });
  expect(pending(plan), JSON.stringify(pending(plan))).toEqual([]);
  expect(plan.drift).toEqual([]);
  return plan;
}

/** Write requests the emulator received since the last reset (token requests excluded). */
export function writes(t: Target): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, n] of Object.entries(t.emulator!.stats().byRoute)) {
    if (route.startsWith('GET ') || route === 'POST /oidc/token') continue;
    out[route] = n;
  }
  return out;
}

/** A reference to another desired object, by address. */
export const ref = (address: string) => ({ $ref: address });

/** Ids of the rows of a list route with the given name. */
export async function idsNamed(t: Target, route: string, name: string): Promise<string[]> {
  return (await rows<{ id: string; name: string }>(t, route)).filter((r) => r.name === name).map((r) => r.id);
}

/** Rows of a list route (through the client). */
export function rows<T = Record<string, unknown>>(
  t: Target,
  path: string,
  query?: Record<string, string>,
): Promise<T[]> {
  return t.client.list<T>(path, query);
}

/** A test that needs emulator-only features; on a real Logto it is skipped and says why. */
export function itEmulator(name: string, fn: () => Promise<void>, timeoutMs?: number): void {
  if (realServerConfigured()) it.skip(`${name} — ${EMULATOR_ONLY}`, fn);
  else it(name, fn, timeoutMs);
}
