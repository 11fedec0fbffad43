/**
 * `/configs/*`: JWT customizers, OIDC session, ID token claims, OIDC keys (read-only) and admin-console
 * flags (docs/logto-behaviour.md#configs).
 */
import { createContext, Script } from 'node:vm';
import { CONTEXT_SAMPLE_KEYS, TOKEN_SAMPLE_KEYS, type TokenType } from '../../resources/jwt-customizer.js';
import { ApiError, type RequestContext, type RouteModule, type TenantState } from '../types.js';
import { GuardError, newId, noContent, notExistsWithId, notFound, ok, SINGLETONS, singleton } from '../util.js';

const TOKEN_TYPE_KEYS: Record<string, string> = {
  'access-token': 'jwt.accessToken',
  'client-credentials': 'jwt.clientCredentials',
};
const JWT_FIELDS = ['script', 'environmentVariables', 'contextSample', 'tokenSample', 'blockIssuanceOnError'] as const;

export const DEFAULT_ID_TOKEN_CLAIMS = ['roles', 'organizations', 'organization_roles'];
export const DEFAULT_SESSION_TTL = 1_209_600;

const paramsInvalid = (name: string): GuardError =>
  new GuardError([{ code: 'invalid_enum_value', path: [name], message: `Invalid enum value for ${name}` }], 'params');

const bodyInvalid = (path: string, value: unknown): GuardError => {
  const received = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return new GuardError([
    {
      code: 'invalid_type',
      expected: 'string',
      received,
      path: [path],
      message: value === undefined ? 'Required' : `Expected string, received ${received}`,
    },
  ]);
};

function customizers(ctx: RequestContext): Record<string, Record<string, unknown>> {
  return singleton(ctx, SINGLETONS.jwtCustomizers, () => ({}));
}

function customizerKey(ctx: RequestContext): string {
  const key = TOKEN_TYPE_KEYS[ctx.params.tokenTypePath];
  if (!key) throw paramsInvalid('tokenTypePath');
  return key;
}

/** The token type a config key stands for (`jwt.accessToken` → `access-token`), for the shared sample tables. */
const tokenTypeOf = (key: string): TokenType => (key === 'jwt.accessToken' ? 'access-token' : 'client-credentials');

const unrecognized = (path: string[], keys: string[]): GuardError =>
  new GuardError([
    {
      code: 'unrecognized_keys',
      keys,
      path,
      message: `Unrecognized key(s) in object: ${keys.map((k) => `'${k}'`).join(', ')}`,
    },
  ]);

/**
 * A customizer body as Logto's guards take it (strict objects, so the body as sent): `script` a string, no unknown keys, a
 * sample token with only its type's keys; unknown keys of the sample context are dropped.
 */
function customizerValue(body: unknown, key: string): Record<string, unknown> {
  const input = (body ?? {}) as Record<string, unknown>;
  if (typeof input.script !== 'string') throw bodyInvalid('script', input.script);
  const extra = Object.keys(input).filter((k) => !(JWT_FIELDS as readonly string[]).includes(k));
  if (extra.length > 0) throw unrecognized([], extra);
  const token = input.tokenSample as Record<string, unknown> | undefined;
  const unknownClaims = Object.keys(token ?? {}).filter((k) => !TOKEN_SAMPLE_KEYS[tokenTypeOf(key)].includes(k));
  if (unknownClaims.length > 0) throw unrecognized(['tokenSample'], unknownClaims);
  const value: Record<string, unknown> = {};
  for (const k of JWT_FIELDS) if (input[k] !== undefined) value[k] = input[k];
  const context = input.contextSample as Record<string, unknown> | undefined;
  if (context && key === 'jwt.accessToken' && (typeof context.user !== 'object' || context.user === null))
    throw new GuardError([
      {
        code: 'invalid_type',
        expected: 'object',
        received: context.user === undefined ? 'undefined' : typeof context.user,
        path: ['contextSample', 'user'],
        message: 'Required',
      },
    ]);
  if (context)
    value.contextSample = Object.fromEntries(
      Object.entries(context).filter(([k]) => CONTEXT_SAMPLE_KEYS[tokenTypeOf(key)].includes(k)),
    );
  return value;
}

