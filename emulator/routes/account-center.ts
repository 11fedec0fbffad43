/** `/account-center` (singleton, docs/logto-behaviour.md#account-center). */

import { accountCenter, customProfileFieldNames } from '../route-state.js';
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import { GuardError, ok, patchOf } from '../util.js';

const PATCHABLE = [
  'enabled',
  'fields',
  'webauthnRelatedOrigins',
  'deleteAccountUrl',
  'customCss',
  'profileFields',
] as const;

/** Logto's checks of `profileFields`: no name twice, and every name a custom profile field of the tenant. */
function checkProfileFields(ctx: RequestContext, items: { name: string }[]): void {
  const names = items.map((i) => i.name);
  const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (duplicates.length > 0)
    throw new ApiError(
      400,
      'request.invalid_input',
      `Input is invalid. Duplicate profile field names: ${duplicates.join(', ')}`,
      {
        duplicateNames: duplicates,
      },
    );
  const known = customProfileFieldNames(ctx);
  const missing = names.filter((n) => !known.has(n));
  if (missing.length > 0)
    throw new ApiError(
      400,
      'custom_profile_fields.entity_not_exists_with_names',
      `Cannot find entities with the given names: ${missing.join(', ')}`,
    );
}

const accountCenterModule: RouteModule = (r) => {
  r.route('GET', '/account-center', (ctx) => ok(accountCenter(ctx)));

  r.route('PATCH', '/account-center', (ctx) => {
    const patch = patchOf(ctx.body as Record<(typeof PATCHABLE)[number], unknown> | undefined, PATCHABLE);
    const current = accountCenter(ctx);
    // An empty delete-account URL clears it (stored as null), as on the real server.
    if (patch.deleteAccountUrl === '') patch.deleteAccountUrl = null;
    if (typeof patch.deleteAccountUrl === 'string' && !/^https?:\/\/[^\s/]+/.test(patch.deleteAccountUrl))
      throw new GuardError([
        { code: 'custom', message: 'deleteAccountUrl must be a valid http(s) URL', path: ['deleteAccountUrl'] },
      ]);
    if (Array.isArray(patch.profileFields)) checkProfileFields(ctx, patch.profileFields as { name: string }[]);
    Object.assign(current, patch);
    return ok(current);
  });
};

export default accountCenterModule;
