import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { SamlApplication } from '../../resources/saml-application.js';
import { converge, expectClean, ref } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectConverges, expectDriftRestored, expectNoCanary, expectRefusedBeforeWrites } from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

const o = (address: string, kind: string, spec: Record<string, unknown>): DesiredObject => ({ address, kind, spec });
const EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const app = (extra: Record<string, unknown> = {}) =>
  o('SamlApplication.sp', 'SamlApplication', {
    name: `${t.prefix}sp`,
    description: 'Wiki',
    entityId: `https://wiki.example.com/${t.prefix}`,
    acsUrl: 'https://wiki.example.com/saml/acs',
    attributeMapping: { sub: 'uid', email: 'mail' },
    nameIdFormat: EMAIL,
    encryption: { encryptAssertion: false },
    ...extra,
  });
const cert = (address: string, spec: Record<string, unknown>) =>
  o(`SamlApplicationCertificate.${address}`, 'SamlApplicationCertificate', {
    samlApplicationId: ref('SamlApplication.sp'),
    ...spec,
  });
const ctx = () => ({ client: t.client, cache: new Map() });
interface CertRow {
  id: string;
  active: boolean;
}

describe('SamlApplication and SamlApplicationCertificate', () => {
  it('creates the app with a selected signing certificate, detects drift field by field, switches certificates, deletes', async () => {
    const desired = [app(), cert('signing', { lifeSpanInYears: 2, active: true })];
    const state = await expectConverges(t, desired);
    const appId = state.objects['SamlApplication.sp']!.id;
    const signing = state.objects['SamlApplicationCertificate.signing']!.id;
    expect(signing.startsWith(`${appId}/`)).toBe(true);
    const certs = () => t.client.get<CertRow[]>(`/saml-applications/${appId}/secrets`);
    // Logto's own first certificate stays, inactive; ours signs.
    expect((await certs()).map((c) => [c.id === signing.split('/')[1], c.active]).sort()).toEqual([
      [false, false],
      [true, true],
    ]);
    const live = await SamlApplication.read(ctx(), appId);
    expect(live!.spec).toMatchObject({ acsUrl: 'https://wiki.example.com/saml/acs', nameIdFormat: EMAIL });
    expect(live!.outputs.metadataUrl).toMatch(new RegExp(`/api/saml-applications/${appId}/metadata$`));
    expect(live!.outputs.metadataXml).toContain('EntityDescriptor');
    expect(live!.outputs.idpEntityId).toMatch(new RegExp(`/saml/${appId}$`));
    expect(live!.outputs.singleSignOnUrl).toMatch(new RegExp(`/api/saml/${appId}/authn$`));

    // Without state: the app is adopted by its name, the certificate as the app's active one.
    const adopt = await planTenant(desired, { client: t.client });
    expect(adopt.changes.map((c) => [c.address, c.action, c.adopted])).toEqual([
      ['SamlApplication.sp', 'noop', true],
      ['SamlApplicationCertificate.signing', 'noop', true],
    ]);
    // An active certificate without lifeSpanInYears adopts the one Logto created with a new app.
    const fresh = await planTenant([app({ name: `${t.prefix}sp-fresh` }), cert('signing', { active: true })], {
      client: t.client,
    });
    expect(fresh.changes.map((c) => c.action)).toEqual(['create', 'create']);

    // Drift on exactly the changed field, for each kind.
    let next = await expectDriftRestored(t, desired, state, 'SamlApplication.sp', 'entityId', () =>
      t.client.patch(`/saml-applications/${appId}`, { entityId: 'https://other.example.com' }),
    );
    next = await expectDriftRestored(t, desired, next, 'SamlApplication.sp', 'attributeMapping', () =>
      t.client.patch(`/saml-applications/${appId}`, { attributeMapping: { email: 'mail' } }),
    );
    // A binding set outside (Logto stores HTTP-Redirect on PATCH) reads as a different acsUrl and is rewritten.
    next = await expectDriftRestored(t, desired, next, 'SamlApplication.sp', 'acsUrl', () =>
      t.client.patch(`/saml-applications/${appId}`, {
        acsUrl: {
          binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
          url: 'https://wiki.example.com/saml/acs',
        },
      }),
    );
    const seeded = (await certs()).find((c) => c.id !== signing.split('/')[1])!;
    next = await expectDriftRestored(t, desired, next, 'SamlApplicationCertificate.signing', 'active', () =>
      t.client.patch(`/saml-applications/${appId}/secrets/${seeded.id}`, { active: true }),
    );
    expect((await certs()).find((c) => c.active)!.id).toBe(signing.split('/')[1]);

    // Rotation: a new certificate becomes the active one, the old one stays as a fallback, in one apply.
    const rotated = [
      app({ nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent' }),
      cert('signing', { lifeSpanInYears: 2, active: false }),
      cert('next', { active: true }),
    ];
    const plan = await planTenant(rotated, { client: t.client, prior: next });
    // Logto keeps the private keys to itself: nothing that looks like one is anywhere in the plan.
    expectNoCanary(plan, ['PRIVATE KEY']);
    const after = await expectConverges(t, rotated, next);
    const nextId = after.objects['SamlApplicationCertificate.next']!.id.split('/')[1];
    expect((await certs()).filter((c) => c.active).map((c) => c.id)).toEqual([nextId]);
    expect(JSON.stringify(after)).not.toContain('PRIVATE KEY');

    // Dropping the active certificate (prune allowed for the kind) deactivates and deletes it.
    const kept = [app(), cert('signing', { lifeSpanInYears: 2, active: true })];
    const dropped = await converge(t, kept, after, ['SamlApplicationCertificate']);
    expect((await certs()).map((c) => c.id)).not.toContain(nextId);
    await expectClean(t, kept, dropped.state);

    // Destroy: everything goes, through the reconciler and by state.
    const destroy = await planTenant([], {
      client: t.client,
      prior: dropped.state,
      allowDelete: ['SamlApplication', 'SamlApplicationCertificate'],
    });
    const ours = { ...destroy, changes: destroy.changes.filter((c) => c.action !== 'delete' || c.id?.includes(appId)) };
    await applyPlan(ours, { client: t.client, desired: [], prior: dropped.state });
    expect(await SamlApplication.read(ctx(), appId)).toBeUndefined();
  });

  it('refuses before any write what Logto would refuse or silently drop', async () => {
    const badKey = await expectRefusedBeforeWrites(t, [app({ attributeMapping: { mail: 'email' } })]);
    expect(badKey.issues).toEqual([
      expect.objectContaining({
        field: expect.stringMatching(/^attributeMapping/),
        message: expect.stringMatching(/not a user claim/),
      }),
    ]);
    const encryption = await expectRefusedBeforeWrites(t, [app({ encryption: { encryptAssertion: true } })]);
    expect(encryption.issues).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/encryptThenSign and certificate are required/) }),
    ]);
    const entityId = await expectRefusedBeforeWrites(t, [app({ entityId: 'x'.repeat(129) })]);
    expect(entityId.issues).toEqual([expect.objectContaining({ field: 'entityId' })]);
    const acs = await expectRefusedBeforeWrites(t, [app({ acsUrl: 'not a url' })]);
    expect(acs.issues).toEqual([expect.objectContaining({ field: 'acsUrl' })]);
    const twoActive = await expectRefusedBeforeWrites(t, [
      app(),
      cert('a', { active: true }),
      cert('b', { active: true }),
    ]);
    // (Two active entries also share the adoption key "<app>/active", which the reconciler refuses too.)
    expect(twoActive.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          address: 'SamlApplicationCertificate.b',
          field: 'active',
          message: expect.stringMatching(/only one certificate of a SAML application can be active/),
        }),
      ]),
    );
    const years = await expectRefusedBeforeWrites(t, [app(), cert('a', { lifeSpanInYears: 0 })]);
    expect(years.issues).toEqual([expect.objectContaining({ field: 'lifeSpanInYears' })]);
    const four = await expectRefusedBeforeWrites(
      t,
      [1, 2, 3, 4].map((n) => o(`SamlApplication.sp${n}`, 'SamlApplication', { name: `${t.prefix}sp${n}` })),
    );
    expect(four.issues).toEqual([
      expect.objectContaining({ address: 'SamlApplication.sp4', message: expect.stringMatching(/at most 3/) }),
    ]);
  });
});
