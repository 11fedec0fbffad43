/**
 * Checks Logto's route modules make beyond the OpenAPI document's body schemas, found missing in a review
 * of the emulator (one test per fix): custom phrases must fit the phrase tree, a third-party app cannot
 * enable token exchange, and a guard error raised by a route carries zod's details format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness } from './core-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await harness({ seed: 'route-guards' });
});
afterAll(() => h?.close());

describe('custom phrases reject unknown phrase keys', () => {
  it('422 for an unknown top-level key or a string where a namespace is expected; known ones pass', async () => {
    for (const body of [{ not_a_namespace: { x: 'y' } }, { action: 'Submit' }]) {
      const r = await h.api('PUT', '/custom-phrases/fr', body);
      expect([r.status, r.json.code]).toEqual([422, 'localization.invalid_translation_structure']);
    }
    expect((await h.api('GET', '/custom-phrases/fr')).status).toBe(404);
    const ok = await h.api('PUT', '/custom-phrases/fr', { input: { username: "Nom d'utilisateur" } });
    expect(ok.status).toBe(201);
  });
});

describe("a third-party app cannot enable token exchange (Logto's application routes)", () => {
  it('is refused on create and on PATCH with 422 application.third_party_application_cannot_enable_token_exchange', async () => {
    const created = await h.api('POST', '/applications', {
      name: 'tp',
      type: 'Traditional',
      isThirdParty: true,
      customClientMetadata: { allowTokenExchange: true },
    });
    expect([created.status, created.json.code]).toEqual([
      422,
      'application.third_party_application_cannot_enable_token_exchange',
    ]);
    const app = await h.api('POST', '/applications', { name: 'tp', type: 'SPA', isThirdParty: true });
    expect(app.status).toBe(200);
    const patched = await h.api('PATCH', `/applications/${app.json.id}`, {
      customClientMetadata: { allowTokenExchange: true },
    });
    expect([patched.status, patched.json.code]).toEqual([
      422,
      'application.third_party_application_cannot_enable_token_exchange',
    ]);
    const firstParty = await h.api('POST', '/applications', {
      name: 'fp',
      type: 'SPA',
      customClientMetadata: { allowTokenExchange: true },
    });
    expect(firstParty.status).toBe(200);
  });
});

describe('guard errors raised by route modules carry the zod details format', () => {
  it('PATCH /configs/jwt-customizer without script: invalid_type with expected/received', async () => {
    await h.api('PUT', '/configs/jwt-customizer/access-token', { script: 'return {}' });
    const r = await h.api('PATCH', '/configs/jwt-customizer/access-token', { environmentVariables: {} });
    expect(r.status).toBe(400);
    expect(r.json.data.issues).toEqual([
      { code: 'invalid_type', expected: 'string', received: 'undefined', path: ['script'], message: 'Required' },
    ]);
    expect(r.json.details).toBe('Error in key path "script": (invalid_type) Expected string but received undefined.');
  });
});