const scriptFailed = (message: string) =>
  new ApiError(
    422,
    'jwt_customizer.general',
    'An error occurred while customizing the token claims. Please try again later.',
    { message },
  );

/** `getCustomJwtClaims` of the script, called with the test's token, context and variables, in a fresh VM. */
async function runCustomizer(script: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  let claims: unknown;
  try {
    const context = createContext({});
    new Script(script).runInContext(context, { timeout: 3000 });
    const fn = new Script('getCustomJwtClaims').runInContext(context, { timeout: 3000 }) as (
      payload: unknown,
    ) => unknown;
    const api = { denyAccess: (message?: string) => Promise.reject(new Error(message ?? 'Access denied')) };
    claims = await Promise.race([
      fn({ token: input.token, context: input.context, environmentVariables: input.environmentVariables ?? {}, api }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('Script execution timed out after 3000ms')), 3000)),
    ]);
  } catch (error) {
    throw scriptFailed(
      error instanceof Error || (error && typeof error === 'object') ? String((error as Error).message) : String(error),
    );
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) throw scriptFailed('Invalid input');
  return claims as Record<string, unknown>;
}

interface OidcKey {
  id: string;
  createdAt: number;
  signingKeyAlgorithm?: 'EC' | 'RSA';
  status?: 'Current' | 'Previous';
}

/**
 * Give a tenant its OIDC private (signing) and cookie key metadata if it has none. Called when a tenant is
 * seeded and when a state file without keys is loaded, so the key ids stay the same across `--data`
 * restarts. Only metadata exists: there is no key material. Returns true if it added anything.
 */
export function seedOidcKeys(
  state: TenantState,
  gen: (length?: number) => string = newId,
  nowMs: number = Date.now(),
): boolean {
  const seconds = Math.floor(nowMs / 1000);
  let changed = false;
  if (!Array.isArray(state.singletons[SINGLETONS.oidcPrivateKeys])) {
    const keys: OidcKey[] = [{ id: gen(), createdAt: seconds, signingKeyAlgorithm: 'EC', status: 'Current' }];
    state.singletons[SINGLETONS.oidcPrivateKeys] = keys;
    changed = true;
  }
  if (!Array.isArray(state.singletons[SINGLETONS.oidcCookieKeys])) {
    const keys: OidcKey[] = [{ id: gen(), createdAt: seconds }];
    state.singletons[SINGLETONS.oidcCookieKeys] = keys;
    changed = true;
  }
  return changed;
}

function oidcKeys(ctx: RequestContext, keyType: string): OidcKey[] {
  if (keyType !== 'private-keys' && keyType !== 'cookie-keys') throw paramsInvalid('keyType');
  // A state built without the seed step (e.g. by hand in a test) gets its keys on first read.
  seedOidcKeys(ctx.state);
  const name = keyType === 'private-keys' ? SINGLETONS.oidcPrivateKeys : SINGLETONS.oidcCookieKeys;
  return ctx.state.singletons[name] as OidcKey[];
}

