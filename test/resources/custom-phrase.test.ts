import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { exportTenant } from '../../provider/cli/export.js';
import { catalog } from '../../resources/index.js';
import { PHRASE_KEYS } from '../../resources/phrase-keys.generated.js';
import { converge, expectClean } from '../support/harness.js';
import { startTarget, type Target } from '../support/target.js';
import { expectConverges, expectDriftRestored, expectRefusedBeforeWrites } from './cases.js';

// Logto accepts only the languages it supports, so a run cannot have tags of its own: these tests use
// languages a fresh tenant has no phrases for, put the run's prefix into every phrase (the clean-up removes
// a language whose phrases carry it), and leave the sign-in experience's fallback language as they found it.
let t: Target;
let languageInfo: unknown;
beforeAll(async () => {
  t = await startTarget();
  languageInfo = (await t.client.get<{ languageInfo: unknown }>('/sign-in-exp')).languageInfo;
});
afterAll(async () => {
  if (t && languageInfo) await t.client.patch('/sign-in-exp', { languageInfo });
  await t?.cleanup();
});

type Row = { languageTag: string; translation: Record<string, unknown> };
const phrases = (tag: string, translation: Record<string, unknown>): DesiredObject => ({
  address: `CustomPhrase.${tag}`,
  kind: 'CustomPhrase',
  spec: { languageTag: tag, translation },
});
const live = (tag: string) => t.client.get<Row>(`/custom-phrases/${tag}`);
const gone = async (tag: string) => (await t.client.get<Row[]>('/custom-phrases')).every((r) => r.languageTag !== tag);

