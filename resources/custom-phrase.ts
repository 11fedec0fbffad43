/**
 * CustomPhrase: the tenant's own wording of the sign-in experience in one language
 * (`/custom-phrases/:languageTag`), laid over Logto's built-in phrases. One object per language tag, which is
 * the key and the id. `PUT` replaces the whole translation (201 every time), so the spec owns it: a phrase
 * removed from the files is removed in Logto, and one added in the Console shows as drift. Logto's built-in
 * phrases are never part of it, so a partial override never shows them as drift.
 *
 * Logto accepts only keys of its English phrase tree (422 `localization.invalid_translation_structure`) and
 * only the languages it supports; both are checked offline (the tree is measured: `phrase-keys.generated.ts`).
 * Logto refuses to delete the custom phrases of the sign-in experience's fallback language (409): deleting the
 * resource then empties the translation instead, which has the same effect for users.
 */
import { z } from 'zod';
import { cached, defineResource, invalidate, type Live, type ResourceContext } from '../core/contract.js';
import { lazySchema, lazyValue } from '../core/lazy-schema.js';
import { PHRASE_KEYS } from './phrase-keys.generated.js';
import { cleanDeep, getOrUndefined, hasCode, isRecord, seg } from './shared.js';
import { LANGUAGE_TAGS } from './sign-in-experience.js';

/**
 * Dotted paths of Logto's phrases (`action.sign_in`…) and of their groups (`action`…); the emulator checks
 * with them too. Built on first use: a process that never validates phrases does not build ~2,000 entries.
 */
export const phrasePaths = lazyValue(() => ({
  phrases: new Set(PHRASE_KEYS) as ReadonlySet<string>,
  groups: new Set(
    PHRASE_KEYS.flatMap((key) => {
      const parts = key.split('.');
      return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('.'));
    }),
  ) as ReadonlySet<string>,
}));

/** Known keys right under `parent` (`''` for the top), for messages. */
function keysUnder(parent: string): string[] {
  const depth = parent === '' ? 0 : parent.split('.').length;
  const out = new Set<string>();
  for (const key of PHRASE_KEYS) if (parent === '' || key.startsWith(`${parent}.`)) out.add(key.split('.')[depth]!);
  return [...out].sort();
}

function listed(keys: string[]): string {
  return keys.length > 12 ? `${keys.slice(0, 12).join(', ')}, … (${keys.length} in all)` : keys.join(', ');
}

/** Where a translation leaves Logto's phrase tree: unknown keys, wrong shapes, empty phrases. */
function translationIssues(node: Record<string, unknown>, path: string[] = []): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  const { phrases, groups } = phrasePaths();
  for (const [key, value] of Object.entries(node)) {
    const at = [...path, key];
    const dotted = at.join('.');
    const parent = path.join('.');
    if (!phrases.has(dotted) && !groups.has(dotted)) {
      issues.push({
        path: ['translation', ...at],
        message: `Logto has no phrase \`${dotted}\`; ${parent ? `the keys under \`${parent}\` are` : 'the top-level groups are'}: ${listed(keysUnder(parent))}`,
      });
    } else if (phrases.has(dotted)) {
      if (typeof value !== 'string')
        issues.push({ path: ['translation', ...at], message: `\`${dotted}\` is a phrase: give it a string` });
      else if (value === '')
        issues.push({
          path: ['translation', ...at],
          message: 'Logto drops empty phrases: remove the key to keep Logto’s built-in wording',
        });
    } else if (!isRecord(value)) {
      issues.push({
        path: ['translation', ...at],
        message: `\`${dotted}\` is a group of phrases (${listed(keysUnder(dotted))}): give it an object`,
      });
    } else {
      issues.push(...translationIssues(value, at));
    }
  }
  return issues;
}

const spec = lazySchema(() =>
  z
    .object({
      languageTag: z
        .enum(LANGUAGE_TAGS, {
          error: 'use a language Logto supports, such as `en`, `de`, `fr`, `pt-BR` or `zh-CN`',
        })
        .describe(
          'Language the phrases are for, one Logto supports (e.g. `en`, `de`, `pt-BR`); the key. Changing it replaces the object.',
        ),
      translation: z
        .record(z.string(), z.unknown())
        .describe(
          'The phrases to override, as a nested object of Logto’s phrase keys, e.g. `{"action": {"sign_in": "Log in"}, "description": {"email": "Work email"}}`. Only keys of Logto’s sign-in experience are accepted; phrases left out keep Logto’s built-in wording. Replaced as a whole.',
        ),
    })
    .superRefine((s, ctx) => {
      if (isRecord(s.translation))
        for (const issue of translationIssues(s.translation)) ctx.addIssue({ code: 'custom', ...issue });
    }),
);

export type CustomPhraseSpec = z.infer<typeof spec>;

interface ApiCustomPhrase {
  id: string;
  languageTag: string;
  translation: Record<string, unknown>;
}

const ROUTE = '/custom-phrases';

function toLive(row: ApiCustomPhrase): Live<CustomPhraseSpec> {
  return {
    id: row.languageTag,
    spec: { languageTag: row.languageTag as CustomPhraseSpec['languageTag'], translation: row.translation ?? {} },
    outputs: { id: row.languageTag },
    raw: row,
  };
}

const listAll = (ctx: ResourceContext) =>
  cached(ctx, 'CustomPhrase:list', () => ctx.client.get<ApiCustomPhrase[]>(ROUTE));

async function put(ctx: ResourceContext, s: CustomPhraseSpec): Promise<Live<CustomPhraseSpec>> {
  invalidate(ctx, 'CustomPhrase:');
  const body = (cleanDeep(s.translation) as Record<string, unknown> | undefined) ?? {};
  return toLive(await ctx.client.put<ApiCustomPhrase>(`${ROUTE}/${seg(s.languageTag)}`, body));
}

export const CustomPhrase = defineResource<CustomPhraseSpec>({
  kind: 'CustomPhrase',
  description:
    'The tenant’s own wording of the sign-in experience in one language, over Logto’s built-in phrases (only the keys you give are overridden).',
  spec,
  outputs: [{ name: 'id', description: 'The language tag.', type: 'string', stable: true }],
  key: { fields: ['languageTag'], of: (s) => s.languageTag },
  immutable: ['languageTag'],
  sensitive: [],
  sets: [],
  references: [],
  relations: [],

  normalize(s) {
    if (!isRecord(s.translation)) return s;
    return { ...s, translation: (cleanDeep(s.translation) as Record<string, unknown> | undefined) ?? {} };
  },

  async read(ctx, id) {
    const row =
      (await listAll(ctx)).find((r) => r.languageTag === id) ??
      (await getOrUndefined<ApiCustomPhrase>(ctx, `${ROUTE}/${seg(id)}`));
    return row ? toLive(row) : undefined;
  },
  async list(ctx) {
    return (await listAll(ctx)).map(toLive);
  },
  async findByKey(ctx, s) {
    return (await listAll(ctx)).filter((r) => r.languageTag === s.languageTag).map(toLive);
  },
  create: put,
  update: (ctx, _id, changes, live, desired) => put(ctx, { ...live.spec, ...desired, ...changes }),
  async delete(ctx, id) {
    invalidate(ctx, 'CustomPhrase:');
    try {
      await ctx.client.delete(`${ROUTE}/${seg(id)}`);
    } catch (error) {
      // The fallback language's phrases cannot be deleted: emptied instead, so users see Logto's wording.
      if (!hasCode(error, 409, 'localization.cannot_delete_default_language')) throw error;
      await ctx.client.put(`${ROUTE}/${seg(id)}`, {});
    }
  },
});
