/** `/account-center` (singleton, facts §16). */
import type { RequestContext, RouteModule } from '../types.js';
import { ok, patchOf, SINGLETONS, singleton } from '../util.js';

export type AccountCenter = Record<string, unknown> & { id: 'default'; tenantId: string };

export function defaultAccountCenter(): AccountCenter {
  return {
    tenantId: 'default',
    id: 'default',
    enabled: false,
    fields: {},
    webauthnRelatedOrigins: [],
    deleteAccountUrl: null,
    customCss: null,
    profileFields: null,
  };
}

export function accountCenter(ctx: RequestContext): AccountCenter {
  return singleton(ctx, SINGLETONS.accountCenter, defaultAccountCenter);
}

const PATCHABLE = [
  'enabled',
  'fields',
  'webauthnRelatedOrigins',
  'deleteAccountUrl',
  'customCss',
  'profileFields',
] as const;

const accountCenterModule: RouteModule = (r) => {
  r.route('GET', '/account-center', (ctx) => ok(accountCenter(ctx)));

  r.route('PATCH', '/account-center', (ctx) => {
    const patch = patchOf(ctx.body as Record<(typeof PATCHABLE)[number], unknown> | undefined, PATCHABLE);
    const current = accountCenter(ctx);
    // An empty delete-account URL clears it (stored as null), as on the real server.
    if (patch.deleteAccountUrl === '') patch.deleteAccountUrl = null;
    Object.assign(current, patch);
    return ok(current);
  });
};

export default accountCenterModule;
