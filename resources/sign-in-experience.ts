/**
 * SignInExperience: the tenant's sign-in page and flows (`/sign-in-exp`, a singleton with id `default`).
 * There is nothing to create or delete: "create" adopts the singleton and patches the managed fields,
 * "delete" forgets it.
 *
 * The API nests settings in objects that PATCH replaces wholesale and, for some (`color`, `languageInfo`,
 * `signUp`, `mfa`), requires complete. The spec is therefore flat (`primaryColor`, `signUpIdentifiers`,
 * `mfaPolicy`…): each leaf is a managed field of its own, so settings the user never mentions never diff,
 * and an update sends each touched object complete — the desired leaves laid over the live object.
 * Deep, list-shaped settings (`signIn`, `passwordPolicy`, `customContent`) are JSON fields validated here.
 */
import { z } from 'zod';
import { defineResource, type Live, type ResourceContext } from '../core/contract.js';
import { lazySchema, lazyValue } from '../core/lazy-schema.js';
import { connectorsOffered } from './connector.js';
import {
  hexColor,
  httpUrl,
  isRecord,
  type Nesting,
  nestedBody,
  nestedValue,
  overlay,
  singletonOperations,
} from './shared.js';

/** `languageInfo.fallbackLanguage` values accepted by the Management API (OpenAPI enum). */
// biome-ignore format: a data table
export const LANGUAGE_TAGS = [
  'af-ZA', 'am-ET', 'ar', 'ar-AR', 'as-IN', 'az-AZ', 'be-BY', 'bg-BG', 'bn-IN', 'br-FR', 'bs-BA', 'ca-ES', 'cb-IQ',
  'co-FR', 'cs', 'cs-CZ', 'cx-PH', 'cy-GB', 'da-DK', 'de', 'de-DE', 'el-GR', 'en', 'en-GB', 'en-US', 'eo-EO', 'es',
  'es-ES', 'es-419', 'et-EE', 'eu-ES', 'fa-IR', 'ff-NG', 'fi', 'fi-FI', 'fo-FO', 'fr', 'fr-CA', 'fr-FR', 'fy-NL',
  'ga-IE', 'gl-ES', 'gn-PY', 'gu-IN', 'ha-NG', 'he-IL', 'hi-IN', 'hr-HR', 'ht-HT', 'hu-HU', 'hy-AM', 'id-ID', 'ik-US',
  'is-IS', 'it', 'it-IT', 'iu-CA', 'ja', 'ja-JP', 'ja-KS', 'jv-ID', 'ka-GE', 'kk-KZ', 'km-KH', 'kn-IN', 'ko', 'ko-KR',
  'ku-TR', 'ky-KG', 'lo-LA', 'lt-LT', 'lv-LV', 'mg-MG', 'mk-MK', 'ml-IN', 'mn-MN', 'mr-IN', 'ms-MY', 'mt-MT', 'my-MM',
  'nb-NO', 'ne-NP', 'nl', 'nl-BE', 'nl-NL', 'nn-NO', 'or-IN', 'pa-IN', 'pl-PL', 'ps-AF', 'pt', 'pt-BR', 'pt-PT',
  'ro-RO', 'ru', 'ru-RU', 'rw-RW', 'sc-IT', 'si-LK', 'sk-SK', 'sl-SI', 'sn-ZW', 'sq-AL', 'sr-RS', 'sv', 'sv-SE',
  'sw-KE', 'sy-SY', 'sz-PL', 'ta-IN', 'te-IN', 'tg-TJ', 'th', 'th-TH', 'tl-PH', 'tr', 'tr-TR', 'tt-RU', 'tz-MA',
  'uk-UA', 'ur-PK', 'uz-UZ', 'vi-VN', 'zh', 'zh-CN', 'zh-HK', 'zh-MO', 'zh-TW', 'zz-TR',
] as const;

const IDENTIFIERS = ['username', 'email', 'phone'] as const;
const MFA_FACTORS = ['Totp', 'WebAuthn', 'BackupCode', 'EmailVerificationCode', 'PhoneVerificationCode'] as const;
const MFA_POLICIES = [
  'UserControlled',
  'Mandatory',
  'PromptOnlyAtSignIn',
  'PromptAtSignInAndSignUp',
  'NoPrompt',
  'PromptAtSignInAndSignUpMandatory',
  'PromptOnlyAtSignInMandatory',
] as const;

