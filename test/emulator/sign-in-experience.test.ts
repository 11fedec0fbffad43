import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedConnectorFactories } from '../../emulator/routes/connectors.js';
import { authFailures, startApi, type TestApi } from './route-client.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('sign-in experience', () => {
  it('has the fresh-tenant defaults (34 keys)', async () => {
    const r = await api.call('GET', '/sign-in-exp');
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toHaveLength(34);
    expect(r.json).toMatchObject({
      id: 'default',
      tenantId: 'default',
      color: { primaryColor: '#6139F6', isDarkModeEnabled: false, darkPrimaryColor: '#8768F8' },
      languageInfo: { autoDetect: true, fallbackLanguage: 'en' },
      signInMode: 'SignInAndRegister',
      agreeToTermsPolicy: 'Automatic',
      signUp: { identifiers: ['username'], password: true, verify: false },
      signIn: { methods: [{ identifier: 'username', password: true }] },
    });
    expect(r.json.branding.logoUrl).toContain('logto.io');
  });

  it('patches top-level fields partially and replaces nested objects', async () => {
    const p = await api.call('PATCH', '/sign-in-exp', {
      branding: { logoUrl: 'https://x.example/logo.png' },
      signInMode: 'SignIn',
    });
    expect(p.status).toBe(200);
    expect(p.json.branding).toEqual({ logoUrl: 'https://x.example/logo.png' });
    expect(p.json.signInMode).toBe('SignIn');
    expect(p.json.color.primaryColor).toBe('#6139F6');
    expect((await api.call('GET', '/sign-in-exp')).json.signInMode).toBe('SignIn');
  });

  it('rejects {} (422), incomplete color and bad fallback language (400)', async () => {
    const empty = await api.call('PATCH', '/sign-in-exp', {});
    expect([empty.status, empty.json.code]).toEqual([422, 'entity.invalid_input']);
    const color = await api.call('PATCH', '/sign-in-exp', { color: { primaryColor: '#000000' } });
    expect([color.status, color.json.code]).toEqual([400, 'guard.invalid_input']);
    const lang = await api.call('PATCH', '/sign-in-exp', {
      languageInfo: { autoDetect: true, fallbackLanguage: 'xx-YY' },
    });
    expect(lang.status).toBe(400);
  });

  it('needs an email connector for email sign-up, and accepts it once one exists', async () => {
    const signUp = { identifiers: ['email'], password: true, verify: true };
    const r = await api.call('PATCH', '/sign-in-exp', { signUp });
    expect([r.status, r.json.code]).toEqual([400, 'sign_in_experiences.enabled_connector_not_found']);
    const phone = await api.call('PATCH', '/sign-in-exp', {
      signIn: { methods: [{ identifier: 'phone', password: false, verificationCode: true, isPasswordPrimary: false }] },
    });
    expect([phone.status, phone.json.code]).toEqual([400, 'sign_in_experiences.enabled_connector_not_found']);
    expect((await api.call('GET', '/sign-in-exp')).json.signUp.identifiers).toEqual(['username']);

    seedConnectorFactories(api.emu.state);
    const c = await api.call('POST', '/connectors', {
      connectorId: 'http-email',
      config: { endpoint: 'https://m.example' },
    });
    expect(c.status).toBe(200);
    const ok = await api.call('PATCH', '/sign-in-exp', { signUp });
    expect(ok.status).toBe(200);
    expect(ok.json.signUp).toEqual(signUp);
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'GET', '/sign-in-exp')).toEqual([401, 401, 401]);
  });
});
