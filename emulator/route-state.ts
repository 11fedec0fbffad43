/**
 * Tenant state that more than one route module reads: the account center and sign-in experience singletons,
 * the names of the custom profile fields, and the tenant's connectors and connector factories. It lives here,
 * not in one route module that another imports back, so that the emulator's imports have no loops
 * (test/emulator/import-cycles.test.ts).
 */
import type { RequestContext } from './types.js';
import { SINGLETONS, singleton, TABLES, table } from './util.js';

// ---- account center and custom profile fields ---------------------------------------------------

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

/** Names of the tenant's custom profile fields (what the account center may list). */
export function customProfileFieldNames(ctx: RequestContext): Set<string> {
  return new Set(Object.keys(table(ctx, TABLES.customProfileFields)));
}

// ---- connectors ---------------------------------------------------------------------------------

export type ConnectorType = 'Email' | 'Sms' | 'Social';

export interface ConnectorFactory {
  id: string;
  type: ConnectorType;
  target: string;
  platform: 'Universal' | 'Web' | 'Native' | null;
  name: Record<string, string>;
  description: Record<string, string>;
  logo: string;
  logoDark: string | null;
  isStandard?: boolean;
  isTokenStorageSupported?: boolean;
  isDemo?: boolean;
  readme: string;
  configTemplate?: string;
  formItems?: FormItem[];
}

export interface FormItem {
  key: string;
  type: string;
  label?: string;
  required?: boolean;
  selectItems?: { value: unknown; title: string }[];
  showConditions?: { targetKey: string; expectValue?: unknown }[];
}

export interface ConnectorRow extends Record<string, unknown> {
  tenantId: string;
  id: string;
  connectorId: string;
  config: Record<string, unknown>;
  metadata: Record<string, unknown>;
  syncProfile: boolean;
  enableTokenStorage: boolean;
  createdAt: number;
}

export function factories(ctx: RequestContext): ConnectorFactory[] {
  return (ctx.state.singletons[SINGLETONS.connectorFactories] as ConnectorFactory[] | undefined) ?? [];
}

export const connectors = (ctx: RequestContext) => table<ConnectorRow>(ctx, TABLES.connectors);

/** Connector types for which at least one connector exists (used by sign-in experience checks). */
export function enabledConnectorTypes(ctx: RequestContext): Set<ConnectorType> {
  const byId = new Map(factories(ctx).map((f) => [f.id, f]));
  const types = new Set<ConnectorType>();
  for (const c of Object.values(connectors(ctx))) {
    const f = byId.get(c.connectorId);
    if (f) types.add(f.type);
  }
  return types;
}

/** Targets of the tenant's social connectors (the only ones the sign-in experience keeps). */
export function socialConnectorTargets(ctx: RequestContext): Set<string> {
  const byId = new Map(factories(ctx).map((f) => [f.id, f]));
  const targets = new Set<string>();
  for (const c of Object.values(connectors(ctx))) {
    const f = byId.get(c.connectorId);
    if (f?.type === 'Social') targets.add(f.target);
  }
  return targets;
}

// ---- sign-in experience -------------------------------------------------------------------------

export type SignInExperience = Record<string, unknown> & { id: 'default'; tenantId: string };

/**
 * The sign-in experience of a fresh Logto OSS 1.42 tenant, exactly as `GET /sign-in-exp` returns it
 * (docs/logto-behaviour.md#sign-in-experience): `signUp` has no `secondaryIdentifiers` and `passwordPolicy` is `{}`
 * until first written.
 */
export function defaultSignInExperience(): SignInExperience {
  return {
    tenantId: 'default',
    id: 'default',
    color: {
      primaryColor: '#6139F6',
      isDarkModeEnabled: false,
      darkPrimaryColor: '#8768F8',
    },
    branding: {
      logoUrl: 'https://logto.io/logo.svg',
      darkLogoUrl: 'https://logto.io/logo-dark.svg',
    },
    hideLogtoBranding: false,
    languageInfo: {
      autoDetect: true,
      fallbackLanguage: 'en',
    },
    termsOfUseUrl: null,
    privacyPolicyUrl: null,
    agreeToTermsPolicy: 'Automatic',
    signIn: {
      methods: [
        {
          identifier: 'username',
          password: true,
          verificationCode: false,
          isPasswordPrimary: true,
        },
      ],
    },
    signUp: {
      identifiers: ['username'],
      password: true,
      verify: false,
    },
    socialSignIn: {},
    socialSignInConnectorTargets: [],
    signInMode: 'SignInAndRegister',
    customCss: null,
    customContent: {},
    customUiAssets: null,
    customUiCsp: {},
    passwordPolicy: {},
    mfa: {
      factors: [],
      policy: 'UserControlled',
    },
    adaptiveMfa: {},
    singleSignOnEnabled: false,
    supportEmail: null,
    supportWebsiteUrl: null,
    unknownSessionRedirectUrl: null,
    captchaPolicy: {},
    sentinelPolicy: {},
    emailBlocklistPolicy: {},
    verificationCodePolicy: {},
    forgotPasswordMethods: [],
    passkeySignIn: {},
    signUpProfileFields: null,
    passwordExpiration: {},
    usernamePolicy: {
      caseSensitive: true,
      minLength: 1,
      maxLength: 128,
      allowedChars: {
        lowercase: true,
        uppercase: true,
        numbers: true,
        underscore: true,
      },
    },
  };
}

/** Read (creating on first access) the tenant's sign-in experience. */
export function signInExperience(ctx: RequestContext): SignInExperience {
  return singleton(ctx, SINGLETONS.signInExperience, defaultSignInExperience);
}

/** After a social connector is deleted, Logto drops the targets no social connector serves any more. */
export function removeUnavailableSocialTargets(ctx: RequestContext): void {
  const current = signInExperience(ctx);
  const targets = socialConnectorTargets(ctx);
  const listed = current.socialSignInConnectorTargets as unknown[];
  current.socialSignInConnectorTargets = listed.filter((t) => targets.has(String(t)));
}
