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
 * TF_VAR_globex_oidc_client_secret and TF_VAR_crm_webhook_token (sensitive Terraform variables) instead.
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

    const globexClientSecret = new TerraformVariable(this, 'globex_oidc_client_secret', {
      type: 'string',
      sensitive: true,
      default: 'demo-only-client-secret',
      description: 'Client secret of the Globex OIDC connector (demo default; set TF_VAR_globex_oidc_client_secret).',
    });
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
        indicator,
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
      name: 'customer',
      description: 'Shoppers who place orders',
      type: 'User',
      isDefault: true,
      scopeIds: [scopeId(ORDERS, 'read:orders'), scopeId(ORDERS, 'write:orders'), scopeId(CATALOG, 'read:catalog')],
    });
    new Role(this, 'role_store_admin', {
      name: 'store-admin',
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
      name: 'fulfilment',
      description: 'Back-office services that process orders',
      type: 'MachineToMachine',
      scopeIds: [scopeId(ORDERS, 'read:orders'), scopeId(ORDERS, 'write:orders')],
    });

    // ---- applications ----------------------------------------------------------------------------
    new Application(this, 'app_storefront', {
      name: 'Acme Storefront',
      type: 'SPA',
      description: 'The customer-facing single-page shop',
      redirectUris: ['https://shop.acme.example/callback', 'http://localhost:5173/callback'],
      postLogoutRedirectUris: ['https://shop.acme.example/'],
      corsAllowedOrigins: ['https://shop.acme.example'],
      refreshTokenTtlInDays: 30,
      rotateRefreshToken: true,
    });
    const backOffice = new Application(this, 'app_back_office', {
      name: 'Acme Back Office',
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
      name: 'Fulfilment Service',
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
      orgScopes[name] = new OrganizationScope(this, `org_scope_${idOf(name)}`, { name, description });
    }
    const orgScopeId = (name: string): string => {
      const scope = orgScopes[name];
      if (!scope) throw new Error(`examples/cdktf: no organization scope ${name}`);
      return scope.id;
    };
    new OrganizationRole(this, 'org_role_org_admin', {
      name: 'org-admin',
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
      name: 'org-buyer',
      description: 'Places orders for the business',
      type: 'User',
      organizationScopeIds: [orgScopeId('read:members')],
      resourceScopeIds: [scopeId(ORDERS, 'read:orders'), scopeId(ORDERS, 'write:orders')],
    });

    // ---- enterprise SSO and the organization that uses it ---------------------------------------
    const globexOkta = new SsoConnector(this, 'sso_globex_okta', {
      connectorName: 'globex-okta',
      providerName: 'OIDC',
      config: Fn.jsonencode({
        issuer: 'https://globex.okta.example',
        clientId: 'acme-shop',
        clientSecret: globexClientSecret.stringValue,
        scope: 'openid profile email',
      }),
      domains: ['globex.example'],
      branding: { displayName: 'Globex SSO' },
    });
    new Organization(this, 'org_globex', {
      name: 'Globex Corporation',
      description: 'Wholesale customer',
      customData: Fn.jsonencode({ accountManager: 'jane@acme.example' }),
      jitEmailDomains: ['globex.example'],
      jitRoleIds: [orgBuyer.id],
      jitSsoConnectorIds: [globexOkta.id],
    });

    // ---- webhook ----------------------------------------------------------------------------------
    new Hook(this, 'hook_order_events', {
      name: 'Order events to the CRM',
      events: ['PostRegister', 'User.Created', 'Organization.Membership.Updated'],
      url: 'https://crm.acme.example/hooks/logto',
      headers: Fn.jsonencode({ Authorization: `Bearer ${crmWebhookToken.stringValue}` }),
      enabled: true,
    });

    // ---- sign-in experience (one per tenant) -----------------------------------------------------
    new SignInExperience(this, 'sign_in_experience', {
      primaryColor: '#0F766E',
      isDarkModeEnabled: true,
      darkPrimaryColor: '#2DD4BF',
      logoUrl: 'https://cdn.acme.example/logo.svg',
      darkLogoUrl: 'https://cdn.acme.example/logo-dark.svg',
      languageAutoDetect: true,
      fallbackLanguage: 'en',
      signInMode: 'SignInAndRegister',
      signUpIdentifiers: ['username'],
      signUpPassword: true,
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
