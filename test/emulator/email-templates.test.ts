import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFailures, startApi, type TestApi } from './route-client.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const details = (subject: string, extra: Record<string, unknown> = {}) => ({
  subject,
  content: `<p>${subject}</p>`,
  ...extra,
});

describe('email templates', () => {
  it('bulk upserts with 200, keeping ids and replacing details', async () => {
    const first = await api.call('PUT', '/email-templates', {
      templates: [
        { languageTag: 'en', templateType: 'SignIn', details: details('Sign in', { contentType: 'text/html' }) },
        { languageTag: 'zz-xxxx', templateType: 'Register', details: details('Register') },
      ],
    });
    expect(first.status).toBe(200);
    expect(first.json).toHaveLength(2);
    expect(first.json[0]).toMatchObject({
      tenantId: 'default',
      languageTag: 'en',
      templateType: 'SignIn',
      createdAt: expect.any(Number),
    });
    const again = await api.call('PUT', '/email-templates', {
      templates: [{ languageTag: 'en', templateType: 'SignIn', details: details('Sign in 2') }],
    });
    expect(again.json[0].id).toBe(first.json[0].id);
    expect(again.json[0].details).toEqual(details('Sign in 2'));
  });

  it('rejects an unknown template type', async () => {
    const r = await api.call('PUT', '/email-templates', {
      templates: [{ languageTag: 'en', templateType: 'Nope', details: details('x') }],
    });
    expect([r.status, r.json.code]).toEqual([400, 'guard.invalid_input']);
  });

  it('filters, gets by id, merges details, deletes, 404s', async () => {
    const put = await api.call('PUT', '/email-templates', {
      templates: [
        { languageTag: 'fr', templateType: 'Generic', details: details('Bonjour', { replyTo: 'a@b.c' }) },
        { languageTag: 'fr', templateType: 'ForgotPassword', details: details('Oublié') },
      ],
    });
    const [generic] = put.json;
    const fr = await api.call('GET', '/email-templates?languageTag=fr');
    expect(fr.json).toHaveLength(2);
    expect(fr.headers.get('total-number')).toBeNull();
    expect((await api.call('GET', '/email-templates?languageTag=fr&templateType=Generic')).json).toHaveLength(1);
    const merged = await api.call('PATCH', `/email-templates/${generic.id}/details`, { subject: 'Salut' });
    expect(merged.json.details).toEqual({ subject: 'Salut', content: '<p>Bonjour</p>', replyTo: 'a@b.c' });
    expect((await api.call('PATCH', `/email-templates/${generic.id}/details`, {})).status).toBe(200);
    expect((await api.call('GET', `/email-templates/${generic.id}`)).json.details.subject).toBe('Salut');
    expect((await api.call('DELETE', `/email-templates/${generic.id}`)).status).toBe(204);
    const g = await api.call('GET', `/email-templates/${generic.id}`);
    expect([g.status, g.json.code]).toEqual([404, 'entity.not_exists_with_id']);
  });

  it('bulk deletes by filter with 200 {rowCount}; refuses without a filter', async () => {
    await api.call('PUT', '/email-templates', {
      templates: [
        { languageTag: 'de', templateType: 'SignIn', details: details('a') },
        { languageTag: 'de', templateType: 'Register', details: details('b') },
      ],
    });
    const none = await api.call('DELETE', '/email-templates');
    expect([none.status, none.json.code]).toEqual([422, 'connector.email_connector.bulk_deletion_no_filter']);
    const r = await api.call('DELETE', '/email-templates?languageTag=de');
    expect([r.status, r.json]).toEqual([200, { rowCount: 2 }]);
    expect((await api.call('GET', '/email-templates?languageTag=de')).json).toEqual([]);
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'GET', '/email-templates')).toEqual([401, 401, 401]);
  });
});
