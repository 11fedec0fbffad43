/**
 * Create-before-destroy replacements that fail or are interrupted part-way: the old object is recorded as
 * pending deletion before its replacement exists, so no run leaves an untracked twin behind. A failed delete
 * of the old object is a failure (naming the leftover id), and a rerun with the state deletes it.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { MAX_500_RETRIES } from '../../core/client/http.js';
import { createClient } from '../../core/client/index.js';
import { type ApplyResult, applyPlan, type DesiredObject, type PriorState, planTenant } from '../../index.js';
import { converge, expectClean, idsNamed, itEmulator, rows } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

const DELETE_APP = { route: '/applications/:id', method: 'DELETE' } as const;

const app = (name: string, type: 'SPA' | 'Native'): DesiredObject[] => [
  { address: 'Application.x', kind: 'Application', spec: { name, type } },
];

/** Apply, recording every state the apply hands to `onState`. */
async function applyRecording(desired: DesiredObject[], prior?: PriorState) {
  const plan = await planTenant(desired, { client: t.client, ...(prior ? { prior } : {}) });
  const states: PriorState[] = [];
  const result = await applyPlan(plan, {
    client: t.client,
    desired,
    ...(prior ? { prior } : {}),
    onState: (s) => states.push(s),
  });
  return { plan, result, states };
}

