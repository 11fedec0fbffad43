/**
 * Engine-level tests: the provider as Pulumi's engine drives it. Our providers are serialized by the SDK's own
 * serializer in a fresh Node process, loaded by the SDK's dynamic-provider host (a separate process, one per
 * simulated Pulumi command, as the engine launches it), and driven over gRPC against the emulator (or a real
 * Logto through `test/support/target.ts`).
 *
 * For every fixture kind: check → create → diff = none → out-of-band change → (new command) diff = some →
 * update → diff = none → desired change → update → diff = none → refresh (read) → replace on an immutable
 * field (in the order the engine would use) → delete → read says gone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../core/client/index.js';
import { createContext, deleteObject, readObject, updateObject } from '../../core/reconcile/index.js';
import { catalog, getDefinition } from '../../resources/index.js';
import { type LoopbackIdp, startIdp } from '../support/idp.js';
import { realServerConfigured, startTarget, type Target } from '../support/target.js';
import { type Fixture, fixturesFor, type Ids } from './fixtures.js';
import {
  type Bag,
  type Host,
  makeProject,
  type Project,
  repoRoot,
  secretValue,
  serializeProviders,
  startHost,
  UNKNOWN,
} from './harness.js';

const require = createRequire(import.meta.url);
const type = (kind: string) => `pulumi-nodejs:dynamic/logto:${kind}`;

let target: Target;
let idp: LoopbackIdp;
let project: Project;
/** Serialized as in the program, but with the fallback path pointing nowhere: the host must find the package by name. */
let providers: Record<string, string>;
/** Exactly as serialized. */
let serialized: Record<string, string>;
const buildEntry = join(repoRoot, 'dist/provider/pulumi/index.js');

beforeAll(async () => {
  target = await startTarget();
  idp = await startIdp();
  project = makeProject();
  serialized = await serializeProviders(
    project,
    catalog.map((d) => d.kind),
  );
  providers = Object.fromEntries(
    Object.entries(serialized).map(([kind, text]) => [
      kind,
      text.replaceAll(buildEntry, '/nonexistent/logto-iac/index.js'),
    ]),
  );
}, 120_000);

afterAll(async () => {
  await target?.cleanup();
  await idp?.close();
  project?.cleanup();
});

/** Pulumi config as the engine sends it to a dynamic provider (stack config, the secret still wrapped). */
function stackConfig(): Bag {
  return {
    'logto:endpoint': target.url,
    'logto:appId': target.appId,
    'logto:appSecret': secretValue(target.appSecret),
  };
}

/** A host with no LOGTO_* variables in its environment, so only Pulumi config can configure it. */
async function command(): Promise<Host> {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('LOGTO_')) delete env[key];
  const host = await startHost(project, env);
  await host.configure(stackConfig());
  return host;
}

function withProvider(kind: string, bag: Bag): Bag {
  return { ...bag, __provider: providers[kind] };
}

/** What the engine stores as a resource's outputs (the host adds `__provider`). */
function outputs(bag: Bag): Bag {
  const { __provider, ...rest } = bag;
  return rest;
}

async function createDeps(host: Host, fixture: Fixture): Promise<Ids> {
  const ids: Ids = {};
  for (const dep of fixture.deps ?? []) {
    const created = await host.create(type(dep.kind), withProvider(dep.kind, dep.spec(ids)));
    ids[dep.name] = created.id;
  }
  return ids;
}

/** An out-of-band change through the API with a client of its own. */
async function changeBehindPulumisBack(kind: string, id: string, hint: Bag, change: Bag): Promise<void> {
  const client = createClient({ endpoint: target.url, appId: target.appId, appSecret: target.appSecret });
  try {
    const ctx = createContext(client);
    const definition = getDefinition(kind);
    const live = await readObject(ctx, definition, id, hint);
    if (!live) throw new Error(`${kind} ${id} not found for the out-of-band change`);
    await updateObject(ctx, definition, id, change, live);
  } finally {
    await client.close();
  }
}

async function deleteBehindPulumisBack(kind: string, id: string, hint: Bag): Promise<void> {
  const client = createClient({ endpoint: target.url, appId: target.appId, appSecret: target.appSecret });
  try {
    const ctx = createContext(client);
    const definition = getDefinition(kind);
    await deleteObject(ctx, definition, id, await readObject(ctx, definition, id, hint));
  } finally {
    await client.close();
  }
}

async function expectDeleted(host: Host, fixture: Fixture, id: string, state: Bag): Promise<void> {
  const after = await host.read(type(fixture.kind), id, withProvider(fixture.kind, state));
  if (fixture.afterDelete) fixture.afterDelete(outputs(after.properties));
  else expect(after.id).toBe('');
}

