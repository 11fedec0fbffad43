import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DesiredObject, planTenant } from '../../index.js';
import { converge, expectClean, writes } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectConverges, expectDriftRestored, expectRefusedBeforeWrites } from './cases.js';

type Ac = Record<string, unknown>;

let t: Target;
let original: Ac;
beforeAll(async () => {
  t = await startTarget();
  original = await t.client.get<Ac>('/account-center');
});
afterAll(async () => {
  if (t && original) {
    // Put back what these tests touch (matters on a real tenant).
    const keys = ['enabled', 'fields', 'webauthnRelatedOrigins', 'customCss', 'deleteAccountUrl', 'profileFields'];
    await t.client.patch('/account-center', Object.fromEntries(keys.map((k) => [k, original[k]])));
  }
  await t?.cleanup();
});

const ac = (spec: Record<string, unknown>): DesiredObject => ({
  address: 'AccountCenter.main',
  kind: 'AccountCenter',
  spec,
});

const ALL = {
  enabled: true,
  nameAccess: 'Edit',
  avatarAccess: 'Edit',
  profileAccess: 'ReadOnly',
  emailAccess: 'ReadOnly',
  phoneAccess: 'Off',
  passwordAccess: 'Edit',
  usernameAccess: 'ReadOnly',
  socialAccess: 'Edit',
  customDataAccess: 'Off',
  mfaAccess: 'Edit',
  passkeyAccess: 'Edit',
  sessionAccess: 'ReadOnly',
  webauthnRelatedOrigins: ['https://app.example.com', 'https://shop.example.com'],
  customCss: '.account { color: red; }',
  deleteAccountUrl: 'https://shop.example.com/account/delete',
};

describe('AccountCenter', () => {
  it('adopts the singleton with an empty spec and plans nothing', async () => {
    t.emulator?.resetStats();
    const state = await expectConverges(t, [ac({})]);
    expect(state.objects['AccountCenter.main']?.id).toBe('default');
    if (t.emulator) expect(writes(t)).toEqual({});
  });

  it('converges with all fields', async () => {
    await expectConverges(t, [ac(ALL)]);
    const live = await t.client.get<Ac>('/account-center');
    expect(live).toMatchObject({ enabled: true, customCss: ALL.customCss });
    expect(live.fields).toMatchObject({ name: 'Edit', phone: 'Off', session: 'ReadOnly' });
  });

  it('patches one field access without losing the ones it does not manage', async () => {
    await t.client.patch('/account-center', { fields: { name: 'Edit', avatar: 'ReadOnly' } });
    const desired = [ac({ emailAccess: 'Edit' })];
    const { state } = await converge(t, desired);
    expect((await t.client.get<Ac>('/account-center')).fields).toEqual({
      name: 'Edit',
      avatar: 'ReadOnly',
      email: 'Edit',
    });
    // An out-of-band change of an entry the spec does not manage is not drift.
    await t.client.patch('/account-center', { fields: { name: 'Off', email: 'Edit' } });
    await expectClean(t, desired, state);
  });

  it('shows an out-of-band change of a managed entry as drift on exactly that field and restores it', async () => {
    const desired = [ac({ enabled: true, emailAccess: 'Edit', customCss: '.a{}' })];
    const { state } = await converge(t, desired);
    await expectDriftRestored(t, desired, state, 'AccountCenter.main', 'emailAccess', () =>
      t.client.patch('/account-center', { fields: { email: 'ReadOnly' } }),
    );
    await expectDriftRestored(t, desired, state, 'AccountCenter.main', 'enabled', () =>
      t.client.patch('/account-center', { enabled: false }),
    );
  });

  it('is never deleted: dropping it from the desired set only forgets it', async () => {
    const { state } = await converge(t, [ac({ customCss: '.x{}' })]);
    const plan = await planTenant([], { client: t.client, prior: state, allowDelete: ['AccountCenter'] });
    expect(plan.changes).toEqual([]);
  });

  it('rejects malformed settings before any write, naming the fields', async () => {
    const error = await expectRefusedBeforeWrites(t, [
      ac({
        nameAccess: 'Write',
        customCss: 42,
        webauthnRelatedOrigins: ['ftp://x.example.com'],
        deleteAccountUrl: 'ftp://x.example.com/delete',
        profileFields: ['dept', 'dept'],
      }),
    ]);
    expect(error.issues.map((i) => i.field).sort()).toEqual([
      'customCss',
      'deleteAccountUrl',
      'nameAccess',
      'profileFields',
      'webauthnRelatedOrigins.0',
    ]);
  });

  it('shows the custom profile fields it lists, in order, applied after them; an unknown name is refused at plan', async () => {
    const dept = `${t.prefix}dept`;
    const team = `${t.prefix}team`;
    const field = (name: string): DesiredObject => ({
      address: `CustomProfileField.${name}`,
      kind: 'CustomProfileField',
      spec: { name, type: 'Text', label: name },
    });
    const desired = [ac({ profileFields: [team, dept] }), field(dept), field(team)];
    const plan = await planTenant(desired, { client: t.client });
    const center = plan.changes.find((c) => c.kind === 'AccountCenter')!;
    expect(center.dependsOn.sort()).toEqual([`CustomProfileField.${dept}`, `CustomProfileField.${team}`]);
    const state = await expectConverges(t, desired);
    expect((await t.client.get<Ac>('/account-center')).profileFields).toEqual([{ name: team }, { name: dept }]);
    // The order is managed: swapped by hand, it is drift on exactly `profileFields`.
    await expectDriftRestored(t, desired, state, 'AccountCenter.main', 'profileFields', () =>
      t.client.patch('/account-center', { profileFields: [{ name: dept }, { name: team }] }),
    );
    const unknown = await expectRefusedBeforeWrites(t, [ac({ profileFields: [`${t.prefix}nosuch`] })]);
    expect(unknown.issues).toEqual([
      expect.objectContaining({
        field: 'profileFields',
        message: expect.stringMatching(/no custom profile field is named .*entity_not_exists_with_names/),
      }),
    ]);
    await t.client.patch('/account-center', { profileFields: null });
  });
});
