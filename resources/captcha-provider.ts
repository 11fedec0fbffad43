/**
 * CaptchaProvider: the bot protection Logto's sign-in pages use (`/captcha-provider`), Cloudflare Turnstile or
 * Google reCAPTCHA Enterprise. A singleton that exists only once configured: GET answers 404 until the first
 * PUT, and DELETE removes it (so, unlike the other singletons, destroying the resource removes the provider).
 * `PUT` replaces the whole config, so an update sends the complete config: desired values over live ones.
 * The secret key is sensitive everywhere; Logto echoes it, so drift on it is still detected (by hash).
 */
import { z } from 'zod';
import { defineResource, type Live, type ResourceContext } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { getOrUndefined, isRecord, pickDefined } from './shared.js';

const RECAPTCHA_ONLY = ['projectId', 'domain', 'mode'] as const;

const spec = lazySchema(() =>
  z
    .object({
      type: z
        .enum(['Turnstile', 'RecaptchaEnterprise'])
        .describe('Provider: `Turnstile` (Cloudflare) or `RecaptchaEnterprise` (Google). Can be changed in place.'),
      siteKey: z.string().min(1).describe('Site key the sign-in page embeds (public).'),
      secretKey: z
        .string()
        .min(1)
        .describe('Secret key Logto verifies captcha answers with. Sensitive: never shown in plans or logs.'),
      projectId: z
        .string()
        .min(1)
        .optional()
        .describe('Google Cloud project id (reCAPTCHA Enterprise only, and required there).'),
      domain: z
        .string()
        .min(1)
        .optional()
        .describe('Domain the reCAPTCHA script is loaded from, e.g. `recaptcha.net` (reCAPTCHA Enterprise only).'),
      mode: z
        .enum(['invisible', 'checkbox'])
        .optional()
        .describe('`invisible` or `checkbox` (reCAPTCHA Enterprise only).'),
    })
    .superRefine((s, ctx) => {
      if (s.type === 'RecaptchaEnterprise' && s.projectId === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['projectId'],
          message: 'reCAPTCHA Enterprise needs the Google Cloud `projectId` the site key belongs to',
        });
      }
      if (s.type === 'Turnstile') {
        for (const field of RECAPTCHA_ONLY) {
          if (s[field] !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [field],
              message: `\`${field}\` is a reCAPTCHA Enterprise setting; Turnstile has none (remove it, or set type: RecaptchaEnterprise)`,
            });
          }
        }
      }
    }),
);

export type CaptchaProviderSpec = z.infer<typeof spec>;

interface ApiCaptchaProvider {
  id: string;
  config: Partial<CaptchaProviderSpec>;
}

const ID = 'default';
const ROUTE = '/captcha-provider';
const CONFIG_FIELDS = ['type', 'siteKey', 'secretKey', ...RECAPTCHA_ONLY] as const;

function toLive(row: ApiCaptchaProvider): Live<CaptchaProviderSpec> {
  const config = isRecord(row.config) ? row.config : {};
  return {
    id: ID,
    spec: pickDefined(config as CaptchaProviderSpec, CONFIG_FIELDS) as CaptchaProviderSpec,
    outputs: { id: ID },
    raw: row,
  };
}

const readRow = (ctx: ResourceContext) => getOrUndefined<ApiCaptchaProvider>(ctx, ROUTE);

/** The complete config for PUT: desired over live, without the other provider's settings after a type change. */
function fullConfig(desired: Partial<CaptchaProviderSpec>, live?: Partial<CaptchaProviderSpec>) {
  const merged: Record<string, unknown> = {
    ...(live ? pickDefined(live, CONFIG_FIELDS) : {}),
    ...pickDefined(desired, CONFIG_FIELDS),
  };
  if (merged.type === 'Turnstile') for (const field of RECAPTCHA_ONLY) delete merged[field];
  return merged;
}

async function put(ctx: ResourceContext, config: Record<string, unknown>): Promise<Live<CaptchaProviderSpec>> {
  return toLive(await ctx.client.put<ApiCaptchaProvider>(ROUTE, { config }));
}

export const CaptchaProvider = defineResource<CaptchaProviderSpec>({
  kind: 'CaptchaProvider',
  description:
    'The bot protection of the sign-in pages (singleton, absent until configured): Cloudflare Turnstile or Google reCAPTCHA Enterprise. Removing the resource removes the provider.',
  spec,
  outputs: [{ name: 'id', description: 'Always `default`.', type: 'string', stable: true }],
  immutable: [],
  sensitive: ['secretKey'],
  sets: [],
  references: [],
  relations: [],
  singleton: true,
  removable: true,

  async read(ctx) {
    const row = await readRow(ctx);
    return row ? toLive(row) : undefined;
  },
  async list(ctx) {
    const row = await readRow(ctx);
    return row ? [toLive(row)] : [];
  },
  async create(ctx, s) {
    return put(ctx, fullConfig(s));
  },
  async update(ctx, _id, changes, live, desired) {
    return put(ctx, fullConfig({ ...desired, ...changes }, live.spec));
  },
  async delete(ctx) {
    await ctx.client.delete(ROUTE);
  },
});