describe('serialized providers', () => {
  it('require the installed package by name and capture no credentials', () => {
    for (const kind of catalog.map((d) => d.kind)) {
      const text = serialized[kind]!;
      expect(text).toContain('logto-iac/pulumi');
      expect(text).toContain(JSON.stringify(kind));
      expect(text).toMatch(/require\(pkg\)/);
      expect(text).toContain(buildEntry); // the fallback, used only when the name does not resolve
      expect(text).not.toContain(target.appSecret);
      expect(text).not.toContain(target.url);
    }
  });

  it('fall back to the serializing build when the host cannot resolve the package by name', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'logto-pulumi-bare-'));
    const host = await startHost({ dir: bare, cleanup: () => {} });
    try {
      await host.configure(stackConfig());
      const kind = 'OrganizationScope';
      const props = { name: `${target.prefix}fallback-${Date.now()}`, __provider: serialized[kind] };
      const created = await host.create(type(kind), props);
      expect(created.id).toBeTruthy();
      await host.delete(type(kind), created.id, created.properties);
    } finally {
      await host.close();
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('name the package when neither the name nor the fallback resolves', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'logto-pulumi-bare-'));
    const host = await startHost({ dir: bare, cleanup: () => {} });
    try {
      await host.configure(stackConfig());
      const kind = 'OrganizationScope';
      await expect(host.create(type(kind), { name: 'x', __provider: providers[kind] })).rejects.toThrow(/logto-iac/);
    } finally {
      await host.close();
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('fail clearly when neither Pulumi config nor LOGTO_* variables are set', async () => {
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith('LOGTO_')) delete env[key];
    const host = await startHost(project, env);
    try {
      await host.configure({});
      const kind = 'OrganizationScope';
      await expect(host.create(type(kind), withProvider(kind, { name: 'x' }))).rejects.toThrow(
        /logto:endpoint \(or LOGTO_ENDPOINT\)/,
      );
    } finally {
      await host.close();
    }
  });

  it('check (preview) refuses a social sign-in target the tenant has no connector for, naming it', async () => {
    const host = await command();
    try {
      const kind = 'SignInExperience';
      const missing = `${target.prefix}nosuch`;
      const checked = await host.check(type(kind), {}, withProvider(kind, { socialSignInConnectorTargets: [missing] }));
      expect(checked.failures).toEqual([
        { property: 'socialSignInConnectorTargets', reason: expect.stringContaining(`target "${missing}"`) },
      ]);
      // With a value not known yet (an output of another resource), the check waits for apply.
      const preview = await host.check(type(kind), {}, withProvider(kind, { socialSignInConnectorTargets: [UNKNOWN] }));
      expect(preview.failures).toEqual([]);
    } finally {
      await host.close();
    }
  });

  it('adopt: true takes over the object with the same natural key instead of failing on the duplicate', async () => {
    const host = await command();
    const client = createClient({ endpoint: target.url, appId: target.appId, appSecret: target.appSecret });
    try {
      const kind = 'OrganizationScope';
      const name = `${target.prefix}adopt-${Date.now()}`;
      const existing = await client.post<{ id: string }>('/organization-scopes', { name, description: 'by hand' });
      // Without adopt, Logto refuses the duplicate name.
      await expect(host.create(type(kind), withProvider(kind, { name, description: 'managed' }))).rejects.toThrow();
      const checked = await host.check(
        type(kind),
        {},
        withProvider(kind, { name, description: 'managed', adopt: true }),
      );
      expect(checked.failures).toEqual([]);
      const adopted = await host.create(type(kind), checked.inputs);
      expect(adopted.id).toBe(existing.id);
      expect(adopted.properties.description).toBe('managed');
      const rows = await client.list<{ id: string; name: string; description: string }>('/organization-scopes');
      expect(rows.filter((r) => r.name === name)).toEqual([
        expect.objectContaining({ id: existing.id, description: 'managed' }),
      ]);
      // With nothing to adopt, it creates as usual; a kind without a natural key refuses the argument at preview.
      const fresh = await host.create(type(kind), withProvider(kind, { name: `${name}-new`, adopt: true }));
      expect(fresh.id).not.toBe(existing.id);
      const app = await host.check(
        type('Application'),
        {},
        withProvider('Application', { name, type: 'SPA', adopt: true }),
      );
      expect(app.failures).toEqual([{ property: 'adopt', reason: expect.stringContaining('has no natural key') }]);
      await host.delete(type(kind), fresh.id, fresh.properties);
      await host.delete(type(kind), adopted.id, adopted.properties);
    } finally {
      await client.close();
      await host.close();
    }
  });

  it('a user password rotates through passwordVersion: the same version writes nothing, a new one writes it once', async () => {
    const host = await command();
    const client = createClient({ endpoint: target.url, appId: target.appId, appSecret: target.appSecret });
    const kind = 'User';
    const verifies = (id: string, password: string) =>
      client
        .post(`/users/${id}/password/verify`, { password }, { createsObject: false })
        .then(() => true)
        .catch((e: { status?: number }) => {
          if (e.status !== 422) throw e;
          return false;
        });
    try {
      const first = `pulumi-pw-${Date.now()}-a`;
      const second = `pulumi-pw-${Date.now()}-b`;
      const desired = {
        username: `${target.prefix}_pulumi_rotating`,
        password: first,
        passwordVersion: '1',
      };
      const checked = await host.check(type(kind), {}, withProvider(kind, desired));
      expect(checked.failures).toEqual([]);
      const created = await host.create(type(kind), checked.inputs);
      let state = outputs(created.properties);
      expect(await verifies(created.id, first)).toBe(true);
      // Another password under the same version: no change (the version says when it is written).
      const same = { ...desired, password: second };
      expect(
        (await host.diff(type(kind), created.id, withProvider(kind, state), withProvider(kind, same))).changes,
      ).toBe('none');
      const bumped = { ...same, passwordVersion: '2' };
      const diff = await host.diff(type(kind), created.id, withProvider(kind, state), withProvider(kind, bumped));
      expect(diff).toEqual({ changes: 'some', replaces: [], deleteBeforeReplace: false });
      state = outputs(await host.update(type(kind), created.id, withProvider(kind, state), withProvider(kind, bumped)));
      expect(await verifies(created.id, second)).toBe(true);
      expect(await verifies(created.id, first)).toBe(false);
      expect(
        (await host.diff(type(kind), created.id, withProvider(kind, state), withProvider(kind, bumped))).changes,
      ).toBe('none');
      await host.delete(type(kind), created.id, withProvider(kind, state));
    } finally {
      await client.close();
      await host.close();
    }
  });

  it('fall back to the LOGTO_* environment when Pulumi config has no credentials', async () => {
    const host = await startHost(project, {
      ...process.env,
      LOGTO_ENDPOINT: target.url,
      LOGTO_APP_ID: target.appId,
      LOGTO_APP_SECRET: target.appSecret,
    });
    try {
      await host.configure({});
      const kind = 'OrganizationScope';
      const created = await host.create(type(kind), withProvider(kind, { name: `${target.prefix}env-${Date.now()}` }));
      expect(created.id).toBeTruthy();
      await host.delete(type(kind), created.id, created.properties);
    } finally {
      await host.close();
    }
  });
});