const configs: RouteModule = (r) => {
  // --- JWT customizers ---
  r.route('GET', '/configs/jwt-customizer', (ctx) =>
    ok(Object.entries(customizers(ctx)).map(([key, value]) => ({ key, value }))),
  );

  r.route('GET', '/configs/jwt-customizer/:tokenTypePath', (ctx) => {
    const key = customizerKey(ctx);
    const value = customizers(ctx)[key];
    if (!value) throw notExistsWithId('logto_config', key);
    return ok(value);
  });

  r.route('PUT', '/configs/jwt-customizer/:tokenTypePath', (ctx) => {
    const key = customizerKey(ctx);
    const value = customizerValue(ctx.sentBody, key);
    const all = customizers(ctx);
    const existed = key in all;
    all[key] = value;
    return ok(value, existed ? 200 : 201);
  });

  r.route('PATCH', '/configs/jwt-customizer/:tokenTypePath', (ctx) => {
    const key = customizerKey(ctx);
    const value = customizerValue(ctx.sentBody, key);
    const all = customizers(ctx);
    const current = all[key];
    if (!current) throw notExistsWithId('logto_config', key);
    all[key] = { ...current, ...value };
    return ok(all[key]);
  });

  // Logto OSS runs the script in a local VM (3 s budget) and answers the claims it returns, or 422.
  r.route('POST', '/configs/jwt-customizer/test', async (ctx) => {
    const input = (ctx.sentBody ?? {}) as Record<string, unknown>;
    const key = TOKEN_TYPE_KEYS[String(input.tokenType)];
    if (!key) throw paramsInvalid('tokenType');
    for (const field of ['token', 'context'] as const)
      if (!input[field] || typeof input[field] !== 'object')
        throw new GuardError([
          {
            code: 'invalid_type',
            expected: 'object',
            received: typeof input[field],
            path: [field],
            message: 'Required',
          },
        ]);
    const unknownClaims = Object.keys(input.token as object).filter(
      (k) => !TOKEN_SAMPLE_KEYS[tokenTypeOf(key)].includes(k),
    );
    if (unknownClaims.length > 0) throw unrecognized(['token'], unknownClaims);
    return ok(await runCustomizer(String(input.script ?? ''), input));
  });

  r.route('DELETE', '/configs/jwt-customizer/:tokenTypePath', (ctx) => {
    const key = customizerKey(ctx);
    const all = customizers(ctx);
    if (!all[key]) throw notFound();
    delete all[key];
    return noContent();
  });

  // --- OIDC session ---
  r.route('GET', '/configs/oidc/session', (ctx) =>
    ok(singleton(ctx, SINGLETONS.oidcSession, () => ({ ttl: DEFAULT_SESSION_TTL }))),
  );
  r.route('PATCH', '/configs/oidc/session', (ctx) => {
    const current = singleton(ctx, SINGLETONS.oidcSession, () => ({ ttl: DEFAULT_SESSION_TTL }));
    const { ttl } = (ctx.body ?? {}) as { ttl?: number };
    if (ttl !== undefined) current.ttl = ttl;
    return ok(current);
  });

  // --- ID token extended claims ---
  const idToken = (ctx: RequestContext) =>
    singleton(ctx, SINGLETONS.idToken, () => ({ enabledExtendedClaims: [...DEFAULT_ID_TOKEN_CLAIMS] }));
  r.route('GET', '/configs/id-token', (ctx) => ok(idToken(ctx)));
  r.route('PUT', '/configs/id-token', (ctx) => {
    const current = idToken(ctx);
    const { enabledExtendedClaims } = (ctx.body ?? {}) as { enabledExtendedClaims?: string[] };
    if (enabledExtendedClaims !== undefined) current.enabledExtendedClaims = [...new Set(enabledExtendedClaims)];
    return ok(current);
  });

  // --- OIDC keys (read-only: private material is never returned) ---
  r.route('GET', '/configs/oidc/:keyType', (ctx) => ok(oidcKeys(ctx, ctx.params.keyType)));

  // --- Admin console flags ---
  const adminConsole = (ctx: RequestContext) =>
    singleton<Record<string, unknown>>(ctx, SINGLETONS.adminConsole, () => ({
      signInExperienceCustomized: false,
      organizationCreated: false,
    }));
  r.route('GET', '/configs/admin-console', (ctx) => ok(adminConsole(ctx)));
  r.route('PATCH', '/configs/admin-console', (ctx) => {
    const current = adminConsole(ctx);
    for (const [k, v] of Object.entries((ctx.body ?? {}) as Record<string, unknown>))
      if (v !== undefined) current[k] = v;
    return ok(current);
  });
};

export default configs;
