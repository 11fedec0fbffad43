/** The config singletons: IdTokenConfig (`/configs/id-token`) and OidcSessionConfig (`/configs/oidc/session`). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DesiredObject, planTenant } from '../../index.js';
import { converge, writes } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectConverges, expectDriftRestored, expectRefusedBeforeWrites } from './cases.js';

let t: Target;
let claims: { enabledExtendedClaims: string[] };
let session: { ttl: number };
beforeAll(async () => {
  t = await startTarget();
  claims = await t.client.get('/configs/id-token');
  session = await t.client.get('/configs/oidc/session');
});
afterAll(async () => {
  if (t && claims) await t.client.put('/configs/id-token', claims);
  if (t && session) await t.client.patch('/configs/oidc/session', session);
  await t?.cleanup();
});

const one = (kind: string, spec: Record<string, unknown>): DesiredObject => ({ address: `${kind}.main`, kind, spec });

describe('IdTokenConfig', () => {
  it('adopts the singleton with an empty spec without writing, and converges with the claim set', async () => {
    t.emulator?.resetStats();
    await expectConverges(t, [one('IdTokenConfig', {})]);
    if (t.emulator) expect(writes(t)).toEqual({});
    const state = await expectConverges(t, [
      one('IdTokenConfig', { enabledExtendedClaims: ['roles', 'custom_data', 'organization_data'] }),
    ]);
    expect(state.objects['IdTokenConfig.main']?.id).toBe('default');
    const live = await t.client.get<{ enabledExtendedClaims: string[] }>('/configs/id-token');
    expect([...live.enabledExtendedClaims].sort()).toEqual(['custom_data', 'organization_data', 'roles']);
  });

  it('treats the claims as a set and restores an out-of-band change', async () => {
    const desired = [one('IdTokenConfig', { enabledExtendedClaims: ['identities', 'roles'] })];
    const { state } = await converge(t, desired);
    await t.client.put('/configs/id-token', { enabledExtendedClaims: ['roles', 'identities'] });
    expect((await planTenant(desired, { client: t.client, prior: state })).drift).toEqual([]);
    await expectDriftRestored(t, desired, state, 'IdTokenConfig.main', 'enabledExtendedClaims', () =>
      t.client.put('/configs/id-token', { enabledExtendedClaims: ['roles'] }),
    );
  });

  it('is never deleted: dropping it from the desired set only forgets it', async () => {
    const { state } = await converge(t, [one('IdTokenConfig', { enabledExtendedClaims: ['roles'] })]);
    const plan = await planTenant([], { client: t.client, prior: state, allowDelete: ['IdTokenConfig'] });
    expect(plan.changes).toEqual([]);
  });

  it('rejects an unknown claim before any write, naming the field', async () => {
    const error = await expectRefusedBeforeWrites(t, [
      one('IdTokenConfig', { enabledExtendedClaims: ['roles', 'email'] }),
    ]);
    expect(error.issues).toEqual([
      expect.objectContaining({ address: 'IdTokenConfig.main', field: 'enabledExtendedClaims.1' }),
    ]);
  });
});

describe('OidcSessionConfig', () => {
  it('adopts the singleton with an empty spec without writing, and converges with a TTL', async () => {
    t.emulator?.resetStats();
    await expectConverges(t, [one('OidcSessionConfig', {})]);
    if (t.emulator) expect(writes(t)).toEqual({});
    await expectConverges(t, [one('OidcSessionConfig', { ttl: 86400 })]);
    expect(await t.client.get('/configs/oidc/session')).toEqual({ ttl: 86400 });
  });

  it('shows an out-of-band TTL change as drift and restores it', async () => {
    const desired = [one('OidcSessionConfig', { ttl: 3600 })];
    const { state } = await converge(t, desired);
    await expectDriftRestored(t, desired, state, 'OidcSessionConfig.main', 'ttl', () =>
      t.client.patch('/configs/oidc/session', { ttl: 7200 }),
    );
  });

  it('rejects a non-positive TTL before any write, naming the field', async () => {
    const error = await expectRefusedBeforeWrites(t, [one('OidcSessionConfig', { ttl: 0 })]);
    expect(error.issues).toEqual([expect.objectContaining({ address: 'OidcSessionConfig.main', field: 'ttl' })]);
  });
});