// Fault injection is an emulator feature.
describe.skipIf(realServerConfigured())('failures the engine must understand', () => {
  it('a create whose relation step fails hands the new id to the engine (ErrorResourceInitFailed)', async () => {
    const host = await command();
    const statusProto = require('@pulumi/pulumi/proto/status_pb');
    const providerProto = require('@pulumi/pulumi/proto/provider_pb');
    try {
      const api = await host.create(
        type('ApiResource'),
        withProvider('ApiResource', {
          name: 'init-failed',
          indicator: `https://init-failed-${Date.now()}.example.com`,
        }),
      );
      const scope = await host.create(
        type('ApiResourceScope'),
        withProvider('ApiResourceScope', { resourceId: api.id, name: 'read' }),
      );
      target.emulator!.setFaults([{ route: '/roles/:id/scopes', method: 'POST', fault: 500, times: 1 }]);
      const name = `${target.prefix}init-failed-${Date.now()}`;
      const error = (await host
        .create(type('Role'), withProvider('Role', { name, description: 'x', scopeIds: [scope.id] }))
        .then(
          () => undefined,
          (e: unknown) => e,
        )) as { metadata?: { get(key: string): Buffer[] } } | undefined;
      target.emulator!.setFaults([]);
      expect(error).toBeDefined();
      const [details] = error!.metadata!.get('grpc-status-details-bin');
      const status = statusProto.Status.deserializeBinary(new Uint8Array(details!));
      const failed = providerProto.ErrorResourceInitFailed.deserializeBinary(
        status.getDetailsList()[0].getValue_asU8(),
      );
      const roleId = failed.getId();
      expect(roleId).toBeTruthy();
      expect(failed.getProperties().toJavaScript()).toMatchObject({ name });
      // The next `pulumi up` updates that object: diff against it adds the missing scope.
      const olds = withProvider('Role', failed.getProperties().toJavaScript());
      const news = withProvider('Role', { name, description: 'x', scopeIds: [scope.id] });
      expect((await host.diff(type('Role'), roleId, olds, news)).changes).toBe('some');
      const updated = await host.update(type('Role'), roleId, olds, news);
      expect(updated.scopeIds).toEqual([scope.id]);
      expect((await host.diff(type('Role'), roleId, withProvider('Role', updated), news)).changes).toBe('none');
      await host.delete(type('Role'), roleId, withProvider('Role', updated));
      await host.delete(type('ApiResourceScope'), scope.id, scope.properties);
      await host.delete(type('ApiResource'), api.id, api.properties);
    } finally {
      target.emulator!.setFaults([]);
      await host.close();
    }
  });

  it('a create whose response was lost adopts the object instead of duplicating it', async () => {
    const host = await command();
    try {
      target.emulator!.setFaults([
        { route: '/organization-scopes', method: 'POST', fault: 'dropResponseAfterCommit', times: 1 },
      ]);
      const name = `${target.prefix}lost-${Date.now()}`;
      const created = await host.create(type('OrganizationScope'), withProvider('OrganizationScope', { name }));
      target.emulator!.setFaults([]);
      const client = createClient({ endpoint: target.url, appId: target.appId, appSecret: target.appSecret });
      try {
        const rows = await client.list<{ id: string; name: string }>('/organization-scopes');
        expect(rows.filter((r) => r.name === name).map((r) => r.id)).toEqual([created.id]);
      } finally {
        await client.close();
      }
      await host.delete(type('OrganizationScope'), created.id, created.properties);
    } finally {
      target.emulator!.setFaults([]);
      await host.close();
    }
  });
});

