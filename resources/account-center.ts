/**
 * AccountCenter: the tenant's Account API / prebuilt account center settings (`/account-center`, a singleton
 * with id `default`). Like the sign-in experience, "create" adopts the singleton and patches the managed
 * fields and "delete" forgets it.
 *
 * The API's `fields` object (per profile field: `Off`, `ReadOnly` or `Edit`) is replaced wholesale by PATCH.
 * The spec is therefore flat (`nameAccess`, `emailAccess`…): each entry is a managed field of its own, so
 * entries the user never mentions never diff, and an update sends `fields` complete — the desired entries
 * laid over the live object.
 *
 * `deleteAccountUrl` (measured: a string, `''` stored as null) and `profileFields` (the tenant's custom
 * profile fields shown in the prebuilt account center, in order; the API's `[{name}]`) are managed too. The
 * account center is applied after the run's custom profile fields, and a name that is neither in the tenant
 * nor in the configuration is refused at plan time (Logto: `custom_profile_fields.entity_not_exists_with_names`).
 */
import { z } from 'zod';
import { defineResource, type Live } from '../core/contract.js';
import { lazySchema, lazyValue } from '../core/lazy-schema.js';
import { isRecord, overlay, singletonOperations } from './shared.js';

const ACCESS = ['Off', 'ReadOnly', 'Edit'] as const;

/** Keys of the API's `fields` object, with what they cover. */
const FIELD_KEYS = {
  name: 'the display name',
  avatar: 'the avatar',
  profile: 'the profile (given name, address…)',
  email: 'the primary email',
  phone: 'the primary phone',
  password: 'the password',
  username: 'the username',
  social: 'linked social identities',
  customData: 'the custom data',
  mfa: 'MFA factors',
  passkey: 'passkeys',
  session: 'active sessions',
} as const;
type FieldKey = keyof typeof FIELD_KEYS;

const accessField = (key: FieldKey) =>
  z
    .enum(ACCESS)
    .optional()
    .describe(`Account API access to ${FIELD_KEYS[key]}: \`Off\`, \`ReadOnly\` or \`Edit\` (API \`fields.${key}\`).`);

const accessShape = lazySchema(
  () =>
    Object.fromEntries(
      (Object.keys(FIELD_KEYS) as FieldKey[]).map((key) => [`${key}Access`, accessField(key)]),
    ) as Record<`${FieldKey}Access`, ReturnType<typeof accessField>>,
);

const httpUrl = lazySchema(() => z.url({ protocol: /^https?$/, error: 'use an absolute http(s) URL' }));

const spec = lazySchema(() =>
  z.object({
    enabled: z.boolean().optional().describe('Whether the Account API (and the prebuilt account center) is enabled.'),
    ...accessShape,
    webauthnRelatedOrigins: z
      .array(httpUrl)
      .optional()
      .describe(
        'Other origins allowed to use this tenant’s passkeys (WebAuthn related origins), e.g. `https://app.example.com` (order-insensitive).',
      ),
    customCss: z
      .string()
      .nullable()
      .optional()
      .describe('Custom CSS for the prebuilt account center; null removes it.'),
    deleteAccountUrl: httpUrl
      .max(2048)
      .nullable()
      .optional()
      .describe('Where the account center sends users who want to delete their account; null removes it.'),
    profileFields: z
      .array(z.string().min(1))
      .refine((names) => new Set(names).size === names.length, {
        message: 'a custom profile field can be listed once (Logto refuses duplicates)',
      })
      .optional()
      .describe(
        'Names of the custom profile fields the prebuilt account center shows, in display order (built-in fields such as `name` are not listed here). Fields not listed are not shown.',
      ),
  }),
);

export type AccountCenterSpec = z.infer<typeof spec>;
type Field = keyof AccountCenterSpec;

type ApiAccountCenter = Record<string, unknown> & { id: string; fields?: Record<string, unknown> };

