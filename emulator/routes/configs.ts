/**
 * `/configs/*`: JWT customizers, OIDC session, ID token claims, OIDC keys (metadata; rotation, deletion) and admin-console
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

const SCRIPT_FAILED = 'An error occurred while customizing the token claims. Please try again later.';
const scriptFailed = (message: string) => new ApiError(422, 'jwt_customizer.general', SCRIPT_FAILED, { message });

/** What `api.denyAccess(message)` throws inside a customizer script: Logto answers 403 with the message. */
class AccessDenied {
  constructor(readonly message: string) {}
}

/** `getCustomJwtClaims` of the script, called with the test's token, context and variables, in a fresh VM. */
async function runCustomizer(script: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  let claims: unknown;
  try {
    const context = createContext({});
    new Script(script).runInContext(context, { timeout: 3000 });
    const fn = new Script('getCustomJwtClaims').runInContext(context, { timeout: 3000 }) as (
      payload: unknown,
    ) => unknown;
    const api = {
      denyAccess: (message = 'Access denied') => {
        throw new AccessDenied(message);
      },
    };
    claims = await Promise.race([
      fn({ token: input.token, context: input.context, environmentVariables: input.environmentVariables ?? {}, api }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('Script execution timed out after 3000ms')), 3000)),
    ]);
  } catch (error) {
    if (error instanceof AccessDenied) {
      throw new ApiError(403, 'jwt_customizer.general', SCRIPT_FAILED, {
        message: error.message,
        error: { code: 'AccessDenied', message: error.message },
      });
    }
    throw scriptFailed(
      error instanceof Error || (error && typeof error === 'object') ? String((error as Error).message) : String(error),
    );
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) throw scriptFailed('Invalid input');
  return claims as Record<string, unknown>;
}

/**
 * The claims the client-credentials JWT customizer adds to an M2M token: its script's answer for the token and
 * `{application}` (without the legacy secret), or nothing when there is no customizer or the script fails (Logto
 * OSS then issues the token without them).
 */
export async function customClientCredentialsClaims(
  state: TenantState,
  token: Record<string, unknown>,
  application: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const all = state.singletons[SINGLETONS.jwtCustomizers] as Record<string, Record<string, unknown>> | undefined;
  const customizer = all?.['jwt.clientCredentials'];
  if (typeof customizer?.script !== 'string' || !customizer.script) return {};
  try {
    return await runCustomizer(customizer.script, {
      token,
      context: { application },
      environmentVariables: customizer.environmentVariables,
    });
  } catch {
    return {};
  }
}

interface OidcKey {
  id: string;
  createdAt: number;
  signingKeyAlgorithm?: 'EC' | 'RSA';
  status?: 'Next' | 'Current' | 'Previous';
  /** A staged (`Next`) key's activation time (ms), as Logto answers it. */
  effectiveAt?: number;
}

/**
 * A staged `Next` private key whose activation time has come becomes `Current`, the `Current` one `Previous`, and
 * an older `Previous` is dropped (Logto does this when it next loads the tenant). Returns the private keys.
 */
export function activeOidcPrivateKeys(state: TenantState, nowMs = Date.now()): OidcKey[] {
  const keys = state.singletons[SINGLETONS.oidcPrivateKeys];
  if (!Array.isArray(keys)) return [];
  const next = (keys as OidcKey[]).find((k) => k.status === 'Next');
  if (next && (next.effectiveAt ?? 0) <= nowMs) {
    const current = (keys as OidcKey[]).find((k) => k.status === 'Current');
    const { effectiveAt: _, ...promoted } = next;
    state.singletons[SINGLETONS.oidcPrivateKeys] = [
      { ...promoted, status: 'Current' },
      ...(current ? [{ ...current, status: 'Previous' as const }] : []),
    ];
  }
  return state.singletons[SINGLETONS.oidcPrivateKeys] as OidcKey[];
}

const keyRequired = () => new ApiError(422, 'oidc.key_required', 'At least one key is required.');
const invalidRequest = () => new ApiError(422, 'oidc.invalid_request', 'Request is invalid.');

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
  if (keyType === 'private-keys') return activeOidcPrivateKeys(ctx.state);
  return ctx.state.singletons[SINGLETONS.oidcCookieKeys] as OidcKey[];
}