/** The shape of `signIn` (checked here so a mistake fails before any write). */
const signInShape = lazySchema(() =>
  z.strictObject({
    methods: z
      .array(
        z
          .strictObject({
            identifier: z.enum(IDENTIFIERS),
            password: z.boolean(),
            verificationCode: z.boolean(),
            isPasswordPrimary: z.boolean(),
          })
          .refine((m) => m.password || m.verificationCode, {
            message: 'a sign-in method needs `password` or `verificationCode` (or both) set to true',
          }),
      )
      .refine((ms) => new Set(ms.map((m) => m.identifier)).size === ms.length, {
        message: 'each identifier may appear once in `methods`',
      }),
  }),
);

/** Logto's password policy defaults: filled on both sides so a partial policy does not diff forever. */
const PASSWORD_POLICY_DEFAULTS = {
  length: { min: 8, max: 256 },
  characterTypes: { min: 1 },
  rejects: { pwned: true, repetitionAndSequence: true, userInfo: true, words: [] as string[] },
};

const passwordPolicyShape = lazySchema(() =>
  z
    .strictObject({
      length: z
        .strictObject({ min: z.int().min(1).max(256).optional(), max: z.int().min(1).max(256).optional() })
        .optional(),
      characterTypes: z.strictObject({ min: z.int().min(1).max(4).optional() }).optional(),
      rejects: z
        .strictObject({
          pwned: z.boolean().optional(),
          repetitionAndSequence: z.boolean().optional(),
          userInfo: z.boolean().optional(),
          words: z.array(z.string()).optional(),
        })
        .optional(),
    })
    .refine((p) => (p.length?.min ?? 8) <= (p.length?.max ?? 256), {
      message: '`length.min` must not exceed `length.max`',
      path: ['length'],
    }),
);

/** Validate a JSON field against a shape, reporting issues at the right nested path. */
function jsonField<T extends z.ZodType>(shape: T) {
  return z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const parsed = shape.safeParse(value);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  });
}

/** Sign-up identifiers that `signIn.methods` lacks (Logto requires every one to be a sign-in method too). */
function signUpIdentifiersMissingFromSignIn(value: unknown): string[] {
  if (!isRecord(value)) return [];
  const { signUpIdentifiers, signIn } = value;
  if (!Array.isArray(signUpIdentifiers) || !isRecord(signIn) || !Array.isArray(signIn.methods)) return [];
  const methods = new Set(signIn.methods.map((m: unknown) => (isRecord(m) ? m.identifier : undefined)));
  return signUpIdentifiers.filter((i) => !methods.has(i)).map(String);
}

/** With `signUpVerify` on and `signUpPassword` off, the sign-in methods other than username that lack a code. */
function codeSignInMissing(value: unknown): string[] {
  if (!isRecord(value) || value.signUpVerify !== true || value.signUpPassword !== false) return [];
  const methods = isRecord(value.signIn) && Array.isArray(value.signIn.methods) ? value.signIn.methods : [];
  return methods
    .filter((m: unknown) => isRecord(m) && m.identifier !== 'username' && m.verificationCode !== true)
    .map((m: Record<string, unknown>) => String(m.identifier));
}

/** The passwordless connector types the spec's sign-up and sign-in methods need (Logto's own rules). */
function connectorTypesNeeded(s: SignInExperienceSpec): { type: 'Email' | 'Sms'; why: string }[] {
  const out: { type: 'Email' | 'Sms'; why: string }[] = [];
  const methods = isRecord(s.signIn) && Array.isArray(s.signIn.methods) ? s.signIn.methods : [];
  for (const [identifier, type] of [
    ['email', 'Email'],
    ['phone', 'Sms'],
  ] as const) {
    if (s.signUpIdentifiers?.includes(identifier)) out.push({ type, why: `sign-up by ${identifier}` });
    else if (methods.some((m) => isRecord(m) && m.identifier === identifier && m.verificationCode === true))
      out.push({ type, why: `sign-in by ${identifier} verification code` });
  }
  return out;
}

const optionalUrl = (what: string) =>
  httpUrl.nullable().optional().describe(`${what} (absolute http(s) URL); null removes it.`);