const ID = 'default';
const ROUTE = '/account-center';
const fieldNames = lazyValue(() => Object.keys(spec.shape) as Field[]);
const accessKey = (field: string): FieldKey | undefined =>
  field.endsWith('Access') ? (field.slice(0, -'Access'.length) as FieldKey) : undefined;

function toLive(row: ApiAccountCenter): Live<AccountCenterSpec> {
  const s: Record<string, unknown> = {};
  const fields = isRecord(row.fields) ? row.fields : {};
  for (const field of fieldNames()) {
    const key = accessKey(field);
    const value = key
      ? fields[key]
      : field === 'profileFields' && Array.isArray(row.profileFields)
        ? (row.profileFields as { name: string }[]).map((f) => f.name)
        : row[field];
    if (value !== undefined) s[field] = value;
  }
  return { id: row.id ?? ID, spec: s as AccountCenterSpec, outputs: { id: row.id ?? ID }, raw: row };
}

/** PATCH body for `fields` of `desired`: a touched `fields` object is sent complete (desired over live). */
function patchBody(changed: Field[], desired: AccountCenterSpec, live: ApiAccountCenter): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  let touchesFields = false;
  for (const field of changed) {
    if (desired[field] === undefined) continue;
    if (accessKey(field)) touchesFields = true;
    else if (field === 'profileFields') body.profileFields = desired.profileFields?.map((name) => ({ name }));
    else body[field] = desired[field];
  }
  if (touchesFields) {
    const leaves: Record<string, unknown> = {};
    for (const field of fieldNames()) {
      const key = accessKey(field);
      if (key && desired[field] !== undefined) leaves[key] = desired[field];
    }
    body.fields = overlay(live.fields, leaves);
  }
  return body;
}

const operations = singletonOperations<ApiAccountCenter, AccountCenterSpec>({
  route: ROUTE,
  method: 'PATCH',
  toLive,
  body: (fields, desired, live) => patchBody(fields as Field[], desired, live),
});

export const AccountCenter = defineResource<AccountCenterSpec>({
  kind: 'AccountCenter',
  description:
    'The tenant’s account center (singleton): whether the Account API is on, which profile fields users may see or edit, the custom profile fields it shows, the delete-account link, passkey related origins and custom CSS. Only the fields you set are managed; removing the resource leaves the settings as they are.',
  spec,
  outputs: [{ name: 'id', description: 'Always `default`.', type: 'string', stable: true }],
  immutable: [],
  sensitive: [],
  sets: ['webauthnRelatedOrigins'],
  references: [],
  relations: [],
  singleton: true,
  after: ['CustomProfileField'],

  async checkLive(ctx, s, planned) {
    if (!s.profileFields?.length) return [];
    const live = await ctx.client.get<{ name: string }[]>('/custom-profile-fields');
    const known = new Set([
      ...live.map((f) => f.name),
      ...(planned ?? []).filter((o) => o.kind === 'CustomProfileField').map((o) => String(o.spec.name)),
    ]);
    const missing = s.profileFields.filter((name) => !known.has(name));
    if (missing.length === 0) return [];
    return [
      {
        field: 'profileFields',
        message: `no custom profile field is named ${missing.map((n) => `"${n}"`).join(', ')} (${planned ? 'the tenant and this configuration have' : 'the tenant has'} ${known.size > 0 ? [...known].sort().join(', ') : 'none'}): Logto refuses it (custom_profile_fields.entity_not_exists_with_names). Built-in fields are governed by the \`…Access\` settings, not listed here`,
        ...(planned ? {} : { deferrable: true }),
      },
    ];
  },

  normalize(s) {
    // Logto stores "no CSS" and "no delete-account URL" as null or as an empty string.
    const out: Record<string, unknown> = { ...s };
    if (out.customCss === '') out.customCss = null;
    if (out.deleteAccountUrl === '') out.deleteAccountUrl = null;
    return out as AccountCenterSpec;
  },

  ...operations,
});