describe('CustomPhrase', () => {
  it('overrides a few phrases, converges, and is adopted without state; Logto’s other phrases are not drift', async () => {
    const translation = {
      action: { sign_in: `Anmelden ${t.prefix}`, confirm: 'Bestätigen' },
      input: { email: 'Geschäftliche E-Mail' },
    };
    const desired = [phrases('de', translation)];
    const plan = await planTenant(desired, { client: t.client });
    expect(plan.changes.map((c) => `${c.address}:${c.action}`)).toEqual(['CustomPhrase.de:create']);
    const state = await expectConverges(t, desired);
    expect((await live('de')).translation).toEqual(translation);
    expect(state.objects['CustomPhrase.de']).toMatchObject({ id: 'de' });
    const adopt = await planTenant(desired, { client: t.client });
    expect(adopt.changes).toEqual([expect.objectContaining({ action: 'noop', id: 'de', adopted: true })]);

    // A phrase changed and one dropped from the files: one update, and Logto keeps exactly the files' phrases.
    const next = { action: { sign_in: `Einloggen ${t.prefix}` } };
    const update = await planTenant([phrases('de', next)], { client: t.client, prior: state });
    expect(update.changes[0]).toMatchObject({
      action: 'update',
      changes: [expect.objectContaining({ field: 'translation' })],
    });
    const after = await expectConverges(t, [phrases('de', next)], state);
    expect((await live('de')).translation).toEqual(next);

    // Removed from the files where the kind may be deleted: the language's phrases are gone.
    // (Pruning covers the kind in the whole tenant: only this test's language is applied here.)
    const prune = await planTenant([], { client: t.client, prior: after, allowDelete: ['CustomPhrase'] });
    const ours = { ...prune, changes: prune.changes.filter((c) => c.id === 'de') };
    expect(ours.changes.map((c) => `${c.address}:${c.action}`)).toEqual(['CustomPhrase.de:delete']);
    await applyPlan(ours, { client: t.client, desired: [], prior: after });
    expect(await gone('de')).toBe(true);
  });

  it('shows a phrase added by hand as drift on exactly `translation` and removes it', async () => {
    const translation = { description: { email: `E-posta ${t.prefix}` } };
    const desired = [phrases('tr-TR', translation)];
    const { state } = await converge(t, desired);
    await expectDriftRestored(t, desired, state, 'CustomPhrase.tr-TR', 'translation', () =>
      t.client.put('/custom-phrases/tr-TR', { ...translation, action: { confirm: 'Onayla' } }),
    );
    expect((await live('tr-TR')).translation).toEqual(translation);
    await t.client.delete('/custom-phrases/tr-TR');
  });

  it('the fallback language’s phrases cannot be deleted in Logto: deleting empties them instead', async () => {
    await t.client.patch('/sign-in-exp', { languageInfo: { autoDetect: true, fallbackLanguage: 'tr-TR' } });
    try {
      const desired = [phrases('tr-TR', { action: { confirm: `Onayla ${t.prefix}` } })];
      const { state } = await converge(t, desired);
      await expect(t.client.delete('/custom-phrases/tr-TR')).rejects.toMatchObject({
        status: 409,
        code: 'localization.cannot_delete_default_language',
      });
      const prune = await planTenant([], { client: t.client, prior: state, allowDelete: ['CustomPhrase'] });
      const ours = { ...prune, changes: prune.changes.filter((c) => c.id === 'tr-TR') };
      const result = await applyPlan(ours, { client: t.client, desired: [], prior: state });
      expect(result.summary).toMatchObject({ deleted: 1, failed: 0 });
      expect((await live('tr-TR')).translation).toEqual({});
      // Export writes the emptied language with its (required) empty translation, so the file plans.
      const exported = await exportTenant({ client: t.client, catalog, only: ['CustomPhrase'] });
      expect((exported.document.customPhrases as Record<string, unknown>)['tr-TR']).toEqual({ translation: {} });
    } finally {
      await t.client.patch('/sign-in-exp', { languageInfo });
      await t.client.delete('/custom-phrases/tr-TR').catch(() => {});
    }
    expect(await gone('tr-TR')).toBe(true);
  });

  it('checks offline against the phrase keys the server has (a real Logto serves them publicly)', async (ctx) => {
    if (t.isEmulator) ctx.skip('the emulator has no /.well-known/phrases; it is built from the same key list');
    const response = await fetch(`${t.url}/api/.well-known/phrases?lng=en`);
    const { translation } = (await response.json()) as { translation: Record<string, unknown> };
    const keys: string[] = [];
    const walk = (node: Record<string, unknown>, path: string[]) => {
      for (const [k, v] of Object.entries(node))
        typeof v === 'string' ? keys.push([...path, k].join('.')) : walk(v as Record<string, unknown>, [...path, k]);
    };
    walk(translation, []);
    expect(keys.sort()).toEqual([...PHRASE_KEYS]);
  });

  it('refuses before any write what Logto would refuse, naming the key and the fix', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [
        { action: { submit: 'Go' } },
        'translation.action.submit',
        /no phrase `action.submit`; the keys under `action` are: .*confirm/,
      ],
      [{ actions: { confirm: 'Go' } }, 'translation.actions', /the top-level groups are: .*action/],
      [{ action: { confirm: '' } }, 'translation.action.confirm', /drops empty phrases/],
      [{ action: 'Go' }, 'translation.action', /is a group of phrases/],
      [{ action: { confirm: { text: 'Go' } } }, 'translation.action.confirm', /is a phrase: give it a string/],
    ];
    for (const [translation, field, message] of cases) {
      const error = await expectRefusedBeforeWrites(t, [phrases('de', translation)]);
      expect(error.issues).toEqual([
        expect.objectContaining({ address: 'CustomPhrase.de', field, message: expect.stringMatching(message) }),
      ]);
    }
    const tag = await expectRefusedBeforeWrites(t, [phrases('en-x-acme', { action: { confirm: 'Go' } })]);
    expect(tag.issues).toEqual([
      expect.objectContaining({ field: 'languageTag', message: expect.stringMatching(/a language Logto supports/) }),
    ]);
    await expectClean(t, []);
  });
});
