/** `/saml-applications` as measured on Logto 1.42 (emulator/README.md, "SAML apps"). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness, raw } from './core-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());

const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

describe('SAML applications', () => {
  it('stores the config as Logto guards it; the ACS binding is checked on create only; 3 per tenant', async () => {
    const created = await h.api('POST', '/saml-applications', {
      name: 'sp',
      entityId: '',
      attributeMapping: { email: 'mail', bogus: 'x' },
      encryption: { encryptAssertion: false, extra: 1 },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      entityId: null,
      attributeMapping: { email: 'mail' },
      encryption: { encryptAssertion: false },
      acsUrl: null,
      nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
    });
    expect(created.json.encryption).toEqual({ encryptAssertion: false });
    const id = created.json.id as string;
    const acs = { binding: REDIRECT, url: 'https://sp.example.com/acs' };
    expect((await h.api('POST', '/saml-applications', { name: 'r', acsUrl: acs })).json.code).toBe(
      'application.saml.acs_url_binding_not_supported',
    );
    expect((await h.api('PATCH', `/saml-applications/${id}`, { acsUrl: acs })).json.acsUrl).toEqual(acs);
    const encryption = await h.api('PATCH', `/saml-applications/${id}`, { encryption: { encryptAssertion: true } });
    expect([encryption.status, encryption.json.code]).toEqual([400, 'guard.invalid_input']);

    await h.api('POST', '/saml-applications', {
      name: 'two',
      acsUrl: { binding: POST, url: 'https://sp.example.com' },
    });
    await h.api('POST', '/saml-applications', { name: 'three' });
    const fourth = await h.api('POST', '/saml-applications', { name: 'four' });
    expect([fourth.status, fourth.json.code]).toEqual([403, 'application.saml.reach_oss_limit']);
  });

  it('certificates: newest first, no private key, same-value PATCH is a 500, public metadata while one is active', async () => {
    const apps = (await h.api('GET', '/applications?types=SAML')).json as { id: string }[];
    const id = apps[0]!.id;
    const added = await h.api('POST', `/saml-applications/${id}/secrets`, { lifeSpanInYears: 1 });
    expect(added.status).toBe(201);
    expect(added.json.active).toBe(false);
    const list = (await h.api('GET', `/saml-applications/${id}/secrets`)).json as { id: string; active: boolean }[];
    expect(list.map((c) => c.id)[0]).toBe(added.json.id);
    expect(JSON.stringify(list)).not.toMatch(/privateKey|PRIVATE KEY/);
    const first = list.find((c) => c.active)!;
    expect((await h.api('PATCH', `/saml-applications/${id}/secrets/${first.id}`, { active: true })).status).toBe(500);
    expect((await h.api('DELETE', `/saml-applications/${id}/secrets/${first.id}`)).json.code).toBe(
      'application.saml.can_not_delete_active_secret',
    );

    const metadata = await raw(`${h.emu.url}/api/saml-applications/${id}/metadata`, 'GET');
    expect(metadata.status).toBe(200);
    expect(String(metadata.headers['content-type'])).toMatch(/^text\/xml/);
    expect(metadata.text).toContain(`entityID="${h.emu.url}/saml/${id}"`);
    await h.api('PATCH', `/saml-applications/${id}/secrets/${first.id}`, { active: false });
    expect((await raw(`${h.emu.url}/api/saml-applications/${id}/metadata`, 'GET')).status).toBe(404);

    expect((await h.api('GET', '/saml-applications/nope/secrets')).json).toEqual([]);
    expect((await h.api('POST', '/saml-applications/nope/secrets', { lifeSpanInYears: 1 })).json.code).toBe(
      'entity.relation_foreign_key_not_found',
    );
    expect((await h.api('PATCH', `/saml-applications/${id}/secrets/nope`, { active: true })).json.code).toBe(
      'entity.not_found',
    );
  });
});