const spec = lazySchema(() =>
  z
    .object({
      // branding
      logoUrl: httpUrl.optional().describe('Logo shown on the sign-in page (light mode).'),
      darkLogoUrl: httpUrl.optional().describe('Logo shown on the sign-in page in dark mode.'),
      favicon: httpUrl.optional().describe('Favicon of the sign-in page (light mode).'),
      darkFavicon: httpUrl.optional().describe('Favicon of the sign-in page in dark mode.'),
      // color
      primaryColor: hexColor.optional().describe('Primary brand color (hex), e.g. `#5b3ff0`.'),
      isDarkModeEnabled: z.boolean().optional().describe('Whether the sign-in page follows the system dark mode.'),
      darkPrimaryColor: hexColor.optional().describe('Primary brand color in dark mode (hex).'),
      // languageInfo
      languageAutoDetect: z
        .boolean()
        .optional()
        .describe(
          'Whether the sign-in page picks its language from the browser (otherwise `fallbackLanguage` is used).',
        ),
      fallbackLanguage: z
        .enum(LANGUAGE_TAGS)
        .optional()
        .describe('Language used when auto-detection is off or finds no supported language, e.g. `en`, `de`, `zh-CN`.'),
      // flows
      signInMode: z
        .enum(['SignIn', 'Register', 'SignInAndRegister'])
        .optional()
        .describe('Which flows the sign-in page offers: `SignIn` only, `Register` only, or `SignInAndRegister`.'),
      signUpIdentifiers: z
        .array(z.enum(IDENTIFIERS))
        .optional()
        .describe(
          'Identifiers a new user signs up with (`username`, `email`, `phone`; order-insensitive). `email`/`phone` need a matching passwordless connector.',
        ),
      signUpPassword: z.boolean().optional().describe('Whether new users must set a password when signing up.'),
      signUpVerify: z.boolean().optional().describe('Whether new users must verify their email/phone when signing up.'),
      signIn: jsonField(signInShape)
        .optional()
        .describe(
          'Sign-in methods as JSON: `{"methods":[{"identifier":"username","password":true,"verificationCode":false,"isPasswordPrimary":true}]}`. Order is the display order.',
        ),
      socialSignInConnectorTargets: z
        .array(z.string().min(1))
        .optional()
        .describe(
          'Targets of the social connectors shown on the sign-in page, e.g. `google`, `github` (order-insensitive).',
        ),
      automaticAccountLinking: z
        .boolean()
        .optional()
        .describe('Link a social identity to an existing account with the same verified email without asking.'),
      skipRequiredIdentifiers: z
        .boolean()
        .optional()
        .describe('Let users who sign in with a social connector skip the sign-up identifiers they lack.'),
      singleSignOnEnabled: z.boolean().optional().describe('Whether enterprise SSO is offered on the sign-in page.'),
      passwordPolicy: jsonField(passwordPolicyShape)
        .optional()
        .describe(
          'Password policy as JSON: `{"length":{"min":8,"max":256},"characterTypes":{"min":1},"rejects":{"pwned":true,"repetitionAndSequence":true,"userInfo":true,"words":[]}}`. Omitted parts take Logto’s defaults.',
        ),
      // mfa
      mfaFactors: z
        .array(z.enum(MFA_FACTORS))
        .optional()
        .describe(`Multi-factor methods users may set up (order-insensitive): ${MFA_FACTORS.join(', ')}.`),
      mfaPolicy: z
        .enum(MFA_POLICIES)
        .optional()
        .describe(`When users are asked for / required to set up MFA: ${MFA_POLICIES.join(', ')}.`),
      organizationRequiredMfaPolicy: z
        .enum(['NoPrompt', 'Mandatory'])
        .optional()
        .describe('For organizations that require MFA: `Mandatory` forces setup, `NoPrompt` only blocks access.'),
      // links and content
      termsOfUseUrl: optionalUrl('Terms of use link shown on the sign-up page'),
      privacyPolicyUrl: optionalUrl('Privacy policy link shown on the sign-up page'),
      agreeToTermsPolicy: z
        .enum(['Automatic', 'ManualRegistrationOnly', 'Manual'])
        .optional()
        .describe(
          'How users agree to the terms: `Automatic`, `ManualRegistrationOnly` (checkbox at sign-up) or `Manual` (always).',
        ),
      supportEmail: z
        .email('use an email address such as `support@example.com`')
        .nullable()
        .optional()
        .describe('Support email shown on error pages; null removes it.'),
      supportWebsiteUrl: optionalUrl('Support website shown on error pages'),
      unknownSessionRedirectUrl: optionalUrl('Where users land when their sign-in session is missing or unknown'),
      customCss: z.string().nullable().optional().describe('Custom CSS for the sign-in page; null removes it.'),
      customContent: z
        .record(z.string(), z.string())
        .optional()
        .describe(
          'Custom content per experience page as JSON: page path → HTML/text, e.g. `{"/sign-in":"<p>Hi</p>"}`.',
        ),
    })
    // Cross-field rules run even when a single field is invalid, so every problem is reported at once.
    .refine(
      (s) =>
        !(
          isRecord(s) &&
          Array.isArray(s.signUpIdentifiers) &&
          s.signUpIdentifiers.includes('username') &&
          s.signUpPassword === false
        ),
      {
        path: ['signUpPassword'],
        message: 'signing up with a username needs a password: set `signUpPassword: true` or drop `username`',
        when: () => true,
      },
    )
    .refine(
      (s) =>
        !(
          isRecord(s) &&
          Array.isArray(s.signUpIdentifiers) &&
          s.signUpIdentifiers.some((i) => i === 'email' || i === 'phone') &&
          s.signUpVerify === false
        ),
      {
        path: ['signUpVerify'],
        message:
          'Logto refuses sign-up by email or phone without verification (sign_in_experiences.passwordless_requires_verify): set `signUpVerify: true`',
        when: () => true,
      },
    )
    .refine((s) => codeSignInMissing(s).length === 0, {
      path: ['signIn'],
      when: () => true,
      error: (issue) =>
        `sign-up without a password verifies a code, so Logto refuses sign-in methods without one (sign_in_experiences.code_sign_in_must_be_enabled): set \`verificationCode: true\` for ${codeSignInMissing(
          issue.input,
        )
          .map((i) => `"${i}"`)
          .join(', ')}`,
    })
    .refine((s) => signUpIdentifiersMissingFromSignIn(s).length === 0, {
      path: ['signIn'],
      when: () => true,
      error: (issue) =>
        `sign-up identifiers must also be sign-in methods: add ${signUpIdentifiersMissingFromSignIn(issue.input)
          .map((i) => `"${i}"`)
          .join(', ')} to \`signIn.methods\``,
    }),
);

