import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { converge, expectClean } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectConverges, expectDriftRestored, expectNoCanary, expectRefusedBeforeWrites } from './cases.js';

// A tenant has one customizer per token type: these tests write them with the run's prefix in a comment of
// the script (the clean-up removes a customizer whose script carries it) and leave none behind.
let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

const CANARY = 'canary-jwt-env-2f8a41';
type Value = Record<string, unknown>;
const live = (type: string) => t.client.get<Value>(`/configs/jwt-customizer/${type}`);
const customizer = (spec: Record<string, unknown>): DesiredObject => ({
  address: `JwtCustomizer.${spec.tokenType}`,
  kind: 'JwtCustomizer',
  spec,
});
const script = (claims: string) =>
  `// ${t.prefix}\nconst getCustomJwtClaims = async ({ token, context, environmentVariables }) => {\n  return ${claims};\n};\n`;

describe('JwtCustomizer', () => {
  it('with every field: converges, is adopted without state, keeps the environment out of plans and state', async () => {
    const desired = [
      customizer({
        tokenType: 'access-token',
        script: script('{ plan: environmentVariables.PLAN, user: context.user.id }'),
        environmentVariables: { PLAN: 'pro', API_KEY: CANARY },
        tokenSample: { jti: 'j1', aud: 'https://api.example.com', accountId: 'u1', kind: 'AccessToken' },
        contextSample: { user: { id: 'u1', username: 'alice' } },
        blockIssuanceOnError: true,
      }),
    ];
    const plan = await planTenant(desired, { client: t.client });
    expect(plan.changes.map((c) => `${c.address}:${c.action}`)).toEqual(['JwtCustomizer.access-token:create']);
    expectNoCanary(plan, [CANARY]);
    const state = await expectConverges(t, desired);
    expect(JSON.stringify(state)).not.toContain(CANARY);
    expect(await live('access-token')).toMatchObject({
      environmentVariables: { PLAN: 'pro', API_KEY: CANARY },
      contextSample: { user: { id: 'u1', username: 'alice' } },
      blockIssuanceOnError: true,
    });
    const adopt = await planTenant(desired, { client: t.client });
    expect(adopt.changes).toEqual([expect.objectContaining({ action: 'noop', id: 'access-token', adopted: true })]);

    // Removed where the kind may be deleted: gone from Logto.
    const prune = await planTenant([], { client: t.client, prior: state, allowDelete: ['JwtCustomizer'] });
    const ours = { ...prune, changes: prune.changes.filter((c) => c.id === 'access-token') };
    expect(ours.changes.map((c) => c.action)).toEqual(['delete']);
    await applyPlan(ours, { client: t.client, desired: [], prior: state });
    await expect(live('access-token')).rejects.toMatchObject({ status: 404 });
  });

  it('with only the script: converges; an edited script is an update; a change by hand is drift on exactly it', async () => {
    const desired = [customizer({ tokenType: 'client-credentials', script: script('{ tier: "m2m" }') })];
    const state = await expectConverges(t, desired);
    const edited = [customizer({ tokenType: 'client-credentials', script: script('{ tier: "service" }') })];
    const update = await planTenant(edited, { client: t.client, prior: state });
    expect(update.changes[0]).toMatchObject({
      action: 'update',
      changes: [expect.objectContaining({ field: 'script' })],
    });
    const next = await expectConverges(t, edited, state);
    await expectDriftRestored(t, edited, next, 'JwtCustomizer.client-credentials', 'script', () =>
      t.client.put('/configs/jwt-customizer/client-credentials', { script: 'const getCustomJwtClaims = () => ({});' }),
    );
    expect((await live('client-credentials')).script).toContain('service');
    await t.client.delete('/configs/jwt-customizer/client-credentials');
  });

  it('refuses before any write a script that does not compile, and samples Logto would refuse or drop', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ script: 'const getCustomJwtClaims = async () => { return {; };' }, 'script', /does not parse as JavaScript/],
      [{ script: 'const claims = () => ({});' }, 'script', /define it/],
      [
        { script: script('{}'), tokenSample: { sub: 'u1' } },
        'tokenSample.sub',
        /has no `sub`; its keys are: .*accountId/,
      ],
      [
        { script: script('{}'), contextSample: { user: {}, account: {} } },
        'contextSample.account',
        /its keys are: user, grant/,
      ],
      [{ script: script('{}'), contextSample: { grant: {} } }, 'contextSample.user', /needs `user`/],
    ];
    for (const [spec, field, message] of cases) {
      const error = await expectRefusedBeforeWrites(t, [customizer({ tokenType: 'access-token', ...spec })]);
      expect(error.issues).toEqual([expect.objectContaining({ field, message: expect.stringMatching(message) })]);
    }
    const cc = await expectRefusedBeforeWrites(t, [
      customizer({ tokenType: 'client-credentials', script: script('{}'), contextSample: { user: {} } }),
    ]);
    expect(cc.issues.map((i) => i.field)).toEqual(['contextSample.user']);
    const { state } = await converge(t, []);
    await expectClean(t, [], state);
  });
});
