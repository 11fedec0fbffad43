/**
 * Adoption by a key Logto does not keep unique (application, hook and organization names): a stateless run
 * adopts the one live object with the name, several are an error naming every id before any write, and the
 * same key serves import and lost-create recovery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AmbiguousKeyError,
  createContext,
  type DesiredObject,
  findObjectByKey,
  identityKey,
  type PriorState,
  planTenant,
  SpecValidationError,
} from '../../index.js';
import { getDefinition } from '../../resources/index.js';
import { converge, expectClean, idsNamed, itEmulator, pending, rows, writes } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

interface Case {
  kind: string;
  route: string;
  spec: (name: string) => Record<string, unknown>;
  /** The same object made directly through the API (a twin Logto accepts). */
  body: (name: string) => Record<string, unknown>;
}

const CASES: Case[] = [
  {
    kind: 'Application',
    route: '/applications',
    spec: (name) => ({ name, type: 'SPA', redirectUris: ['https://spa.example.com/cb'] }),
    body: (name) => ({ name, type: 'SPA' }),
  },
  {
    kind: 'Hook',
    route: '/hooks',
    spec: (name) => ({ name, events: ['User.Created'], url: 'https://hooks.example.com/a' }),
    body: (name) => ({ name, events: ['User.Created'], config: { url: 'https://hooks.example.com/b' } }),
  },
  {
    kind: 'Organization',
    route: '/organizations',
    spec: (name) => ({ name, description: 'adopted' }),
    body: (name) => ({ name }),
  },
];

describe.each(CASES)('$kind: adoption by name', (c) => {
  const object = (name: string): DesiredObject => ({ address: `${c.kind}.x`, kind: c.kind, spec: c.spec(name) });

  it('has an adoption key, not a unique one', () => {
    expect(identityKey(getDefinition(c.kind))).toMatchObject({ fields: ['name'], unique: false });
    expect(getDefinition(c.kind).key).toBeUndefined();
  });

  it('a stateless rerun adopts the one object with the name instead of creating a second', async () => {
    const name = `${t.prefix}${c.kind}-stateless`;
    const desired = [object(name)];
    const first = await converge(t, desired);
    const id = first.state.objects[`${c.kind}.x`]!.id;
    const plan = await expectClean(t, desired);
    expect(plan.changes).toEqual([expect.objectContaining({ action: 'noop', adopted: true, id })]);
    const second = await converge(t, desired);
    expect(second.state.objects[`${c.kind}.x`]!.id).toBe(id);
    expect(await idsNamed(t, c.route, name)).toEqual([id]);
    expect((await findObjectByKey(createContext(t.client), getDefinition(c.kind), `name=${name}`)).id).toBe(id);
  });

  it('two live objects with the name: plan and import fail naming both ids, before any write', async () => {
    const name = `${t.prefix}${c.kind}-twins`;
    const a = await t.client.post<{ id: string }>(c.route, c.body(name));
    const b = await t.client.post<{ id: string }>(c.route, c.body(name));
    t.emulator?.resetStats();
    const error = await planTenant([object(name)], { client: t.client }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousKeyError);
    expect((error as AmbiguousKeyError).ids.sort()).toEqual([a.id, b.id].sort());
    expect((error as Error).message).toContain(`${c.kind}.x`);
    expect((error as Error).message).toContain(a.id);
    expect((error as Error).message).toContain(b.id);
    const imported = await findObjectByKey(createContext(t.client), getDefinition(c.kind), `name=${name}`).catch(
      (e: unknown) => e,
    );
    expect(imported).toBeInstanceOf(AmbiguousKeyError);
    expect((imported as Error).message).toMatch(/by id/);
    if (t.isEmulator) expect(writes(t)).toEqual({});
    // With the id known (prior state or declared), the twin is irrelevant.
    const plan = await planTenant([{ ...object(name), id: a.id }], { client: t.client });
    expect(plan.changes[0]).toMatchObject({ id: a.id });
  });
});

describe('adoption keys across desired entries', () => {
  it('two desired entries with the same name and no ids are a spec error naming both', async () => {
    const name = `${t.prefix}same`;
    t.emulator?.resetStats();
    const error = await planTenant(
      [
        { address: 'Application.one', kind: 'Application', spec: { name, type: 'SPA' } },
        { address: 'Application.two', kind: 'Application', spec: { name, type: 'Native' } },
      ],
      { client: t.client },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as Error).message).toMatch(/Application\.two field "name".*Application\.one/);
    if (t.emulator) expect(t.emulator.stats().byRoute).toEqual({}); // not a single request
  });

  it('an object another entry holds by id is not adopted: the new entry is created', async () => {
    const name = `${t.prefix}held`;
    const one: DesiredObject = { address: 'Application.one', kind: 'Application', spec: { name, type: 'SPA' } };
    const two: DesiredObject = { address: 'Application.two', kind: 'Application', spec: { name, type: 'Native' } };
    const { state } = await converge(t, [one]);
    const { plan, state: next } = await converge(t, [one, two], state);
    expect(plan.changes.map((c) => `${c.address}:${c.action}`)).toEqual([
      'Application.one:noop',
      'Application.two:create',
    ]);
    expect(next.objects['Application.two']!.id).not.toBe(next.objects['Application.one']!.id);
    await expectClean(t, [one, two], next);
  });

  it('the app this tool signs in with is never adopted by name: an entry with its name is a new application', async () => {
    const own = (await rows<{ id: string; name: string; type: string }>(t, '/applications')).find(
      (a) => a.id === t.appId,
    )!;
    expect(own).toBeDefined();
    const plan = await planTenant(
      [{ address: 'Application.copy', kind: 'Application', spec: { name: own.name, type: own.type } }],
      { client: t.client },
    );
    expect(plan.changes.map((c) => `${c.address}:${c.action}:${c.id ?? '-'}:${c.adopted ?? false}`)).toEqual([
      'Application.copy:create:-:false',
    ]);
  });

  itEmulator('a lost create response picks the new object, not the older twin with the same name', async () => {
    const name = `${t.prefix}lost-twin`;
    const one: DesiredObject = {
      address: 'Hook.one',
      kind: 'Hook',
      spec: { name, events: ['User.Created'], url: 'https://h.example.com/1' },
    };
    const two: DesiredObject = {
      address: 'Hook.two',
      kind: 'Hook',
      spec: { name, events: ['User.Deleted'], url: 'https://h.example.com/2' },
    };
    const { state } = await converge(t, [one]);
    t.emulator!.setFaults([{ route: '/hooks', method: 'POST', fault: 'dropResponseAfterCommit', times: 1 }]);
    let next: PriorState;
    try {
      const done = await converge(t, [one, two], state);
      next = done.state;
      expect(done.result.results.find((r) => r.address === 'Hook.two')!.note).toMatch(
        /response was lost; found the one new Hook with name/,
      );
    } finally {
      t.emulator!.setFaults();
    }
    expect(t.emulator!.stats().faultsInjected).toBe(1);
    const ids = await idsNamed(t, '/hooks', name);
    expect(ids.sort()).toEqual([next.objects['Hook.one']!.id, next.objects['Hook.two']!.id].sort());
    expect(pending(await expectClean(t, [one, two], next))).toEqual([]);
  });
});