// Singletons run on a real Logto too: the suite puts them back as found (test/support/global-setup.ts).
const scenarios = fixturesFor(
  () => target.prefix,
  () => idp.issuer,
).filter((f) => catalog.some((d) => d.kind === f.kind));

describe.each(scenarios)('$kind through the dynamic-provider host', (fixture) => {
  it('check, create, drift, update, refresh, replace and delete', async () => {
    const kind = fixture.kind;
    const t = type(kind);
    const definition = getDefinition(kind);

    // `pulumi up` #1: create.
    let host = await command();
    let ids: Ids;
    let id: string;
    let state: Bag;
    let desired: Bag;
    let createdOutputs: Bag = {};
    try {
      ids = await createDeps(host, fixture);
      desired = fixture.spec(ids);

      const invalid = await host.check(t, {}, withProvider(kind, fixture.invalid.args(ids)));
      expect(invalid.failures.map((f) => f.property)).toContain(fixture.invalid.property);

      const checked = await host.check(t, {}, withProvider(kind, desired));
      expect(checked.failures).toEqual([]);

      // An input not known yet (preview) is not a failure.
      const firstField = Object.keys(desired)[0]!;
      const preview = await host.check(t, {}, withProvider(kind, { ...desired, [firstField]: UNKNOWN }));
      expect(preview.failures).toEqual([]);

      const created = await host.create(t, checked.inputs);
      id = created.id;
      expect(id).toBeTruthy();
      state = outputs(created.properties);
      for (const [field, value] of Object.entries(desired)) expect(state[field], field).toEqual(value);
      for (const output of definition.outputs.filter((o) => o.stable && o.name !== 'id')) {
        if (output.name !== 'defaultSecret' || desired.type !== 'SPA')
          expect(state[output.name], output.name).toBeDefined();
      }
      createdOutputs = { ...state };

      expect((await host.diff(t, id, withProvider(kind, state), withProvider(kind, desired))).changes).toBe('none');
    } finally {
      await host.close();
    }

    // Out of band (the Logto console, another tool…).
    const drift = fixture.drift;
    if (drift === 'deleted') await deleteBehindPulumisBack(kind, id, desired);
    else await changeBehindPulumisBack(kind, id, desired, drift(ids));

    // `pulumi preview` / `pulumi up` #2: a new host process, as the engine launches per command.
    host = await command();
    try {
      const drifted = await host.diff(t, id, withProvider(kind, state), withProvider(kind, desired));
      if (drift === 'deleted') {
        // Gone from Logto: the engine recreates it (deleting the old one first is a no-op on a 404).
        expect(drifted.changes).toBe('some');
        expect(drifted.replaces.length).toBeGreaterThan(0);
        expect(drifted.deleteBeforeReplace).toBe(true);
        await host.delete(t, id, withProvider(kind, state));
        const recreated = await host.create(t, withProvider(kind, desired));
        id = recreated.id;
        state = outputs(recreated.properties);
        createdOutputs = { ...state };
      } else {
        expect(drifted).toEqual({ changes: 'some', replaces: [], deleteBeforeReplace: false });
        state = outputs(await host.update(t, id, withProvider(kind, state), withProvider(kind, desired)));
      }
      expect((await host.diff(t, id, withProvider(kind, state), withProvider(kind, desired))).changes).toBe('none');

      if (fixture.change) {
        // The user changes the program.
        const change = fixture.change(ids);
        desired = { ...desired, ...change };
        const changed = await host.diff(t, id, withProvider(kind, state), withProvider(kind, desired));
        expect(changed).toEqual({ changes: 'some', replaces: [], deleteBeforeReplace: false });
        state = outputs(await host.update(t, id, withProvider(kind, state), withProvider(kind, desired)));
        for (const [field, value] of Object.entries(change)) {
          const expected = definition.sets.includes(field) && Array.isArray(value) ? [...value].sort() : value;
          const actual = Array.isArray(state[field]) ? [...(state[field] as unknown[])].sort() : state[field];
          expect(actual, field).toEqual(expected);
        }
        expect((await host.diff(t, id, withProvider(kind, state), withProvider(kind, desired))).changes).toBe('none');
      }

      // `pulumi refresh`.
      const refreshed = await host.read(t, id, withProvider(kind, state));
      expect(refreshed.id).toBe(id);
      for (const field of Object.keys(desired)) expect(outputs(refreshed.properties)).toHaveProperty(field);
      // Computed outputs survive updates and refreshes, including secrets the API shows only once.
      for (const output of definition.outputs.filter((o) => o.stable && o.name !== 'id')) {
        expect(outputs(refreshed.properties)[output.name], output.name).toEqual(createdOutputs[output.name]);
        expect(state[output.name], output.name).toEqual(createdOutputs[output.name]);
      }

      // A preview where an input is not known yet: a change (a replacement for an immutable field), never an error.
      for (const field of Object.keys(desired)) {
        const pending = await host.diff(
          t,
          id,
          withProvider(kind, state),
          withProvider(kind, { ...desired, [field]: UNKNOWN }),
        );
        expect(pending.changes, field).toBe('some');
        // (Where the id is built from the key, as for application secrets, a key change is a replacement too.)
        const idIsKey =
          definition.outputs.find((o) => o.name === 'id')?.stable !== true && !!definition.key?.fields.includes(field);
        expect(pending.replaces, field).toEqual(definition.immutable.includes(field) || idIsKey ? [field] : []);
      }

      if (fixture.replace) {
        const next = { ...desired, ...fixture.replace.fields(ids) };
        const replaced = await host.diff(t, id, withProvider(kind, state), withProvider(kind, next));
        expect(replaced.changes).toBe('some');
        expect(replaced.replaces.sort()).toEqual(
          Object.keys(fixture.replace.fields(ids))
            .filter((f) => definition.immutable.includes(f))
            .sort(),
        );
        expect(replaced.deleteBeforeReplace).toBe(fixture.replace.deleteBeforeReplace);
        // The engine's order: delete first when asked to, otherwise create the replacement first.
        if (replaced.deleteBeforeReplace) await host.delete(t, id, withProvider(kind, state));
        const replacement = await host.create(t, withProvider(kind, next));
        if (!replaced.deleteBeforeReplace) await host.delete(t, id, withProvider(kind, state));
        // A type whose id is its key (`<appId>/<name>`) gets the same id back after delete-then-create.
        if (replacement.id !== id) await expectDeleted(host, fixture, id, state);
        else expect(replaced.deleteBeforeReplace).toBe(true);
        for (const [field, value] of Object.entries(fixture.replace.fields(ids))) {
          expect(outputs(replacement.properties)[field], field).toEqual(value);
        }
        id = replacement.id;
        state = outputs(replacement.properties);
        desired = next;
        expect((await host.diff(t, id, withProvider(kind, state), withProvider(kind, desired))).changes).toBe('none');
      }

      // `pulumi destroy`.
      await host.delete(t, id, withProvider(kind, state));
      if (!fixture.singleton || definition.removable) await expectDeleted(host, fixture, id, state);
      for (const dep of [...(fixture.deps ?? [])].reverse()) {
        await host.delete(type(dep.kind), ids[dep.name]!, withProvider(dep.kind, dep.spec(ids)));
      }
      expect(host.stderr()).not.toMatch(/canary/);
    } finally {
      await host.close();
    }
  });
});
