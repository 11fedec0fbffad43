/** Tenant-level reconciler behaviour through the emulator: identity, bulk reads, interruptions, secrets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AmbiguousKeyError,
  applyPlan,
  createContext,
  createObject,
  type DesiredObject,
  deleteObject,
  findObjectByKey,
  type PriorState,
  planTenant,
  readObject,
  SpecValidationError,
  updateObject,
} from '../../index.js';
import { Application } from '../../resources/application.js';
import { Role } from '../../resources/role.js';
import { converge, expectClean, itEmulator, pending, ref, rows, writes } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

function shop(p: string): DesiredObject[] {
  return [
    {
      address: 'ApiResource.shop',
      kind: 'ApiResource',
      spec: { name: `${p}shop`, indicator: `https://${p}shop.example.com` },
    },
    ...['read', 'write', 'refund'].map((s) => ({
      address: `ApiResourceScope.${s}`,
      kind: 'ApiResourceScope',
      spec: { resourceId: ref('ApiResource.shop'), name: `${s}:orders` },
    })),
    {
      address: 'Role.clerk',
      kind: 'Role',
      spec: {
        name: `${p}clerk`,
        description: 'Clerk',
        type: 'MachineToMachine',
        scopeIds: [ref('ApiResourceScope.read'), ref('ApiResourceScope.write')],
      },
    },
    { address: 'Application.backend', kind: 'Application', spec: { name: `${p}backend`, type: 'MachineToMachine' } },
    {
      address: 'ApplicationSecret.backend',
      kind: 'ApplicationSecret',
      spec: { applicationId: ref('Application.backend'), name: 'ci' },
    },
    {
      address: 'ApplicationRoleAssignment.backend',
      kind: 'ApplicationRoleAssignment',
      spec: { applicationId: ref('Application.backend'), roleIds: [ref('Role.clerk')] },
    },
  ];
}

describe('planTenant / applyPlan', () => {
  it('orders creates by reference and reports dependsOn', async () => {
    const desired = shop(`${t.prefix}order-`);
    const plan = await planTenant(desired, { client: t.client });
    const at = (a: string) => plan.changes.findIndex((c) => c.address === a);
    expect(at('ApiResource.shop')).toBeLessThan(at('ApiResourceScope.read'));
    expect(at('ApiResourceScope.write')).toBeLessThan(at('Role.clerk'));
    expect(at('Role.clerk')).toBeLessThan(at('ApplicationRoleAssignment.backend'));
    expect(plan.changes.find((c) => c.address === 'Role.clerk')!.dependsOn.sort()).toEqual([
      'ApiResourceScope.read',
      'ApiResourceScope.write',
    ]);
    expect(plan.summary).toMatchObject({ create: 8, drift: 0 });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  itEmulator('reads in bulk: N roles or scopes are one list call per run, not N GETs', async () => {
    const p = `${t.prefix}bulk-`;
    const desired: DesiredObject[] = Array.from({ length: 12 }, (_, i) => ({
      address: `Role.r${i}`,
      kind: 'Role',
      spec: { name: `${p}r${i}`, description: 'bulk' },
    }));
    const scoped: DesiredObject[] = [
      {
        address: 'ApiResource.bulk',
        kind: 'ApiResource',
        spec: { name: `${p}api`, indicator: `https://${p}api.example.com` },
      },
      ...Array.from({ length: 12 }, (_, i) => ({
        address: `ApiResourceScope.s${i}`,
        kind: 'ApiResourceScope',
        spec: { resourceId: ref('ApiResource.bulk'), name: `s${i}` },
      })),
    ];
    t.emulator!.resetStats();
    const { state } = await converge(t, [...desired, ...scoped]);
    const applyReads = t.emulator!.stats().byRoute;
    expect(applyReads['GET /roles']).toBe(2); // plan + apply
    expect(applyReads['GET /resources']).toBe(2);
    expect(applyReads['POST /roles']).toBe(12);
    t.emulator!.resetStats();
    await expectClean(t, [...desired, ...scoped], state);
    const byRoute = t.emulator!.stats().byRoute;
    expect(byRoute['GET /resources']).toBe(1);
    expect(byRoute['GET /roles']).toBe(1);
    expect(byRoute['GET /roles/:id']).toBeUndefined();
  });

  itEmulator('an ambiguous natural key is an error naming both ids, before any write', async () => {
    const name = `${t.prefix}twin`;
    const first = await t.client.post<{ id: string }>('/roles', { name, description: 'd' });
    // Logto keeps role names unique; corrupt the emulator's table to get a twin.
    const table = t.emulator!.state.tables.roles!;
    table.twin000000000000000000 = { ...table[first.id]!, id: 'twin000000000000000000' };
    try {
      t.emulator!.resetStats();
      const desired: DesiredObject[] = [{ address: 'Role.twin', kind: 'Role', spec: { name, description: 'other' } }];
      const error = await planTenant(desired, { client: t.client }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AmbiguousKeyError);
      expect((error as Error).message).toContain(first.id);
      expect((error as Error).message).toContain('twin000000000000000000');
      expect((error as Error).message).toContain('Role.twin');
      expect(writes(t)).toEqual({});
    } finally {
      delete table.twin000000000000000000;
    }
  });

  it('a reference to an address that is not desired is a spec error', async () => {
    const error = await planTenant(
      [
        {
          address: 'ApiResourceScope.x',
          kind: 'ApiResourceScope',
          spec: { resourceId: ref('ApiResource.nope'), name: 'x' },
        },
      ],
      { client: t.client },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as Error).message).toMatch(/ApiResourceScope\.x field "resourceId".*ApiResource\.nope/);
  });

  it('two desired objects with the same key through the same reference are a spec error', async () => {
    const error = await planTenant(
      [
        {
          address: 'ApiResource.api',
          kind: 'ApiResource',
          spec: { name: 'api', indicator: `https://${t.prefix}dup.example.com` },
        },
        ...['a', 'b'].map((x) => ({
          address: `ApiResourceScope.${x}`,
          kind: 'ApiResourceScope',
          spec: { resourceId: ref('ApiResource.api'), name: 'read' },
        })),
      ],
      { client: t.client },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as SpecValidationError).issues).toEqual([
      {
        address: 'ApiResourceScope.b',
        field: 'resourceId,name',
        message: expect.stringMatching(/same resourceId\+name .* as ApiResourceScope\.a; it must be unique/),
      },
    ]);
  });

  it('a reference to an object of the wrong kind is a spec error naming both', async () => {
    const error = await planTenant(
      [
        { address: 'Application.app', kind: 'Application', spec: { name: `${t.prefix}wrong-kind`, type: 'SPA' } },
        {
          address: 'Role.r',
          kind: 'Role',
          spec: { name: `${t.prefix}wrong-kind`, description: 'r', scopeIds: [ref('Application.app')] },
        },
      ],
      { client: t.client },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as Error).message).toMatch(
      /Role\.r field "scopeIds": refers to "Application\.app", an Application; scopeIds needs the id of an ApiResourceScope/,
    );
  });

  itEmulator('an interrupted apply leaves a state from which a rerun converges without duplicates', async () => {
    const p = `${t.prefix}int-`;
    const desired = shop(p);
    let saved: PriorState | undefined;
    t.emulator!.setFaults([{ route: '/roles/:id/scopes', method: 'POST', fault: 500 }]);
    try {
      const plan = await planTenant(desired, { client: t.client });
      const broken = await applyPlan(plan, {
        client: t.client,
        desired,
        onState: (s) => {
          saved = s;
        },
      });
      expect(broken.summary.failed).toBeGreaterThan(0);
      expect(broken.results.find((r) => r.address === 'ApplicationRoleAssignment.backend')!.status).toBe('skipped');
      expect(saved?.objects['Role.clerk']?.id).toBeDefined(); // created, relations not done
    } finally {
      t.emulator!.setFaults();
    }
    const { state, plan } = await converge(t, desired, saved);
    expect(plan.changes.find((c) => c.address === 'Role.clerk')!.action).toBe('update');
    expect(plan.changes.find((c) => c.address === 'Application.backend')!.action).toBe('noop');
    await expectClean(t, desired, state);
    expect((await rows<{ name: string }>(t, '/applications')).filter((a) => a.name === `${p}backend`)).toHaveLength(1);
    expect((await rows<{ name: string }>(t, '/roles')).filter((a) => a.name === `${p}clerk`)).toHaveLength(1);
  });

  it('no secret value appears in plan text or JSON, state, or results', async () => {
    const p = `${t.prefix}canary-`;
    const desired = shop(p);
    const { state, plan, result } = await converge(t, desired);
    const appId = state.objects['Application.backend']!.id;
    const secrets = await rows<{ value: string }>(t, `/applications/${appId}/secrets`);
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    const later = await planTenant(desired, { client: t.client, prior: state });
    const text = [JSON.stringify(plan), JSON.stringify(later), JSON.stringify(result), JSON.stringify(state)].join(
      '\n',
    );
    for (const s of secrets) expect(text).not.toContain(s.value);
  });

  it('only / exclude restrict the plan to some kinds', async () => {
    const desired = shop(`${t.prefix}filter-`);
    const only = await planTenant(desired, { client: t.client, only: ['Role'] });
    expect(only.changes.map((c) => c.kind)).toEqual(['Role']);
    const excl = await planTenant(desired, { client: t.client, exclude: ['Role', 'ApiResourceScope'] });
    expect(excl.changes.map((c) => c.kind)).not.toContain('Role');
    expect(excl.changes.map((c) => c.kind)).toContain('ApiResource');
  });

  it('prior objects removed from the desired set are forgotten unless deletion is allowed', async () => {
    const p = `${t.prefix}forget-`;
    const desired = shop(p);
    const { state } = await converge(t, desired);
    const withoutApp = desired.filter((d) => !d.address.endsWith('.backend'));
    const forgetting = await converge(t, withoutApp, state);
    expect(pending(forgetting.plan)).toEqual([]);
    expect(forgetting.state.objects['Application.backend']).toBeUndefined();
    const appId = state.objects['Application.backend']!.id;
    expect((await rows<{ id: string }>(t, '/applications')).some((a) => a.id === appId)).toBe(true);

    const pruning = await planTenant(withoutApp, { client: t.client, prior: state, allowDelete: ['Application'] });
    const deletes = pruning.changes.filter((c) => c.action === 'delete');
    expect(deletes.find((d) => d.address === 'Application.backend')).toMatchObject({ id: appId });
    const own = { ...pruning, changes: pruning.changes.filter((c) => c.action !== 'delete' || c.id === appId) };
    const result = await applyPlan(own, { client: t.client, desired: withoutApp, prior: state });
    expect(result.summary.deleted).toBe(1);
    expect((await rows<{ id: string }>(t, '/applications')).some((a) => a.id === appId)).toBe(false);
  });
});

describe('single-object operations (Terraform / Pulumi)', () => {
  it('create, read, update (relations by add/remove), import by key, delete', async () => {
    const ctx = createContext(t.client);
    const desired = shop(`${t.prefix}single-`);
    const { state } = await converge(
      t,
      desired.filter((d) => d.kind === 'ApiResource' || d.kind === 'ApiResourceScope'),
    );
    const scope = (s: string) => state.objects[`ApiResourceScope.${s}`]!.id;
    const name = `${t.prefix}single-role`;
    const created = await createObject(ctx, Role, { name, description: 'one', scopeIds: [scope('read')] });
    expect(created.spec.scopeIds).toEqual([scope('read')]);
    const read = await readObject(ctx, Role, created.id);
    expect(read?.spec).toMatchObject({ name, description: 'one', scopeIds: [scope('read')] });
    const updated = await updateObject(
      ctx,
      Role,
      created.id,
      { name, description: 'two', scopeIds: [scope('write')] },
      read!,
    );
    expect(updated.spec).toMatchObject({ description: 'two', scopeIds: [scope('write')] });
    const imported = await findObjectByKey(ctx, Role, `name=${name}`);
    expect(imported.id).toBe(created.id);
    expect(imported.spec.scopeIds).toEqual([scope('write')]);
    await expect(
      updateObject(ctx, Role, created.id, { name, description: 'two', type: 'MachineToMachine' }, imported),
    ).rejects.toThrow(/replaced/);
    await expect(findObjectByKey(ctx, Application, `name=${t.prefix}single-none`)).rejects.toThrow(/does not exist/);
    await deleteObject(ctx, Role, created.id);
    await deleteObject(ctx, Role, created.id); // already gone is fine
    expect(await readObject(createContext(t.client), Role, created.id)).toBeUndefined();
  });
});