export type SignInExperienceSpec = z.infer<typeof spec>;
type Field = keyof SignInExperienceSpec;

/** Flat spec field → [API object, key inside it]. Everything else maps to the same top-level key. */
const NESTED: Nesting = {
  logoUrl: ['branding', 'logoUrl'],
  darkLogoUrl: ['branding', 'darkLogoUrl'],
  favicon: ['branding', 'favicon'],
  darkFavicon: ['branding', 'darkFavicon'],
  primaryColor: ['color', 'primaryColor'],
  isDarkModeEnabled: ['color', 'isDarkModeEnabled'],
  darkPrimaryColor: ['color', 'darkPrimaryColor'],
  languageAutoDetect: ['languageInfo', 'autoDetect'],
  fallbackLanguage: ['languageInfo', 'fallbackLanguage'],
  signUpIdentifiers: ['signUp', 'identifiers'],
  signUpPassword: ['signUp', 'password'],
  signUpVerify: ['signUp', 'verify'],
  automaticAccountLinking: ['socialSignIn', 'automaticAccountLinking'],
  skipRequiredIdentifiers: ['socialSignIn', 'skipRequiredIdentifiers'],
  mfaFactors: ['mfa', 'factors'],
  mfaPolicy: ['mfa', 'policy'],
  organizationRequiredMfaPolicy: ['mfa', 'organizationRequiredMfaPolicy'],
};
const fieldNames = lazyValue(() => Object.keys(spec.shape) as Field[]);
const NULLABLE_LINKS: Field[] = [
  'termsOfUseUrl',
  'privacyPolicyUrl',
  'supportEmail',
  'supportWebsiteUrl',
  'unknownSessionRedirectUrl',
];

type ApiSignInExperience = Record<string, unknown> & { id: string };

const ID = 'default';

function fillPasswordPolicy(value: unknown): Record<string, unknown> {
  const p = isRecord(value) ? value : {};
  const out: Record<string, unknown> = { ...p };
  for (const [part, defaults] of Object.entries(PASSWORD_POLICY_DEFAULTS))
    out[part] = overlay(defaults, isRecord(p[part]) ? p[part] : {});
  return out;
}

function toLive(row: ApiSignInExperience): Live<SignInExperienceSpec> {
  const s: Record<string, unknown> = {};
  for (const field of fieldNames()) {
    const value = nestedValue(row, field, NESTED);
    if (value !== undefined) s[field] = value;
  }
  return { id: row.id ?? ID, spec: s as SignInExperienceSpec, outputs: { id: row.id ?? ID }, raw: row };
}