/** Wait (bounded) until the emulator has received `n` requests on a route. */
async function untilRequests(key: string, n: number): Promise<void> {
  for (let i = 0; i < 1000 && (t.emulator!.stats().byRoute[key] ?? 0) < n; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(t.emulator!.stats().byRoute[key] ?? 0).toBeGreaterThanOrEqual(n);
}

describe('create-before-destroy replacement', () => {
  itEmulator('a failing delete of the old object is a failure; a rerun with the state deletes it', async () => {
    const name = `${t.prefix}replace-fails`;
    const first = await converge(t, app(name, 'SPA'));
    const oldId = first.state.objects['Application.x']!.id;

    t.emulator!.setFaults([{ ...DELETE_APP, fault: 500 }]);
    t.emulator!.resetStats();
    let broken: ApplyResult;
    try {
      ({ result: broken } = await applyRecording(app(name, 'Native'), first.state));
    } finally {
      t.emulator!.setFaults();
    }
    // The reconciler tries the delete twice; the client repeats each DELETE after a 500 (MAX_500_RETRIES).
    expect(t.emulator!.stats().byRoute['DELETE /applications/:id']).toBe(2 * (1 + MAX_500_RETRIES));
    const r = broken.results.find((x) => x.address === 'Application.x')!;
    const newId = broken.state.objects['Application.x']!.id;
    expect(newId).not.toBe(oldId);
    expect(r).toMatchObject({ action: 'replace', status: 'failed', id: newId, previousId: oldId });
    expect(r.error).toContain(oldId);
    expect(r.error).toMatch(/pending deletion: rerun apply with that state to delete it, or delete Application/);
    expect(broken.summary).toMatchObject({ replaced: 0, failed: 1 });
    expect(broken.state.objects['Application.x']!.pendingDelete).toEqual([oldId]);
    expect((await idsNamed(t, '/applications', name)).sort()).toEqual([newId, oldId].sort());

    // The next plan with that state deletes the leftover (no prune option needed) and keeps the new one.
    const plan = await planTenant(app(name, 'Native'), { client: t.client, prior: broken.state });
    expect(plan.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ address: 'Application.x', action: 'noop', id: newId }),
        expect.objectContaining({
          address: `Application[${oldId}]`,
          action: 'delete',
          id: oldId,
          key: name,
          reason: expect.stringContaining('Application.x'),
        }),
      ]),
    );
    // Pruning Applications too: the leftover is deleted once, not listed twice.
    const pruning = await planTenant(app(name, 'Native'), {
      client: t.client,
      prior: broken.state,
      allowDelete: ['Application'],
    });
    expect(pruning.changes.filter((c) => c.id === oldId)).toHaveLength(1);
    const fixed = await converge(t, app(name, 'Native'), broken.state);
    expect(fixed.result.summary).toMatchObject({ deleted: 1, failed: 0 });
    expect(fixed.state.objects['Application.x']).toEqual({
      kind: 'Application',
      id: newId,
      applied: expect.any(Object),
    });
    expect(await idsNamed(t, '/applications', name)).toEqual([newId]);
    await expectClean(t, app(name, 'Native'), fixed.state);
    await expectClean(t, app(name, 'Native')); // a stateless plan adopts the one object: no ambiguity left
  });

  itEmulator('a delete that fails once is retried and the replacement completes', async () => {
    const name = `${t.prefix}replace-retry`;
    const first = await converge(t, app(name, 'SPA'));
    t.emulator!.setFaults([{ ...DELETE_APP, fault: 500, times: 1 }]);
    try {
      const { result } = await applyRecording(app(name, 'Native'), first.state);
      expect(result.summary).toMatchObject({ replaced: 1, failed: 0 });
      expect(result.state.objects['Application.x']!.pendingDelete).toBeUndefined();
      expect(await idsNamed(t, '/applications', name)).toEqual([result.state.objects['Application.x']!.id]);
    } finally {
      t.emulator!.setFaults();
    }
  });

  itEmulator(
    'an apply interrupted between creating the replacement and deleting the old object: a rerun from the saved state converges',
    async () => {
      const name = `${t.prefix}replace-interrupted`;
      const first = await converge(t, app(name, 'SPA'));
      const oldId = first.state.objects['Application.x']!.id;
      const desired = app(name, 'Native');

      // The DELETE of the old object never answers; the state saved so far is all a killed process leaves.
      t.emulator!.setFaults([{ ...DELETE_APP, fault: 'hang' }]);
      t.emulator!.resetStats();
      const doomed = createClient(
        {
          endpoint: t.url,
          appId: t.appId,
          appSecret: t.appSecret,
          requestsPerSecond: 0,
          attemptTimeoutMs: 300,
          maxRetries: 0,
        },
        {},
      );
      const states: PriorState[] = [];
      let saved: PriorState | undefined;
      try {
        const plan = await planTenant(desired, { client: doomed, prior: first.state });
        const abandoned = applyPlan(plan, {
          client: doomed,
          desired,
          prior: first.state,
          onState: (s) => states.push(s),
        }).catch((e: unknown) => e);
        await untilRequests('DELETE /applications/:id', 1);
        saved = states.at(-1);
        await abandoned; // settles once its hung requests time out; the process "died" at `saved`
      } finally {
        t.emulator!.setFaults();
        await doomed.close();
      }
      const newId = saved!.objects['Application.x']!.id;
      expect(newId).not.toBe(oldId);
      expect(saved!.objects['Application.x']!.pendingDelete).toEqual([oldId]);
      expect((await idsNamed(t, '/applications', name)).sort()).toEqual([newId, oldId].sort());

      const rerun = await converge(t, desired, saved);
      expect(rerun.plan.changes.map((c) => [c.address, c.action])).toEqual(
        expect.arrayContaining([
          ['Application.x', 'noop'],
          [`Application[${oldId}]`, 'delete'],
        ]),
      );
      expect(await idsNamed(t, '/applications', name)).toEqual([newId]);
      await expectClean(t, desired, rerun.state);
    },
  );

  itEmulator(
    'interrupted before the replacement exists: the state keeps the old id and a rerun replaces it once',
    async () => {
      const name = `${t.prefix}replace-before-create`;
      const first = await converge(t, app(name, 'SPA'));
      const oldId = first.state.objects['Application.x']!.id;
      t.emulator!.setFaults([{ route: '/applications', method: 'POST', fault: 500 }]);
      let states: PriorState[];
      try {
        const { result, states: s } = await applyRecording(app(name, 'Native'), first.state);
        expect(result.summary).toMatchObject({ failed: 1 });
        states = s;
      } finally {
        t.emulator!.setFaults();
      }
      // Saved before the create was tried: still the old object, listed for deletion once replaced.
      expect(states[0]!.objects['Application.x']).toMatchObject({ id: oldId, pendingDelete: [oldId] });
      const rerun = await converge(t, app(name, 'Native'), states.at(-1));
      expect(rerun.plan.changes.filter((c) => c.action !== 'noop').map((c) => c.action)).toEqual(['replace']);
      const newId = rerun.state.objects['Application.x']!.id;
      expect(await idsNamed(t, '/applications', name)).toEqual([newId]);
      expect(rerun.state.objects['Application.x']!.pendingDelete).toBeUndefined();
    },
  );

  itEmulator(
    'a replacement whose relation add fails keeps the old object pending deletion; a rerun finishes both',
    async () => {
      const p = `${t.prefix}replace-partial-`;
      const tenant = (role: Record<string, unknown>): DesiredObject[] => [
        {
          address: 'ApiResource.api',
          kind: 'ApiResource',
          spec: { name: `${p}api`, indicator: `https://${p}api.example.com` },
        },
        {
          address: 'ApiResourceScope.read',
          kind: 'ApiResourceScope',
          spec: { resourceId: { $ref: 'ApiResource.api' }, name: 'read:things' },
        },
        {
          address: 'Role.r',
          kind: 'Role',
          spec: { description: 'd', scopeIds: [{ $ref: 'ApiResourceScope.read' }], ...role },
        },
      ];
      const first = await converge(t, tenant({ name: `${p}old`, type: 'User' }));
      const oldId = first.state.objects['Role.r']!.id;
      // New name and an immutable type change: created next to the old role, then its scope add fails.
      const desired = tenant({ name: `${p}new`, type: 'MachineToMachine' });
      t.emulator!.setFaults([{ route: '/roles/:id/scopes', method: 'POST', fault: 500 }]);
      let broken: ApplyResult;
      try {
        ({ result: broken } = await applyRecording(desired, first.state));
      } finally {
        t.emulator!.setFaults();
      }
      expect(broken.results.find((r) => r.address === 'Role.r')).toMatchObject({ action: 'replace', status: 'failed' });
      const newId = broken.state.objects['Role.r']!.id;
      expect(newId).not.toBe(oldId);
      expect(broken.state.objects['Role.r']!.pendingDelete).toEqual([oldId]);
      const roles = async () =>
        (await rows<{ id: string; name: string }>(t, '/roles')).filter((r) => r.name.startsWith(p)).map((r) => r.id);
      expect((await roles()).sort()).toEqual([newId, oldId].sort());

      const rerun = await converge(t, desired, broken.state);
      expect(rerun.plan.changes.map((c) => [c.address, c.action])).toEqual(
        expect.arrayContaining([
          ['Role.r', 'update'],
          [`Role[${oldId}]`, 'delete'],
        ]),
      );
      expect(await roles()).toEqual([newId]);
      await expectClean(t, desired, rerun.state);
    },
  );
});
