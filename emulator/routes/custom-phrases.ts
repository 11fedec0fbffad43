/** `/custom-phrases/:languageTag` (facts §17). */
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import { GuardError, newId, noContent, notFound, ok, TABLES, table } from '../util.js';

export interface CustomPhraseRow extends Record<string, unknown> {
  tenantId: string;
  id: string;
  languageTag: string;
  translation: Record<string, unknown>;
}

const DEFAULT_LANGUAGE = 'en';
/** BCP 47-like tag (`en`, `pt-BR`, `zh-Hant-TW`); the core also checks it against the OpenAPI enum. */
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

const phrases = (ctx: RequestContext) => table<CustomPhraseRow>(ctx, TABLES.customPhrases);

function languageTag(ctx: RequestContext): string {
  const tag = ctx.params.languageTag;
  if (!LANGUAGE_TAG.test(tag)) {
    throw new GuardError([{ code: 'custom', path: ['languageTag'], message: 'Invalid language tag' }], 'params');
  }
  return tag;
}

/**
 * The top-level namespaces of Logto's experience phrases (`@logto/phrases-experience`, en). A custom
 * translation must be a partial of that tree; the emulator has no copy of the full catalogue, so it checks
 * the namespaces (an unknown one, or a string where a namespace is expected, is an unknown phrase key)
 * and that the rest is a tree of objects with string leaves.
 */
export const PHRASE_NAMESPACES: ReadonlySet<string> = new Set([
  'input',
  'secondary',
  'action',
  'description',
  'error',
  'list',
  'mfa',
  'development_tenant',
  'user_scopes',
  'profile',
  'account_center',
  'passkey_sign_in',
  'step_up',
]);

function isTranslation(value: Record<string, unknown>): boolean {
  return Object.entries(value).every(
    ([key, sub]) => PHRASE_NAMESPACES.has(key) && typeof sub === 'object' && isTranslationTree(sub),
  );
}

/** A translation is a tree of objects whose leaves are strings. */
function isTranslationTree(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((v) => typeof v === 'string' || isTranslationTree(v));
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
    const translation = (ctx.body ?? {}) as Record<string, unknown>;
    if (!isTranslationTree(translation) || !isTranslation(translation)) {
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
    if (tag === DEFAULT_LANGUAGE) {
      throw new ApiError(409, 'localization.cannot_delete_default_language', 'You cannot delete the default language.');
    }
    const all = phrases(ctx);
    if (!all[tag]) throw notFound();
    delete all[tag];
    return noContent();
  });
};

export default customPhrases;
