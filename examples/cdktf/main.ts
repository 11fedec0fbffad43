/**
 * The "Acme Shop" tenant of examples/tenant.yaml, as a CDKTF app on the Logto Terraform provider: the same
 * 48 objects of 28 kinds, section by section (test/cdktf/example.test.ts applies it and compares).
 *
 * Run it against a fresh emulator with nothing to set up, from the repository root: `npm run examples -- cdktf`.
 * Against your tenant, in this directory:
 *
 *   npx logto-iac terraform-install ~/.terraform.d/logto-mirror   # once: the provider as a filesystem mirror
 *   export TF_CLI_CONFIG_FILE=~/.terraform.d/logto-mirror/terraform.rc
 *   export LOGTO_ENDPOINT=https://<tenant>.logto.app LOGTO_APP_ID=… LOGTO_APP_SECRET=…
 *   export TF_VAR_crm_webhook_token=… TF_VAR_smtp_password=… TF_VAR_github_client_secret=…
 *   export TF_VAR_captcha_secret_key=… TF_VAR_breakglass_password=…
 *   npx tsx main.ts                                               # synthesizes cdktf.out/ (no cdktf CLI)
 *   cd cdktf.out/stacks/acme-shop && terraform init && terraform apply
 *
 * (`cdktf synth` runs the same `npx tsx main.ts` through cdktf.json when you have cdktf-cli installed.)
 * In your own project import the constructs from the package: `from 'logto-iac/cdktf'`. This file imports
 * them from the repository so it always builds against the bindings generated in this checkout.
 *
 * Secrets never appear in the synthesized JSON: they are the sensitive Terraform variables above.
 * TF_VAR_name_prefix puts a prefix on every name and API identifier and
 * TF_VAR_language_suffix on the email templates' language tag, so several copies of this tenant (one per branch or test
 * run) can share one tenant (custom phrases are keyed by a language Logto supports: one set per tenant).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { App, Fn, LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import {
  AccountCenter,
  ApiResource,
  ApiResourceScope,
  Application,
  ApplicationRoleAssignment,
  ApplicationSecret,
  ApplicationSignInExperience,
  ApplicationUserConsentScopes,
  CaptchaProvider,
  Connector,
  CustomPhrase,
  CustomProfileField,
  EmailTemplate,
  Hook,
  IdTokenConfig,
  JwtCustomizer,
  LogtoProvider,
  OidcSessionConfig,
  Organization,
  OrganizationApplication,
  OrganizationRole,
  OrganizationScope,
  OrganizationUser,
  Role,
  SamlApplication,
  SamlApplicationCertificate,
  SignInExperience,
  SsoConnector,
  User,
} from '../../provider/cdktf/index.js';

/** API resources and their scopes, keyed by indicator then scope name (as in tenant.yaml). */
const API_RESOURCES = {
  'https://api.acme-shop.example/orders': {
    id: 'orders',
    name: 'Orders API',
    accessTokenTtl: 3600,
    scopes: {
      'read:orders': 'Read orders',
      'write:orders': 'Create and update orders',
      'delete:orders': 'Cancel and delete orders',
    },
  },
  'https://api.acme-shop.example/catalog': {
    id: 'catalog',
    name: 'Catalog API',
    accessTokenTtl: undefined,
    scopes: {
      'read:catalog': 'Read the product catalog',
      'write:catalog': 'Edit products and prices',
    },
  },
} as const;

type Indicator = keyof typeof API_RESOURCES;
const ORDERS: Indicator = 'https://api.acme-shop.example/orders';
const CATALOG: Indicator = 'https://api.acme-shop.example/catalog';

/**
 * Globex's SAML IdP, inline: Logto checks an SSO connector's config when it is written (an OIDC issuer must
 * serve its discovery document), so this applies without reaching the IdP. The certificate is public.
 */
