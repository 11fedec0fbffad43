/** `/custom-phrases/:languageTag` (docs/logto-behaviour.md#custom-phrases). */

import { phrasePaths } from '../../resources/custom-phrase.js';
import { LANGUAGE_TAGS } from '../../resources/sign-in-experience.js';
import { signInExperience } from '../route-state.js';
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import { GuardError, newId, noContent, notFound, ok, TABLES, table } from '../util.js';

export interface CustomPhraseRow extends Record<string, unknown> {
  tenantId: string;
  id: string;
  languageTag: string;
  translation: Record<string, unknown>;
}

const phrases = (ctx: RequestContext) => table<CustomPhraseRow>(ctx, TABLES.customPhrases);

/** Logto accepts only the language tags of its language kit (the OpenAPI enum), e.g. not `en-x-test`. */
const SUPPORTED: ReadonlySet<string> = new Set(LANGUAGE_TAGS);

function languageTag(ctx: RequestContext): string {
  const tag = ctx.params.languageTag;
  if (!SUPPORTED.has(tag)) {
    throw new GuardError([{ code: 'custom', path: ['languageTag'], message: 'Invalid language tag' }], 'params');
  }
  return tag;
}

/**
 * Whether a translation is strictly a part of Logto's English phrase tree (measured:
 * `resources/phrase-keys.generated.ts`): every key a key of the tree, a string where the tree has a phrase,
 * an object where it has a group.
 */
function isPartOfTree(node: Record<string, unknown>, path = ''): boolean {
  return Object.entries(node).every(([key, value]) => {
    const dotted = path ? `${path}.${key}` : key;
    if (typeof value === 'string') return phrasePaths().phrases.has(dotted);
    return (
      phrasePaths().groups.has(dotted) &&
      !!value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      isPartOfTree(value as Record<string, unknown>, dotted)
    );
  });
}

/** Logto's clean-deep: empty strings and objects are dropped before the check and the write. */
function cleaned(node: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (value === '' || value === null || value === undefined) continue;
    if (typeof value === 'object' && !Array.isArray(value)) {
      const inner = cleaned(value as Record<string, unknown>);
      if (Object.keys(inner).length > 0) out[key] = inner;
    } else out[key] = value;
  }
  return out;
}

const customPhrases: RouteModule = (r) => {
  r.route('GET', '/custom-phrases', (ctx) =>
    ok(Object.values(phrases(ctx)).sort((a, b) => a.languageTag.localeCompare(b.languageTag))),
  );

  r.route('GET', '/custom-phrases/:languageTag', (ctx) => {
    const row = phrases(ctx)[languageTag(ctx)];
    if (!row) throw notFound();
    return ok(row);
  });

  r.route('PUT', '/custom-phrases/:languageTag', (ctx) => {
    const tag = languageTag(ctx);
    const translation = cleaned((ctx.body ?? {}) as Record<string, unknown>);
    if (!isPartOfTree(translation)) {
      throw new ApiError(
        422,
        'localization.invalid_translation_structure',
        'Invalid data schemas. Please check your input and try again.',
      );
    }
    const all = phrases(ctx);
    const row: CustomPhraseRow = { tenantId: 'default', id: all[tag]?.id ?? newId(), languageTag: tag, translation };
    all[tag] = row;
    return ok(row, 201);
  });

  r.route('DELETE', '/custom-phrases/:languageTag', (ctx) => {
    const tag = languageTag(ctx);
    // The sign-in experience's fallback language keeps its custom phrases.
    const fallback = (signInExperience(ctx).languageInfo as { fallbackLanguage?: string }).fallbackLanguage;
    if (tag === fallback) {
      throw new ApiError(409, 'localization.cannot_delete_default_language', 'You cannot delete the default language.');
    }
    const all = phrases(ctx);
    if (!all[tag]) throw notFound();
    delete all[tag];
    return noContent();
  });
};

export default customPhrases;
