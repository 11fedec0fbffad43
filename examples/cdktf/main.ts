/**
 * The "Acme Shop" tenant of examples/tenant.yaml, as a CDKTF app on the Logto Terraform provider.
 *
 *   npx logto-iac terraform-install ./.terraform-mirror        # once: provider as a filesystem mirror
 *   export TF_CLI_CONFIG_FILE=$PWD/.terraform-mirror/terraform.rc
 *   export LOGTO_ENDPOINT=https://<tenant>.logto.app LOGTO_APP_ID=… LOGTO_APP_SECRET=…
 *   npx cdktf synth            # or compile and run `node main.js`: it calls app.synth() itself
 *   cd cdktf.out/stacks/acme-shop && terraform init && terraform apply
 *
 * In your own project import the constructs from the package: `from 'logto-iac/cdktf'`. This file imports
 * them from the repository so it always builds against the bindings generated in this checkout.
 *
 * Secrets never appear in the synthesized JSON unless you rely on the demo defaults below: set
 * TF_VAR_crm_webhook_token, TF_VAR_github_client_secret and TF_VAR_smtp_password (sensitive Terraform
 * variables) instead. TF_VAR_name_prefix puts a prefix on every
 * name and API identifier, so several copies of this tenant (one per branch or test run) can share one tenant.
 */
import { pathToFileURL } from 'node:url';
import { App, Fn, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import {
  ApiResource,
  ApiResourceScope,
  Application,
  ApplicationRoleAssignment,
  ApplicationSecret,
  Connector,
  Hook,
  LogtoProvider,
  Organization,
  OrganizationRole,
  OrganizationScope,
  Role,
  SignInExperience,
  SsoConnector,
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

export class AcmeShopTenant extends TerraformStack {
  constructor(scope: Construct, name: string) {
    super(scope, name);

    // endpoint, app_id and app_secret come from LOGTO_ENDPOINT, LOGTO_APP_ID and LOGTO_APP_SECRET when
    // terraform runs, so no credential is written into the synthesized stack.
    new LogtoProvider(this, 'logto');

    const namePrefix = new TerraformVariable(this, 'name_prefix', {
      type: 'string',
      default: '',
      description: 'Prefix for every name and API identifier (e.g. "pr42-" for a preview copy of this tenant).',
    });
    /** A name Logto keeps unique (or adopts by), with the prefix. */
    const named = (name: string): string => `${namePrefix.stringValue}${name}`;
    /** An API identifier with the prefix on its path: `https://api.acme-shop.example/<prefix>orders`. */
    const indicatorOf = (indicator: string): string => indicator.replace(/\/([^/]+)$/, `/${namePrefix.stringValue}$1`);
    const crmWebhookToken = new TerraformVariable(this, 'crm_webhook_token', {
      type: 'string',
      sensitive: true,
      default: 'demo-only-token',
      description: 'Bearer token the CRM expects on order events (demo default; set TF_VAR_crm_webhook_token).',
    });

    // ---- API resources and their permissions ---------------------------------------------------
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

    // ---- roles -----------------------------------------------------------------------------------
    new Role(this, 'role_customer', {
      name: named('customer'),
      description: 'Shoppers who place orders',
      type: 'User',
      isDefault: true,
      scopeIds: [scopeId(ORDERS, 'read:orders'), scopeId(ORDERS, 'write:orders'), scopeId(CATALOG, 'read:catalog')],
    });
    new Role(this, 'role_store_admin', {
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

    // ---- applications ----------------------------------------------------------------------------
    new Application(this, 'app_storefront', {
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

    // ---- organization template -------------------------------------------------------------------
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

    // ---- enterprise SSO and the organization that uses it ---------------------------------------
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
    new Organization(this, 'org_globex', {
      name: named('Globex Corporation'),
      description: 'Wholesale customer',
      customData: Fn.jsonencode({ accountManager: 'jane@acme.example' }),
      jitEmailDomains: ['globex.example'],
      jitRoleIds: [orgBuyer.id],
      jitSsoConnectorIds: [globexSaml.id],
    });

    // ---- webhook ----------------------------------------------------------------------------------
    new Hook(this, 'hook_order_events', {
      name: named('Order events to the CRM'),
      events: ['PostRegister', 'User.Created', 'Organization.Membership.Updated'],
      url: 'https://crm.acme.example/hooks/logto',
      headers: Fn.jsonencode({ Authorization: `Bearer ${crmWebhookToken.stringValue}` }),
      enabled: true,
    });

    // ---- connectors: GitHub sign-in and the email sender of verification codes ------------------------
    const githubClientSecret = new TerraformVariable(this, 'github_client_secret', {
      type: 'string',
      sensitive: true,
      default: 'demo-only-github-secret',
      description: 'Client secret of the GitHub OAuth app (demo default; set TF_VAR_github_client_secret).',
    });
    const smtpPassword = new TerraformVariable(this, 'smtp_password', {
      type: 'string',
      sensitive: true,
      default: 'demo-only-smtp-password',
      description: 'Password of the SMTP account that sends codes (demo default; set TF_VAR_smtp_password).',
    });
    const github = new Connector(this, 'connector_github', {
      connectorId: 'github-universal',
      config: Fn.jsonencode({ clientId: named('Iv1.acmeshop'), clientSecret: githubClientSecret.stringValue }),
    });
    const mailer = new Connector(this, 'connector_mailer', {
      connectorId: 'simple-mail-transfer-protocol',
      config: Fn.jsonencode({
        host: named('smtp.acme.example'),
        port: 587,
        auth: { type: 'login', user: 'shop-mailer', pass: smtpPassword.stringValue },
        fromEmail: 'no-reply@acme.example',
        templates: ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
          usageType,
          contentType: 'text/plain',
          subject: 'Your Acme Shop code',
          content: 'Your Acme Shop verification code is {{code}}.',
        })),
      }),
    });

    // ---- sign-in experience (one per tenant) -----------------------------------------------------
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

    new TerraformOutput(this, 'back_office_deploy_secret', { value: deploySecret.value, sensitive: true });
  }
}

/** Builds the app; `outdir` defaults to $CDKTF_OUTDIR or ./cdktf.out, as with `cdktf synth`. */
export function buildApp(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  new AcmeShopTenant(app, 'acme-shop');
  return app;
}

// Run directly (`node main.js` after compiling, or `cdktf synth` through cdktf.json): synthesize.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildApp().synth();
}
