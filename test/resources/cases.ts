/**
 * Scenario helpers for resource-type integration tests (organization, hook, SSO, sign-in experience…):
 * the out-of-band drift round trip and the secret-canary check, on top of `test/support/harness.ts`.
 */
import { expect } from 'vitest';
import { type DesiredObject, type Plan, type PriorState, planTenant, SpecValidationError } from '../../index.js';
import { formatPlan } from '../../provider/cli/printer.js';
import { converge, expectClean, writes } from '../support/harness.js';
import type { Target } from '../support/target.js';

/**
 * After `mutate` changes one field out of band: the plan reports drift on exactly `field` of `address` and
 * an update of exactly that field; applying restores it and the next plan is clean.
 */
export async function expectDriftRestored(
  t: Target,
  desired: DesiredObject[],
  state: PriorState,
  address: string,
  field: string,
  mutate: () => Promise<unknown>,
): Promise<PriorState> {
  await mutate();
  const plan = await planTenant(desired, { client: t.client, prior: state });
  expect(plan.drift.map((d) => `${d.address}:${d.field}`)).toEqual([`${address}:${field}`]);
  const pending = plan.changes.filter((c) => c.action !== 'noop');
  expect(pending.map((c) => `${c.address}:${c.action}`)).toEqual([`${address}:update`]);
  expect(pending[0]!.changes.map((c) => c.field)).toEqual([field]);
  const { state: next } = await converge(t, desired, state);
  await expectClean(t, desired, next);
  return next;
}

/**
 * Converge while the emulator commits the first POST to `route` (an emulator route template) and drops its
 * response (a lost create, or a retried relation add); the fault is cleared whatever happens.
 */
export async function convergeDroppingPost(t: Target, route: string, desired: DesiredObject[]) {
  t.emulator!.setFaults([{ route, method: 'POST', fault: 'dropResponseAfterCommit', times: 1 }]);
  try {
    return await converge(t, desired);
  } finally {
    t.emulator!.setFaults();
  }
}

/** Planning `desired` is refused with a SpecValidationError before any write request; answers the error. */
/**
 * Plan refuses the desired set with a `SpecValidationError`. On the emulator its request counters also prove
 * that nothing was written; on a real Logto the refusal itself is what is checked.
 */
export async function expectRefusedBeforeWrites(t: Target, desired: DesiredObject[]): Promise<SpecValidationError> {
  t.emulator?.resetStats();
  const error = await planTenant(desired, { client: t.client }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SpecValidationError);
  if (t.emulator) expect(writes(t)).toEqual({});
  return error as SpecValidationError;
}

/** No canary value in the plan's JSON nor in its printed text. */
export function expectNoCanary(plan: Plan, canaries: string[]): void {
  const json = JSON.stringify(plan);
  const text = formatPlan(plan, { color: false });
  for (const canary of canaries) {
    expect(json).not.toContain(canary);
    expect(text).not.toContain(canary);
  }
}

/** Apply, then prove the next plan has nothing to do (no change, no drift). */
export async function expectConverges(t: Target, desired: DesiredObject[], prior?: PriorState): Promise<PriorState> {
  const { state } = await converge(t, desired, prior);
  await expectClean(t, desired, state);
  return state;
}
