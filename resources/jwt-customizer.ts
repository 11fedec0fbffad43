/**
 * JwtCustomizer: a script that adds claims to the tokens Logto issues (`/configs/jwt-customizer/:tokenType`),
 * one for user access tokens (`access-token`) and one for machine-to-machine tokens (`client-credentials`).
 * Each exists only once configured: the token type is the key and the id, `PUT` writes the whole
 * customizer (201 the first time, 200 after), and `DELETE` removes it. Logto stores a script without
 * compiling it (a syntax error shows only when a token is issued), so the script is compiled here, offline.
 * The environment variables the script reads are sensitive. Logto keeps only the token and context sample
 * keys it knows: the token sample's keys are checked offline (Logto refuses others), the context sample's
 * top-level keys too (Logto would drop others silently).
 */
import { Script } from 'node:vm';
import { z } from 'zod';
import { cached, defineResource, invalidate, type Live, type ResourceContext } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { getOrUndefined, isRecord, pickDefined } from './shared.js';

const TOKEN_TYPES = ['access-token', 'client-credentials'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** Logto's config keys (`GET /configs/jwt-customizer` lists `{key, value}`). */
const CONFIG_KEYS: Record<TokenType, string> = {
  'access-token': 'jwt.accessToken',
  'client-credentials': 'jwt.clientCredentials',
};

/**
 * The keys of each token type's sample token (Logto's payload guards are strict) and context (Logto drops
 * others). The emulator guards customizer bodies with the same tables.
 */
export const TOKEN_SAMPLE_KEYS: Record<TokenType, string[]> = {
  'access-token': [
    'jti',
    'aud',
    'scope',
    'clientId',
    'accountId',
    'expiresWithSession',
    'grantId',
    'gty',
    'sessionUid',
    'sid',
    'kind',
  ],
  'client-credentials': ['jti', 'aud', 'scope', 'clientId', 'kind'],
};
export const CONTEXT_SAMPLE_KEYS: Record<TokenType, string[]> = {
  'access-token': ['user', 'grant', 'interaction', 'application', 'organization'],
  'client-credentials': ['application'],
};
const FIELDS = ['script', 'environmentVariables', 'tokenSample', 'contextSample', 'blockIssuanceOnError'] as const;

/** Why the script would fail before it runs: a syntax error, or no `getCustomJwtClaims` for Logto to call. */
function scriptIssue(script: string): string | undefined {
  try {
    new Script(script, { filename: 'jwt-customizer.js' });
  } catch (error) {
    return `the script does not parse as JavaScript: ${(error as Error).message}`;
  }
  if (!/\bgetCustomJwtClaims\b/.test(script))
    return 'Logto calls `getCustomJwtClaims({ token, context, environmentVariables, api })` from the script: define it, e.g. `const getCustomJwtClaims = async ({ token, context }) => ({ plan: "pro" });`';
  return undefined;
}

const spec = lazySchema(() =>
  z
    .object({
      tokenType: z
        .enum(TOKEN_TYPES)
        .describe(
          'Which tokens the script customizes: `access-token` (user access tokens) or `client-credentials` (machine-to-machine tokens); the key. Changing it replaces the customizer.',
        ),
      script: z
        .string()
        .min(1)
        .describe(
          'JavaScript defining the function `getCustomJwtClaims`, which Logto calls with the token, its context and the environment variables, and which returns the extra claims. Compiled offline before anything is written. In tenant files write `${file:path}` to keep it in its own `.js` file.',
        ),
      environmentVariables: z
        .record(z.string(), z.string())
        .optional()
        .describe('Values the script reads as `environmentVariables`, e.g. API keys. Sensitive.'),
      tokenSample: z
        .record(z.string(), z.unknown())
        .optional()
        .describe(
          'A sample token for testing the script in the Console, e.g. `{"jti": "…", "aud": "…", "kind": "AccessToken"}` (access tokens also have `accountId`, `grantId`, `gty`…).',
        ),
      contextSample: z
        .record(z.string(), z.unknown())
        .optional()
        .describe(
          'A sample context for testing the script: for access tokens `user`, `grant`, `interaction`, `application`, `organization`; for client credentials `application`.',
        ),
      blockIssuanceOnError: z
        .boolean()
        .optional()
        .describe('Refuse to issue the token when the script fails (otherwise it is issued without the extra claims).'),
    })
    .superRefine((s, ctx) => {
      if (typeof s.script === 'string') {
        const problem = scriptIssue(s.script);
        if (problem) ctx.addIssue({ code: 'custom', path: ['script'], message: problem });
      }
      if (!TOKEN_TYPES.includes(s.tokenType)) return;
      if (s.tokenType === 'access-token' && isRecord(s.contextSample) && !isRecord(s.contextSample.user))
        ctx.addIssue({
          code: 'custom',
          path: ['contextSample', 'user'],
          message:
            'an access-token context sample needs `user` (an object such as `{"id": "u1"}`): Logto refuses it otherwise',
        });
      for (const [field, known] of [
        ['tokenSample', TOKEN_SAMPLE_KEYS[s.tokenType]],
        ['contextSample', CONTEXT_SAMPLE_KEYS[s.tokenType]],
      ] as const) {
        const sample = s[field];
        if (!isRecord(sample)) continue;
        for (const key of Object.keys(sample))
          if (!known.includes(key))
            ctx.addIssue({
              code: 'custom',
              path: [field, key],
              message: `a ${s.tokenType} ${field === 'tokenSample' ? 'token' : 'context'} has no \`${key}\`; its keys are: ${known.join(', ')}`,
            });
      }
    }),
);

export type JwtCustomizerSpec = z.infer<typeof spec>;

type ApiJwtCustomizer = Partial<Omit<JwtCustomizerSpec, 'tokenType'>>;

const ROUTE = '/configs/jwt-customizer';

function toLive(tokenType: TokenType, value: ApiJwtCustomizer): Live<JwtCustomizerSpec> {
  const s = { tokenType, ...pickDefined(value, FIELDS) } as JwtCustomizerSpec;
  return { id: tokenType, spec: s, outputs: { id: tokenType }, raw: value };
}

const listAll = (ctx: ResourceContext) =>
  cached(ctx, 'JwtCustomizer:list', async () => {
    const rows = await ctx.client.get<{ key: string; value: ApiJwtCustomizer }[]>(ROUTE);
    return TOKEN_TYPES.flatMap((type) => {
      const row = rows.find((r) => r.key === CONFIG_KEYS[type]);
      return row ? [toLive(type, row.value)] : [];
    });
  });

/** The whole customizer for `PUT`: the desired fields over what Logto has (fields left out stay as they are). */
async function put(ctx: ResourceContext, s: JwtCustomizerSpec, live?: Live<JwtCustomizerSpec>) {
  invalidate(ctx, 'JwtCustomizer:');
  const body = { ...pickDefined((live?.raw ?? {}) as ApiJwtCustomizer, FIELDS), ...pickDefined(s, FIELDS) };
  return toLive(s.tokenType, await ctx.client.put<ApiJwtCustomizer>(`${ROUTE}/${s.tokenType}`, body));
}

export const JwtCustomizer = defineResource<JwtCustomizerSpec>({
  kind: 'JwtCustomizer',
  description:
    'A script that adds claims to the tokens Logto issues: user access tokens or machine-to-machine (client credentials) tokens. One per token type; removing the resource removes the customizer.',
  spec,
  outputs: [{ name: 'id', description: 'The token type.', type: 'string', stable: true }],
  key: { fields: ['tokenType'], of: (s) => s.tokenType },
  immutable: ['tokenType'],
  sensitive: ['environmentVariables'],
  sets: [],
  references: [],
  relations: [],

  async read(ctx, id) {
    if (!TOKEN_TYPES.includes(id as TokenType)) return undefined;
    const listed = (await listAll(ctx)).find((l) => l.id === id);
    if (listed) return listed;
    const value = await getOrUndefined<ApiJwtCustomizer>(ctx, `${ROUTE}/${id}`);
    return value ? toLive(id as TokenType, value) : undefined;
  },
  list: listAll,
  async findByKey(ctx, s) {
    return (await listAll(ctx)).filter((l) => l.id === s.tokenType);
  },
  create: (ctx, s) => put(ctx, s),
  update: (ctx, _id, changes, live, desired) => put(ctx, { ...live.spec, ...desired, ...changes }, live),
  async delete(ctx, id) {
    invalidate(ctx, 'JwtCustomizer:');
    await ctx.client.delete(`${ROUTE}/${id}`);
  },
});

/**
 * Run a customizer's script once on the server (`POST /configs/jwt-customizer/test`; Logto OSS runs it in a
 * local VM), with its sample token and context: the extra claims it returns, or the script's error. Writes
 * nothing. Values of the environment variables are redacted from both, since they are secrets.
 */
export async function testJwtCustomizer(
  ctx: ResourceContext,
  s: JwtCustomizerSpec,
): Promise<{ claims: Record<string, unknown> } | { error: string }> {
  const body = {
    tokenType: s.tokenType,
    script: s.script,
    ...(s.environmentVariables ? { environmentVariables: s.environmentVariables } : {}),
    token: s.tokenSample ?? {},
    context: s.contextSample ?? (s.tokenType === 'access-token' ? { user: {} } : {}),
  };
  const secrets = Object.values(s.environmentVariables ?? {}).filter((v) => v.length > 0);
  const redact = (text: string) => secrets.reduce((t, secret) => t.replaceAll(secret, '(sensitive)'), text);
  try {
    const claims = await ctx.client.post<Record<string, unknown>>(`${ROUTE}/test`, body, { createsObject: false });
    return { claims: JSON.parse(redact(JSON.stringify(claims))) as Record<string, unknown> };
  } catch (error) {
    const e = error as { code?: string; data?: { message?: string }; message?: string };
    if (e.code !== 'jwt_customizer.general') throw error;
    return { error: redact(e.data?.message ?? e.message ?? 'the script failed') };
  }
}