/**
 * Social targets the spec lists that no social connector serves: Logto would drop them silently
 * (docs/logto-behaviour.md#sign-in-experience), so a write with them would never converge. An error here, just before
 * the write, is the last line for front ends that could not check at plan time.
 */
async function unservedTargets(ctx: ResourceContext, s: Partial<SignInExperienceSpec>): Promise<string[]> {
  const wanted = s.socialSignInConnectorTargets ?? [];
  if (wanted.length === 0) return [];
  const { socialTargets } = await connectorsOffered(ctx);
  return wanted.filter((t) => !socialTargets.has(t));
}

const quoted = (ts: Iterable<string>) => [...ts].map((t) => `"${t}"`).join(', ');

const operations = singletonOperations<ApiSignInExperience, SignInExperienceSpec>({
  route: '/sign-in-exp',
  method: 'PATCH',
  toLive,
  body: (fields, desired, live) =>
    nestedBody(fields, desired, live, NESTED, (field, value) =>
      field === 'passwordPolicy' ? fillPasswordPolicy(value) : value,
    ),
});

export const SignInExperience = defineResource<SignInExperienceSpec>({
  kind: 'SignInExperience',
  description:
    'The tenant’s sign-in experience (singleton): branding, colors, language, sign-up and sign-in methods, social connectors, password policy and MFA. Only the fields you set are managed; removing the resource leaves the settings as they are.',
  spec,
  outputs: [{ name: 'id', description: 'Always `default`.', type: 'string', stable: true }],
  immutable: [],
  sensitive: [],
  sets: ['signUpIdentifiers', 'socialSignInConnectorTargets', 'mfaFactors'],
  references: [],
  relations: [],
  singleton: true,
  after: ['Connector'],

  async checkLive(ctx, s, planned) {
    const offered = await connectorsOffered(ctx, planned);
    const issues: { field: string; message: string; deferrable?: boolean }[] = [];
    const missing = (s.socialSignInConnectorTargets ?? []).filter((t) => !offered.socialTargets.has(t));
    const where = planned ? 'the tenant and this configuration have' : 'the tenant has';
    if (missing.length > 0) {
      const has = offered.socialTargets.size > 0 ? quoted([...offered.socialTargets].sort()) : 'none';
      issues.push({
        field: 'socialSignInConnectorTargets',
        message: `no social connector has target ${quoted(missing)} (${where} ${has}); add a Connector with that target${planned ? '' : ' and refer to its `target`, so that it is created first,'} or remove the target — Logto silently drops targets without a connector, so this would never converge`,
      });
    }
    for (const { type, why } of connectorTypesNeeded(s)) {
      if (offered.types.has(type)) continue;
      const what = type === 'Email' ? 'an email connector (e.g. SMTP)' : 'an SMS connector (e.g. Twilio)';
      issues.push({
        field: why.startsWith('sign-up') ? 'signUpIdentifiers' : 'signIn',
        message: `${why} needs ${what} and ${where} none: Logto refuses it (sign_in_experiences.enabled_connector_not_found). ${planned ? 'Add a Connector' : 'If a connector of this configuration provides it, make this resource depend on it so that it is created first'}`,
        ...(planned ? {} : { deferrable: true }),
      });
    }
    return issues;
  },

  normalize(s) {
    const out: Record<string, unknown> = { ...s };
    // Logto stores "no link" as null or as an empty string.
    for (const field of NULLABLE_LINKS) if (out[field] === '') out[field] = null;
    if (out.passwordPolicy !== undefined) out.passwordPolicy = fillPasswordPolicy(out.passwordPolicy);
    return out as SignInExperienceSpec;
  },

  ...operations,
  async create(ctx, s) {
    await refuseUnservedTargets(ctx, s);
    return operations.create(ctx, s);
  },
  async update(ctx, id, changes, live, desired) {
    await refuseUnservedTargets(ctx, changes);
    return operations.update(ctx, id, changes, live, desired);
  },
});

async function refuseUnservedTargets(ctx: ResourceContext, s: Partial<SignInExperienceSpec>): Promise<void> {
  const missing = await unservedTargets(ctx, s);
  if (missing.length > 0)
    throw new Error(
      `socialSignInConnectorTargets: no social connector has target ${quoted(missing)}; Logto would drop it silently, so nothing was written. Add the connector first or remove the target`,
    );
}
