import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DesiredObject, planTenant } from '../../index.js';
import { converge, expectClean, ref } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectConverges, expectDriftRestored, expectRefusedBeforeWrites } from './cases.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.cleanup();
});

const o = (address: string, kind: string, spec: Record<string, unknown>): DesiredObject => ({ address, kind, spec });
const base = () => [
  o('Application.partner', 'Application', {
    name: `${t.prefix}partner`,
    type: 'Traditional',
    isThirdParty: true,
    redirectUris: ['https://partner.example.com/callback'],
  }),
  o('Application.web', 'Application', { name: `${t.prefix}web`, type: 'SPA' }),
  o('Application.worker', 'Application', { name: `${t.prefix}worker`, type: 'MachineToMachine' }),
];
const sie = (name: string, app: string, spec: Record<string, unknown>) =>
  o(`ApplicationSignInExperience.${name}`, 'ApplicationSignInExperience', { applicationId: ref(app), ...spec });

type Row = Record<string, unknown>;

describe('ApplicationSignInExperience', () => {
  it('brands a first-party app and a third-party consent page, is adopted, restored on drift, and cleared on delete', async () => {
    const web = {
      logoUrl: 'https://cdn.example.com/web.png',
      darkLogoUrl: 'https://cdn.example.com/web-dark.png',
      favicon: 'https://cdn.example.com/favicon.ico',
      primaryColor: '#112233',
      isDarkModeEnabled: true,
      darkPrimaryColor: '#445566',
      customCss: '.logto_main-content { border-radius: 8px; }',
    };
    const partner = {
      displayName: 'Partner Portal',
      logoUrl: 'https://cdn.example.com/partner.png',
      termsOfUseUrl: 'https://partner.example.com/terms',
      privacyPolicyUrl: 'https://partner.example.com/privacy',
    };
    const desired = [...base(), sie('web', 'Application.web', web), sie('partner', 'Application.partner', partner)];
    const state = await expectConverges(t, desired);
    const webId = state.objects['Application.web']!.id;
    const partnerId = state.objects['Application.partner']!.id;
    expect(state.objects['ApplicationSignInExperience.web']!.id).toBe(webId);
    const row = (id: string) => t.client.get<Row>(`/applications/${id}/sign-in-experience`);
    expect(await row(webId)).toMatchObject({
      branding: { logoUrl: web.logoUrl, darkLogoUrl: web.darkLogoUrl, favicon: web.favicon },
      color: { primaryColor: '#112233', isDarkModeEnabled: true, darkPrimaryColor: '#445566' },
      customCss: web.customCss,
      displayName: null,
      termsOfUseUrl: null,
    });
    expect(await row(partnerId)).toMatchObject({
      displayName: 'Partner Portal',
      branding: { logoUrl: partner.logoUrl },
    });

    // Without state both are found by their application.
    const adopt = await planTenant(desired, { client: t.client });
    for (const c of adopt.changes.filter((c) => c.kind === 'ApplicationSignInExperience'))
      expect(c).toMatchObject({ action: 'noop', adopted: true });

    // Out-of-band changes are drift on exactly the field, and are restored.
    let next = await expectDriftRestored(t, desired, state, 'ApplicationSignInExperience.partner', 'displayName', () =>
      t.client.request('PUT', `/applications/${partnerId}/sign-in-experience`, { body: { displayName: 'Hacked' } }),
    );
    // A color changed in the Console: only that leaf is restored, the other colors are sent along unchanged.
    next = await expectDriftRestored(t, desired, next, 'ApplicationSignInExperience.web', 'primaryColor', () =>
      t.client.request('PUT', `/applications/${webId}/sign-in-experience`, {
        body: { color: { primaryColor: '#000000', isDarkModeEnabled: true, darkPrimaryColor: '#445566' } },
      }),
    );
    expect(await row(partnerId)).toMatchObject({ displayName: 'Partner Portal' });
    expect((await row(webId)).color).toEqual({
      primaryColor: '#112233',
      isDarkModeEnabled: true,
      darkPrimaryColor: '#445566',
    });

    // A logo changed and the CSS removed (null): one update of exactly those fields; the other branding stays.
    const changed = [
      ...base(),
      sie('web', 'Application.web', { ...web, darkLogoUrl: 'https://cdn.example.com/web-dark-2.png', customCss: null }),
      sie('partner', 'Application.partner', partner),
    ];
    const plan = await planTenant(changed, { client: t.client, prior: next });
    const change = plan.changes.find((c) => c.address === 'ApplicationSignInExperience.web')!;
    expect(change.changes.map((c) => c.field).sort()).toEqual(['customCss', 'darkLogoUrl']);
    const after = await expectConverges(t, changed, next);
    expect(await row(webId)).toMatchObject({
      branding: { logoUrl: web.logoUrl, darkLogoUrl: 'https://cdn.example.com/web-dark-2.png', favicon: web.favicon },
      customCss: null,
    });

    // Deleted where the kind may be: Logto has no DELETE, so every field is cleared and the app stays.
    const { state: pruned } = await converge(t, base(), after, ['ApplicationSignInExperience']);
    expect(pruned.objects['ApplicationSignInExperience.web']).toBeUndefined();
    expect(await row(webId)).toMatchObject({ branding: {}, color: {}, customCss: null, displayName: null });
    await expectClean(t, base(), pruned);
  });

  it('refuses before any write a machine-to-machine app, an empty object and malformed values', async () => {
    const m2m = await expectRefusedBeforeWrites(t, [...base(), sie('w', 'Application.worker', { displayName: 'W' })]);
    expect(m2m.issues).toEqual([
      expect.objectContaining({ field: 'applicationId', message: expect.stringMatching(/MachineToMachine/) }),
    ]);
    const empty = await expectRefusedBeforeWrites(t, [...base(), sie('e', 'Application.web', { customCss: null })]);
    expect(empty.issues).toEqual([
      expect.objectContaining({ field: 'applicationId', message: expect.stringMatching(/set at least one/) }),
    ]);
    const bad = await expectRefusedBeforeWrites(t, [
      ...base(),
      sie('b', 'Application.web', { primaryColor: 'red', termsOfUseUrl: 'terms.html', displayName: 'x'.repeat(257) }),
    ]);
    expect(bad.issues.map((i) => i.field).sort()).toEqual(['displayName', 'primaryColor', 'termsOfUseUrl']);
    expect(JSON.stringify(bad.issues)).toMatch(/hex color/);
  });
});