const GLOBEX_IDP_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIDHTCCAgWgAwIBAgIUFzNKCk6KdgNJZUmhW2lnUIeuiL4wDQYJKoZIhvcNAQEL
BQAwHTEbMBkGA1UEAwwSaWRwLmdsb2JleC5leGFtcGxlMCAXDTI2MTIwNTA0MTIy
NVoYDzIxMjYxMTExMDQxMjI1WjAdMRswGQYDVQQDDBJpZHAuZ2xvYmV4LmV4YW1w
bGUwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCJYHXDyvZ6GqShTdPW
0+yaU+uRLqpG5+HR/aJ5k9VBI7k0bkGNBqcmmUFsZnab8Y5e7RWnNlw03eruMAad
/NPD4pIpVIPpfFzE9VVAIeLeNzcW0jwD9UUuc0ZYizpKfWeRP631al6oPWzENj/A
CAarzvZoDFleTE3MHTV6JuH6Oq28GVPwLPgD5NfOYk+csnkXr/XBZZ3qbe8DIJFU
OPQWB2wKNyapoyzdtCiIH+o8uLP1ZBcBwI/+FypGyQpRYQmVJprVvAcvxtiAaO55
r8cYDje9+wxtXSLKMafpJeqSbazA7diyPoMbFgbU1zsiu1MjlriSELUmX+o7H5hw
lw81AgMBAAGjUzBRMB0GA1UdDgQWBBSY1qjIdnFf2qgvgo4zWQDNeYmPJDAfBgNV
HSMEGDAWgBSY1qjIdnFf2qgvgo4zWQDNeYmPJDAPBgNVHRMBAf8EBTADAQH/MA0G
CSqGSIb3DQEBCwUAA4IBAQAD9Fj3MqFvnFVp7mGJkh9lkBzYG7zdyWeE+srf8gIM
v7N2slm5QoRYufBrGiMRmMwfyNc4fbNmU+lXw+DGtlyHh2f4O4ATKs/bUzojePaY
5UpIqb4UIquwaaRC01ZZNq37kJp1O+Fp61xS2Tw8spwK/vIvp2whrSmidg4TDEYr
QCqMWINsJZcDcDyHFMCJh8xYUnmBosI74RM9CRtyCUmul9adS6HR6brP+ASREBHT
hVxoaGcLOAYcKHZnN7QgOG6Xm/j4ta9etf1sDX+C5Ug6E5S6KNyGhMeuKisWX7ed
uJorAcPyJPLb4cZ3xJHJM1HB2pzP6AwFVd4BBr4R6NGT
-----END CERTIFICATE-----
`;

/** A construct id from a natural key: `read:orders` → `read_orders`. */
function idOf(key: string): string {
  return key.replace(/[^A-Za-z0-9]+/g, '_');
}

/**
 * The script of examples/jwt/access-token.js, read as tenant.yaml's `${file:jwt/access-token.js}` reads it
 * (one trailing newline removed).
 */
const ACCESS_TOKEN_SCRIPT = readFileSync(new URL('../jwt/access-token.js', import.meta.url), 'utf8').replace(/\n$/, '');

export class AcmeShopTenant extends TerraformStack {
  constructor(scope: Construct, name: string) {
    super(scope, name);

    // endpoint, app_id and app_secret come from LOGTO_ENDPOINT, LOGTO_APP_ID and LOGTO_APP_SECRET when
    // terraform runs, so no credential is written into the synthesized stack.
    new LogtoProvider(this, 'logto');
    // State next to the synthesized stack (cdktf.out/stacks/acme-shop/), not in the directory synth ran in.
    new LocalBackend(this, { path: 'terraform.tfstate' });

    const namePrefix = new TerraformVariable(this, 'name_prefix', {
      type: 'string',
      default: '',
      description: 'Prefix for every name and API identifier (e.g. "pr42-" for a preview copy of this tenant).',
    });
    const languageSuffix = new TerraformVariable(this, 'language_suffix', {
      type: 'string',
      default: '',
      description:
        'Suffix of the email templates\' language tag (e.g. "-x-pr42"), so that copies of this tenant keep their own templates.',
    });
    /** A sensitive variable without a default: its value never enters the synthesized stack. */
    const secret = (id: string, description: string) =>
      new TerraformVariable(this, id, { type: 'string', sensitive: true, description }).stringValue;
    /** A name Logto keeps unique (or adopts by), with the prefix. */
    const named = (name: string): string => `${namePrefix.stringValue}${name}`;
    /** An email template's language tag, with the suffix (custom phrases need a language Logto supports). */
    const language = (tag: string): string => `${tag}${languageSuffix.stringValue}`;
    /** An API identifier with the prefix on its path: `https://api.acme-shop.example/<prefix>orders`. */
    const indicatorOf = (indicator: string): string => indicator.replace(/\/([^/]+)$/, `/${namePrefix.stringValue}$1`);

    // ---- apiResources: API resources and their permissions ------------------------------------------
    const scopeIds = new Map<string, string>();
    const scopeId = (indicator: Indicator, scopeName: string): string => {
      const id = scopeIds.get(`${indicator} ${scopeName}`);
      if (!id) throw new Error(`examples/cdktf: no scope ${scopeName} on ${indicator}`);
      return id;
    };
    for (const [indicator, api] of Object.entries(API_RESOURCES)) {
      const resource = new ApiResource(this, `api_${api.id}`, {
        indicator: indicatorOf(indicator),
        name: api.name,
        ...(api.accessTokenTtl !== undefined ? { accessTokenTtl: api.accessTokenTtl } : {}),
      });
      for (const [scopeName, description] of Object.entries(api.scopes)) {
        const scope = new ApiResourceScope(this, `scope_${api.id}_${idOf(scopeName)}`, {
          resourceId: resource.id,
          name: scopeName,
          description,
        });
        scopeIds.set(`${indicator} ${scopeName}`, scope.id);
      }
    }

    // ---- roles ---------------------------------------------------------------------------------------
    new Role(this, 'role_customer', {
      name: named('customer'),
      description: 'Shoppers who place orders',
      type: 'User',
      isDefault: true,
      scopeIds: [scopeId(ORDERS, 'read:orders'), scopeId(ORDERS, 'write:orders'), scopeId(CATALOG, 'read:catalog')],
    });
    const storeAdmin = new Role(this, 'role_store_admin', {
      name: named('store-admin'),
      description: 'Staff who manage the catalog and every order',
      type: 'User',
      scopeIds: [
        scopeId(ORDERS, 'read:orders'),
        scopeId(ORDERS, 'write:orders'),
        scopeId(ORDERS, 'delete:orders'),
        scopeId(CATALOG, 'read:catalog'),
        scopeId(CATALOG, 'write:catalog'),
      ],
    });
    const fulfilment = new Role(this, 'role_fulfilment', {
      name: named('fulfilment'),
      description: 'Back-office services that process orders',
      type: 'MachineToMachine',
      scopeIds: [scopeId(ORDERS, 'read:orders'), scopeId(ORDERS, 'write:orders')],
    });

    // ---- applications (with the back office's secret and the fulfilment service's roles) ---------------
    const storefront = new Application(this, 'app_storefront', {
      name: named('Acme Storefront'),
      type: 'SPA',
      description: 'The customer-facing single-page shop',
      redirectUris: ['https://shop.acme.example/callback', 'http://localhost:5173/callback'],
      postLogoutRedirectUris: ['https://shop.acme.example/'],
      corsAllowedOrigins: ['https://shop.acme.example'],
      refreshTokenTtlInDays: 30,
      rotateRefreshToken: true,
    });
    const backOffice = new Application(this, 'app_back_office', {
      name: named('Acme Back Office'),
      type: 'Traditional',
      description: 'Server-rendered admin site for store staff',
      redirectUris: ['https://admin.acme.example/auth/callback'],
      postLogoutRedirectUris: ['https://admin.acme.example/'],
      idTokenTtl: 3600,
      customData: Fn.jsonencode({ team: 'operations' }),
    });
    // Generated by Logto: the value is a sensitive output of the resource, never an input.
    const deploySecret = new ApplicationSecret(this, 'app_back_office_secret_deploy_2026', {
      applicationId: backOffice.id,
      name: 'deploy-2026',
    });
    const fulfilmentService = new Application(this, 'app_fulfilment_service', {
      name: named('Fulfilment Service'),
      type: 'MachineToMachine',
      description: 'Picks, packs and ships orders',
    });
    new ApplicationRoleAssignment(this, 'app_fulfilment_service_roles', {
      applicationId: fulfilmentService.id,
      roleIds: [fulfilment.id],
    });
    // A third-party app: a partner's site that signs Acme customers in and asks them for consent.
    const partnerPortal = new Application(this, 'app_partner_portal', {
      name: named('Partner Portal'),
      type: 'Traditional',
      isThirdParty: true,
      redirectUris: ['https://partners.example/callback'],
    });

    // ---- organizationScopes ----------------------------------------------------------------------------
    const orgScopes: Record<string, OrganizationScope> = {};
    for (const [name, description] of Object.entries({
      'read:members': 'See who is in the organization',
      'invite:members': 'Invite new members',
      'manage:billing': 'Change the plan and payment details',
    })) {
      orgScopes[name] = new OrganizationScope(this, `org_scope_${idOf(name)}`, { name: named(name), description });
    }
    const orgScopeId = (name: string): string => {
      const scope = orgScopes[name];
      if (!scope) throw new Error(`examples/cdktf: no organization scope ${name}`);
      return scope.id;
    };

    // ---- applicationUserConsentScopes and applicationSignInExperiences ----------------------------------
    new ApplicationUserConsentScopes(this, 'consent_partner_portal', {
      applicationId: partnerPortal.id,
      userScopes: ['profile', 'email', 'urn:logto:scope:organizations'],
      resourceScopeIds: [scopeId(ORDERS, 'read:orders')],
      organizationScopeIds: [orgScopeId('read:members')],
    });
    // App-level branding: over the sign-in page for a first-party app, on the consent page for a third-party one.
    new ApplicationSignInExperience(this, 'app_sie_storefront', {
      applicationId: storefront.id,
      logoUrl: 'https://cdn.acme.example/storefront-logo.png',
      primaryColor: '#e4572e',
    });
    new ApplicationSignInExperience(this, 'app_sie_partner_portal', {
      applicationId: partnerPortal.id,
      displayName: 'Partner Portal by Globex',
      termsOfUseUrl: 'https://partners.example/terms',
      privacyPolicyUrl: 'https://partners.example/privacy',
    });

    // ---- organizationRoles: the template every business customer's organization gets --------------------
    new OrganizationRole(this, 'org_role_org_admin', {
      name: named('org-admin'),
      description: 'Administers a business account',
      type: 'User',
      organizationScopeIds: [orgScopeId('read:members'), orgScopeId('invite:members'), orgScopeId('manage:billing')],
      resourceScopeIds: [
        scopeId(ORDERS, 'read:orders'),
        scopeId(ORDERS, 'write:orders'),
        scopeId(ORDERS, 'delete:orders'),
      ],
    });
    const orgBuyer = new OrganizationRole(this, 'org_role_org_buyer', {
      name: named('org-buyer'),
      description: 'Places orders for the business',
      type: 'User',
      organizationScopeIds: [orgScopeId('read:members')],
      resourceScopeIds: [scopeId(ORDERS, 'read:orders'), scopeId(ORDERS, 'write:orders')],
    });
    const orgIntegration = new OrganizationRole(this, 'org_role_org_integration', {
      name: named('org-integration'),
      description: 'A back-office service acting for the business',
      type: 'MachineToMachine',
      resourceScopeIds: [scopeId(ORDERS, 'read:orders')],
    });

    // ---- ssoConnectors and the organization that uses it --------------------------------------------
    const globexSaml = new SsoConnector(this, 'sso_globex_saml', {
      connectorName: named('globex-saml'),
      providerName: 'SAML',
      config: Fn.jsonencode({
        entityId: 'https://idp.globex.example/saml',
        signInEndpoint: 'https://idp.globex.example/saml/sso',
        x509Certificate: GLOBEX_IDP_CERTIFICATE,
        attributeMapping: { id: 'nameID', email: 'email', name: 'displayName' },
      }),
      domains: ['globex.example'],
      branding: { displayName: 'Globex SSO' },
    });
    const globex = new Organization(this, 'org_globex', {
      name: named('Globex Corporation'),
      description: 'Wholesale customer',
      customData: Fn.jsonencode({ accountManager: 'jane@acme.example' }),
      jitEmailDomains: ['globex.example'],
      jitRoleIds: [orgBuyer.id],
      jitSsoConnectorIds: [globexSaml.id],
    });

    // ---- users (accounts the configuration needs, not end users), organizationUsers and -Applications --
    // The password is write-only: set on create and whenever the variable's value changes, never read back.
    new User(this, 'user_ops_breakglass', {
      username: named('ops_breakglass'),
      primaryEmail: `${namePrefix.stringValue}breakglass@acme-shop.example`,
      name: 'Break-glass administrator',
      password: secret('breakglass_password', 'Password of the break-glass administrator (write-only).'),
      customData: Fn.jsonencode({ purpose: 'emergency access when single sign-on is down' }),
      roleIds: [storeAdmin.id],
    });
    const qaBuyer = new User(this, 'user_qa_globex_buyer', {
      username: named('qa_globex_buyer'),
      primaryEmail: `${namePrefix.stringValue}qa-buyer@acme-shop.example`,
      name: 'QA buyer at Globex',
    });
    new OrganizationUser(this, 'org_user_qa_buyer_at_globex', {
      organizationId: globex.id,
      userId: qaBuyer.id,
      organizationRoleIds: [orgBuyer.id],
    });
    new OrganizationApplication(this, 'org_app_fulfilment_at_globex', {
      organizationId: globex.id,
      applicationId: fulfilmentService.id,
      organizationRoleIds: [orgIntegration.id],
    });

    // ---- samlApplications: Logto as the SAML identity provider of the staff wiki ------------------------
    // Logto creates a signing certificate with the app; this one takes over as the active one.
    const wiki = new SamlApplication(this, 'saml_app_wiki', {
      name: named('Acme Wiki'),
      description: 'Staff wiki, signs in with SAML',
      entityId: 'https://wiki.acme.example/saml/metadata',
      acsUrl: 'https://wiki.acme.example/saml/acs',
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      attributeMapping: Fn.jsonencode({ email: 'mail', name: 'displayName' }),
      encryption: { encryptAssertion: false },
    });
    new SamlApplicationCertificate(this, 'saml_app_wiki_signing_2026', {
      samlApplicationId: wiki.id,
      lifeSpanInYears: 2,
      active: true,
    });

    // ---- hooks -------------------------------------------------------------------------------------------
    const crmToken = secret('crm_webhook_token', 'Bearer token the CRM expects on order events.');
    const orderEvents = new Hook(this, 'hook_order_events', {
      name: named('Order events to the CRM'),
      events: ['PostRegister', 'User.Created', 'Organization.Membership.Updated'],
      url: 'https://crm.acme.example/hooks/logto',
      headers: Fn.jsonencode({ Authorization: `Bearer ${crmToken}` }),
      enabled: true,
    });

    // ---- connectors: the email sender of verification codes, and GitHub sign-in ---------------------------
    const code = (subject: string, what: string) => ({
      contentType: 'text/plain',
      subject,
      content: `Your Acme Shop ${what} code is {{code}}. It expires in 10 minutes.`,
    });
    const mailer = new Connector(this, 'connector_mailer', {
      connectorId: 'simple-mail-transfer-protocol',
      config: Fn.jsonencode({
        host: named('smtp.acme.example'),
        port: 587,
        auth: {
          type: 'login',
          user: 'shop-mailer',
          pass: secret('smtp_password', 'Password of the SMTP account that sends verification codes.'),
        },
        fromEmail: 'no-reply@acme.example',
        templates: [
          { usageType: 'Register', ...code('Welcome to Acme Shop', 'sign-up') },
          { usageType: 'SignIn', ...code('Your Acme Shop sign-in code', 'sign-in') },
          { usageType: 'ForgotPassword', ...code('Reset your Acme Shop password', 'password reset') },
          { usageType: 'Generic', ...code('Your Acme Shop code', 'verification') },
        ],
      }),
    });
    const github = new Connector(this, 'connector_github', {
      connectorId: 'github-universal',
      config: Fn.jsonencode({
        clientId: named('Iv1.acmeshop0000000'),
        clientSecret: secret('github_client_secret', 'Client secret of the GitHub OAuth app users sign in with.'),
        scope: 'read:user user:email',
      }),
    });

    // ---- signInExperience (one per tenant) ----------------------------------------------------------------
    // Passwordless email sign-up (after the email connector: `dependsOn`) and GitHub (its `target`).
    new SignInExperience(this, 'sign_in_experience', {
      dependsOn: [mailer],
      primaryColor: '#0F766E',
      isDarkModeEnabled: true,
      darkPrimaryColor: '#2DD4BF',
      logoUrl: 'https://cdn.acme.example/logo.svg',
      darkLogoUrl: 'https://cdn.acme.example/logo-dark.svg',
      languageAutoDetect: true,
      fallbackLanguage: 'en',
      signInMode: 'SignInAndRegister',
      signUpIdentifiers: ['email'],
      signUpPassword: false,
      signUpVerify: true,
      signIn: Fn.jsonencode({
        methods: [{ identifier: 'email', password: false, verificationCode: true, isPasswordPrimary: false }],
      }),
      socialSignInConnectorTargets: [github.target],
      termsOfUseUrl: 'https://shop.acme.example/terms',
      privacyPolicyUrl: 'https://shop.acme.example/privacy',
      singleSignOnEnabled: true,
      mfaFactors: ['Totp', 'BackupCode'],
      mfaPolicy: 'UserControlled',
    });

    // ---- customProfileFields ----------------------------------------------------------------------------
    // Letters and digits only: the prefix goes in front without a separator.
    const department = new CustomProfileField(this, 'profile_field_department', {
      name: named('department'),
      type: 'Select',
      label: 'Department',
      required: false,
      config: Fn.jsonencode({
        options: [
          { value: 'sales', label: 'Sales' },
          { value: 'support', label: 'Support' },
        ],
      }),
    });
    const nickname = new CustomProfileField(this, 'profile_field_nickname', {
      name: named('nickname'),
      type: 'Text',
      label: 'Nickname',
      description: 'What your colleagues call you',
    });

    // ---- emailTemplates and customPhrases -------------------------------------------------------------
    new EmailTemplate(this, 'email_template_sign_in_en', {
      languageTag: language('en'),
      templateType: 'SignIn',
      subject: 'Your Acme Shop sign-in code is {{code}}',
      contentType: 'text/html',
      content: '<p>Use <strong>{{code}}</strong> to sign in to Acme Shop. The code expires in 10 minutes.</p>\n',
    });
    new EmailTemplate(this, 'email_template_register_en', {
      languageTag: language('en'),
      templateType: 'Register',
      subject: 'Welcome to Acme Shop',
      content: 'Your verification code is {{code}}.',
    });
    new CustomPhrase(this, 'phrases_en', {
      languageTag: 'en',
      translation: Fn.jsonencode({
        action: { sign_in: 'Sign in to Acme Shop', create_account: 'Create your Acme Shop account' },
        input: { email: 'Work or personal email' },
      }),
    });
    new CustomPhrase(this, 'phrases_de', {
      languageTag: 'de',
      translation: Fn.jsonencode({
        action: { sign_in: 'Bei Acme Shop anmelden', create_account: 'Acme-Shop-Konto erstellen' },
      }),
    });

    // ---- jwtCustomizers: extra claims in user access tokens (the script is examples/jwt/access-token.js) --
    new JwtCustomizer(this, 'jwt_access_token', {
      tokenType: 'access-token',
      script: ACCESS_TOKEN_SCRIPT,
      environmentVariables: Fn.jsonencode({ SUPPORT_REGION: 'eu-west' }),
      contextSample: Fn.jsonencode({
        user: {
          id: 'u1',
          roles: [{ id: 'r1', name: 'store-admin', description: 'Staff who manage the catalog', scopes: [] }],
        },
      }),
    });

    // ---- captchaProvider, accountCenter, idTokenConfig, oidcSessionConfig (singletons) ------------------
    new CaptchaProvider(this, 'captcha', {
      type: 'Turnstile',
      siteKey: '0x4AAAAAAAexample',
      secretKey: secret('captcha_secret_key', 'Secret key of the Cloudflare Turnstile widget.'),
    });
    new AccountCenter(this, 'account_center', {
      enabled: true,
      nameAccess: 'Edit',
      avatarAccess: 'Edit',
      emailAccess: 'ReadOnly',
      passwordAccess: 'Edit',
      mfaAccess: 'Edit',
      webauthnRelatedOrigins: ['https://shop.acme.example'],
      deleteAccountUrl: 'https://shop.acme.example/account/delete',
      // The custom profile fields above, in the order the account center shows them.
      profileFields: [department.name, nickname.name],
    });
    new IdTokenConfig(this, 'id_token_config', {
      enabledExtendedClaims: ['roles', 'organizations', 'organization_roles', 'custom_data'],
    });
    new OidcSessionConfig(this, 'oidc_session_config', { ttl: 604_800 });

    new TerraformOutput(this, 'back_office_deploy_secret', { value: deploySecret.value, sensitive: true });
    new TerraformOutput(this, 'order_events_signing_key', { value: orderEvents.signingKey, sensitive: true });
    new TerraformOutput(this, 'wiki_saml_metadata_url', { value: wiki.metadataUrl });
  }
}

/** Builds the app; `outdir` defaults to $CDKTF_OUTDIR or ./cdktf.out, as with `cdktf synth`. */
export function buildApp(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  new AcmeShopTenant(app, 'acme-shop');
  return app;
}

// Run directly (`npx tsx main.ts`, which is also what `cdktf synth` runs through cdktf.json): synthesize.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildApp().synth();
}