/** Logto's answer: metadata only (never key material); `effectiveAt` on a staged key only. */
const keyView = (k: OidcKey) => (k.status === 'Next' ? k : { ...k, effectiveAt: undefined });
const keysView = (keys: OidcKey[]) => keys.map((k) => JSON.parse(JSON.stringify(keyView(k))) as OidcKey);

/** Canonical order of private keys: Next, Current, Previous. */
const STATUS_ORDER = { Next: 0, Current: 1, Previous: 2 } as const;

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
  r.route('GET', '/configs/oidc/:keyType', (ctx) => ok(keysView(oidcKeys(ctx, ctx.params.keyType))));

  // Rotation. Private keys: a grace period of 0 (Logto OSS's default) makes the new key `Current` at once, the
  // old one `Previous`, and drops an older `Previous` (422 while a key is staged); a grace period stages the new
  // key as `Next` (replacing a staged one) until it elapses. Cookie keys: the new key first, two at most.
  r.route('POST', '/configs/oidc/:keyType/rotate', (ctx) => {
    const keyType = ctx.params.keyType as string;
    const keys = oidcKeys(ctx, keyType);
    const { signingKeyAlgorithm = 'EC', rotationGracePeriod } = (ctx.body ?? {}) as {
      signingKeyAlgorithm?: 'EC' | 'RSA';
      rotationGracePeriod?: number;
    };
    if (rotationGracePeriod !== undefined && !(Number.isInteger(rotationGracePeriod) && rotationGracePeriod >= 0)) {
      throw new GuardError([
        Number.isInteger(rotationGracePeriod)
          ? {
              code: 'too_small',
              minimum: 0,
              type: 'number',
              inclusive: true,
              exact: false,
              path: ['rotationGracePeriod'],
              message: 'Number must be greater than or equal to 0',
            }
          : {
              code: 'invalid_type',
              expected: 'integer',
              received: 'float',
              path: ['rotationGracePeriod'],
              message: 'Expected integer, received float',
            },
      ]);
    }
    const createdAt = Math.floor(Date.now() / 1000);
    if (keyType === 'cookie-keys') {
      if (rotationGracePeriod !== undefined) throw invalidRequest();
      const updated = [{ id: newId(), createdAt }, ...keys].slice(0, 2);
      ctx.state.singletons[SINGLETONS.oidcCookieKeys] = updated;
      return ok(keysView(updated));
    }
    const fresh: OidcKey = { id: newId(), createdAt, signingKeyAlgorithm };
    const current = keys.find((k) => k.status === 'Current');
    const previous = keys.find((k) => k.status === 'Previous');
    let updated: OidcKey[];
    if (!rotationGracePeriod) {
      if (keys.some((k) => k.status === 'Next')) throw invalidRequest();
      updated = [{ ...fresh, status: 'Current' }, ...(current ? [{ ...current, status: 'Previous' as const }] : [])];
    } else {
      updated = [
        { ...fresh, status: 'Next', effectiveAt: Date.now() + rotationGracePeriod * 1000 },
        ...(current ? [current] : []),
        ...(previous ? [previous] : []),
      ];
    }
    ctx.state.singletons[SINGLETONS.oidcPrivateKeys] = updated;
    return ok(keysView(updated));
  });

  // Deleting: never the last key; a private key only when it is `Previous`.
  r.route('DELETE', '/configs/oidc/:keyType/:keyId', (ctx) => {
    const keyType = ctx.params.keyType as string;
    const keys = oidcKeys(ctx, keyType);
    if (keys.length <= 1) throw keyRequired();
    const key = keys.find((k) => k.id === ctx.params.keyId);
    if (!key) throw new ApiError(404, 'oidc.key_not_found', `Key with ID ${ctx.params.keyId} is not found.`);
    const rest = keys.filter((k) => k !== key);
    if (keyType === 'private-keys') {
      if (key.status !== 'Previous') {
        throw new ApiError(422, 'oidc.only_previous_key_can_be_deleted', 'Only a previous key can be deleted.');
      }
      rest.sort((a, b) => STATUS_ORDER[a.status ?? 'Previous'] - STATUS_ORDER[b.status ?? 'Previous']);
      ctx.state.singletons[SINGLETONS.oidcPrivateKeys] = rest;
    } else {
      ctx.state.singletons[SINGLETONS.oidcCookieKeys] = rest;
    }
    return noContent();
  });

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
