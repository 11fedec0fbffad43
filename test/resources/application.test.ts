import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { converge, expectClean, idsNamed, itEmulator, pending, rows } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { convergeDroppingPost, expectRefusedBeforeWrites } from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

interface AppRow {
  id: string;
  name: string;
  type: string;
  oidcClientMetadata: Record<string, unknown>;
  customClientMetadata: Record<string, unknown>;
}

const allFields = (name: string) => ({
  name,
  type: 'Traditional',
  description: 'Every field',
  redirectUris: ['https://app.example.com/callback', 'http://localhost:3000/callback'],
  postLogoutRedirectUris: ['https://app.example.com/'],
  corsAllowedOrigins: ['https://app.example.com'],
  backchannelLogoutUri: 'https://app.example.com/logout',
  backchannelLogoutSessionRequired: true,
  idTokenTtl: 600,
  refreshTokenTtlInDays: 30,
  rotateRefreshToken: false,
  alwaysIssueRefreshToken: true,
  isThirdParty: false,
  customData: { team: 'identity', tier: 2 },
});

describe('Application', () => {
  it('all fields: apply to an empty tenant, then plan shows zero changes', async () => {
    const desired: DesiredObject[] = [
      { address: 'Application.web', kind: 'Application', spec: allFields(`${t.prefix}web`) },
    ];
    const { state, result } = await converge(t, desired);
    await expectClean(t, desired, state);
    const row = await t.client.get<AppRow>(`/applications/${state.objects['Application.web']!.id}`);
    expect(row.customClientMetadata).toMatchObject({
      idTokenTtl: 600,
      refreshTokenTtlInDays: 30,
      alwaysIssueRefreshToken: true,
    });
    expect(row.oidcClientMetadata).toMatchObject({ backchannelLogoutUri: 'https://app.example.com/logout' });
    expect(result.results[0]!.action).toBe('create');
  });

  it('required fields only, for every type', async () => {
    const desired: DesiredObject[] = ['Native', 'SPA', 'Traditional', 'MachineToMachine'].map((type) => ({
      address: `Application.${type}`,
      kind: 'Application',
      spec: { name: `${t.prefix}${type}`, type },
    }));
    const { state } = await converge(t, desired);
    await expectClean(t, desired, state);
  });

  it('drift on exactly the changed field; the update merges and keeps unmanaged settings', async () => {
    const desired: DesiredObject[] = [
      {
        address: 'Application.spa',
        kind: 'Application',
        spec: { name: `${t.prefix}spa`, type: 'SPA', redirectUris: ['https://spa.example.com/cb'], idTokenTtl: 900 },
      },
    ];
    const { state } = await converge(t, desired);
    const id = state.objects['Application.spa']!.id;
    const row = await t.client.get<AppRow>(`/applications/${id}`);
    // Out of band: a redirect URI added, plus settings this tool does not manage.
    await t.client.patch(`/applications/${id}`, {
      oidcClientMetadata: {
        ...row.oidcClientMetadata,
        redirectUris: ['https://spa.example.com/cb', 'https://evil.example.com/cb'],
        logoUri: 'https://spa.example.com/logo.png',
      },
      customClientMetadata: { ...row.customClientMetadata, maxAllowedGrants: 7 },
    });
    const plan = await planTenant(desired, { client: t.client, prior: state });
    expect(plan.drift.map((d) => d.field)).toEqual(['redirectUris']);
    expect(plan.drift[0]).toMatchObject({ expected: ['https://spa.example.com/cb'] });
    expect(pending(plan)[0]!.changes).toEqual([
      {
        field: 'redirectUris',
        before: ['https://evil.example.com/cb', 'https://spa.example.com/cb'],
        after: ['https://spa.example.com/cb'],
        added: [],
        removed: ['https://evil.example.com/cb'],
      },
    ]);
    const result = await applyPlan(plan, { client: t.client, desired, prior: state });
    expect(result.summary.updated).toBe(1);
    await expectClean(t, desired, result.state);
    const after = await t.client.get<AppRow>(`/applications/${id}`);
    expect(after.oidcClientMetadata.logoUri).toBe('https://spa.example.com/logo.png');
    expect(after.customClientMetadata).toMatchObject({ maxAllowedGrants: 7, idTokenTtl: 900 });
  });

  it('changing the type replaces the app (create before destroy: names are not unique)', async () => {
    const name = `${t.prefix}replace`;
    const { state } = await converge(t, [
      { address: 'Application.x', kind: 'Application', spec: { name, type: 'SPA' } },
    ]);
    const oldId = state.objects['Application.x']!.id;
    const desired: DesiredObject[] = [
      { address: 'Application.x', kind: 'Application', spec: { name, type: 'Native' } },
    ];
    const plan = await planTenant(desired, { client: t.client, prior: state });
    expect(plan.changes[0]).toMatchObject({ action: 'replace', reason: expect.stringContaining('type') });
    const result = await applyPlan(plan, { client: t.client, desired, prior: state });
    expect(result.results[0]).toMatchObject({ action: 'replace', status: 'ok', previousId: oldId });
    const apps = (await rows<AppRow>(t, '/applications')).filter((a) => a.name === name);
    expect(apps.map((a) => a.type)).toEqual(['Native']);
    await expectClean(t, desired, result.state);
  });

  it('changing isThirdParty replaces the app and re-creates its secret on the new one', async () => {
    const name = `${t.prefix}3p`;
    const tenant = (isThirdParty: boolean): DesiredObject[] => [
      { address: 'Application.web', kind: 'Application', spec: { name, type: 'Traditional', isThirdParty } },
      {
        address: 'ApplicationSecret.web',
        kind: 'ApplicationSecret',
        spec: { applicationId: { $ref: 'Application.web' }, name: 'ci' },
      },
    ];
    const { state } = await converge(t, tenant(false));
    const oldId = state.objects['Application.web']!.id;
    const plan = await planTenant(tenant(true), { client: t.client, prior: state });
    expect(plan.changes.map((c) => `${c.address}:${c.action}`)).toEqual([
      'Application.web:replace',
      'ApplicationSecret.web:replace',
    ]);
    expect(plan.changes[0]!.reason).toMatch(/isThirdParty/);
    const result = await applyPlan(plan, { client: t.client, desired: tenant(true), prior: state });
    expect(result.summary).toMatchObject({ replaced: 2, failed: 0 });
    const newId = result.state.objects['Application.web']!.id;
    expect(newId).not.toBe(oldId);
    expect(result.state.objects['ApplicationSecret.web']!.id).toBe(`${newId}/ci`);
    const secrets = await rows<{ name: string }>(t, `/applications/${newId}/secrets`);
    expect(secrets.map((s) => s.name)).toContain('ci');
    expect(await idsNamed(t, '/applications', name)).toEqual([newId]);
    await expectClean(t, tenant(true), result.state);
  });

  it('a third-party M2M app is an error naming the field, with zero write requests', async () => {
    const desired: DesiredObject[] = [
      {
        address: 'Application.bot',
        kind: 'Application',
        spec: { name: `${t.prefix}bot`, type: 'MachineToMachine', isThirdParty: true },
      },
      {
        address: 'Application.cors',
        kind: 'Application',
        spec: { name: `${t.prefix}c`, type: 'SPA', corsAllowedOrigins: ['https://a.example.com/path'] },
      },
    ];
    const error = await expectRefusedBeforeWrites(t, desired);
    expect(error.message).toMatch(/Application\.bot field "isThirdParty"/);
    expect(error.message).toMatch(/Application\.cors field "corsAllowedOrigins\.0"/);
  });

  itEmulator('a lost create response adopts the one new app with the name and says so', async () => {
    const name = `${t.prefix}lost`;
    const desired: DesiredObject[] = [
      { address: 'Application.lost', kind: 'Application', spec: { name, type: 'MachineToMachine' } },
    ];
    const { state, result } = await convergeDroppingPost(t, '/applications', desired);
    expect(result.results[0]!.note).toMatch(/response was lost; found the one new Application with name/);
    expect(await idsNamed(t, '/applications', name)).toHaveLength(1);
    await expectClean(t, desired, state);
  });

  it('never prunes the app the tool signs in with', async () => {
    const plan = await planTenant([], { client: t.client, allowDelete: ['Application'] });
    expect(plan.changes.map((c) => c.id)).not.toContain(t.appId);
  });
});
