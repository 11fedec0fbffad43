import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFailures, startApi, type TestApi } from './route-client.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('custom phrases', () => {
  it('PUT returns 201 every time and replaces the translation', async () => {
    const first = await api.call('PUT', '/custom-phrases/ko', {
      input: { username: '사용자' },
      action: { submit: '제출' },
    });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ tenantId: 'default', languageTag: 'ko', id: expect.any(String) });
    const second = await api.call('PUT', '/custom-phrases/ko', { action: { submit: '확인' } });
    expect(second.status).toBe(201);
    expect(second.json.translation).toEqual({ action: { submit: '확인' } });
    expect(second.json.id).toBe(first.json.id);
    const empty = await api.call('PUT', '/custom-phrases/ko', {});
    expect([empty.status, empty.json.translation]).toEqual([201, {}]);
  });

  it('rejects non-string leaves (422) and invalid tags (400 params)', async () => {
    const bad = await api.call('PUT', '/custom-phrases/fr', { action: { submit: 3 } });
    expect([bad.status, bad.json.code]).toEqual([422, 'localization.invalid_translation_structure']);
    const tag = await api.call('PUT', '/custom-phrases/not_a_tag!', {});
    expect([tag.status, tag.json.code, tag.json.message]).toEqual([
      400,
      'guard.invalid_input',
      'The request params is invalid.',
    ]);
  });

  it('lists, gets, deletes, and 404s after delete; en cannot be deleted', async () => {
    await api.call('PUT', '/custom-phrases/de', { action: { submit: 'Senden' } });
    const list = await api.call('GET', '/custom-phrases?page_size=1');
    expect(list.json.map((p: { languageTag: string }) => p.languageTag)).toEqual(['de', 'ko']);
    expect(list.headers.get('total-number')).toBeNull();
    expect((await api.call('GET', '/custom-phrases/de')).json.translation).toEqual({ action: { submit: 'Senden' } });
    expect((await api.call('DELETE', '/custom-phrases/de')).status).toBe(204);
    for (const method of ['GET', 'DELETE']) {
      const r = await api.call(method, '/custom-phrases/de');
      expect([r.status, r.json.code]).toEqual([404, 'entity.not_found']);
    }
    const en = await api.call('DELETE', '/custom-phrases/en');
    expect([en.status, en.json.code]).toEqual([409, 'localization.cannot_delete_default_language']);
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'GET', '/custom-phrases')).toEqual([401, 401, 401]);
  });
});
