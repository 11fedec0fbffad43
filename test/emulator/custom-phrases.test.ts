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
      action: { confirm: '제출' },
    });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ tenantId: 'default', languageTag: 'ko', id: expect.any(String) });
    const second = await api.call('PUT', '/custom-phrases/ko', { action: { confirm: '확인' } });
    expect(second.status).toBe(201);
    expect(second.json.translation).toEqual({ action: { confirm: '확인' } });
    // Keys outside Logto's phrase tree are refused; empty phrases are dropped (as on Logto 1.42).
    const unknown = await api.call('PUT', '/custom-phrases/ko', { action: { submit: '확인' } });
    expect([unknown.status, unknown.json.code]).toEqual([422, 'localization.invalid_translation_structure']);
    const blank = await api.call('PUT', '/custom-phrases/ko', { action: { sign_in: '' } });
    expect([blank.status, blank.json.translation]).toEqual([201, {}]);
    expect(second.json.id).toBe(first.json.id);
    const empty = await api.call('PUT', '/custom-phrases/ko', {});
    expect([empty.status, empty.json.translation]).toEqual([201, {}]);
  });

  it('rejects non-string leaves (422) and invalid tags (400 params)', async () => {
    const bad = await api.call('PUT', '/custom-phrases/fr', { action: { confirm: 3 } });
    expect([bad.status, bad.json.code]).toEqual([422, 'localization.invalid_translation_structure']);
    // Only the languages Logto supports: a well-formed private tag is refused too.
    const privateTag = await api.call('PUT', '/custom-phrases/en-iac-12345678', {});
    expect(privateTag.status).toBe(400);
    const tag = await api.call('PUT', '/custom-phrases/not_a_tag!', {});
    expect([tag.status, tag.json.code, tag.json.message]).toEqual([
      400,
      'guard.invalid_input',
      'The request params is invalid.',
    ]);
  });

  it('lists, gets, deletes, and 404s after delete; en cannot be deleted', async () => {
    await api.call('PUT', '/custom-phrases/de', { action: { confirm: 'Senden' } });
    const list = await api.call('GET', '/custom-phrases?page_size=1');
    expect(list.json.map((p: { languageTag: string }) => p.languageTag)).toEqual(['de', 'ko']);
    expect(list.headers.get('total-number')).toBeNull();
    expect((await api.call('GET', '/custom-phrases/de')).json.translation).toEqual({ action: { confirm: 'Senden' } });
    expect((await api.call('DELETE', '/custom-phrases/de')).status).toBe(204);
    for (const method of ['GET', 'DELETE']) {
      const r = await api.call(method, '/custom-phrases/de');
      expect([r.status, r.json.code]).toEqual([404, 'entity.not_found']);
    }
    // The sign-in experience's fallback language cannot lose its phrases (whichever language that is).
    const en = await api.call('DELETE', '/custom-phrases/en');
    expect([en.status, en.json.code]).toEqual([409, 'localization.cannot_delete_default_language']);
    await api.call('PATCH', '/sign-in-exp', { languageInfo: { autoDetect: true, fallbackLanguage: 'ko' } });
    const ko = await api.call('DELETE', '/custom-phrases/ko');
    expect([ko.status, ko.json.code]).toEqual([409, 'localization.cannot_delete_default_language']);
  });

  it('requires auth', async () => {
    expect(await authFailures(api, 'GET', '/custom-phrases')).toEqual([401, 401, 401]);
  });
});
