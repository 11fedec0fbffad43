/**
 * The "Acme Shop" tenant of `examples/tenant.yaml`, as a Pulumi program.
 *
 *   pulumi config set logto:endpoint https://<tenant-id>.logto.app
 *   pulumi config set logto:appId <machine-to-machine app id>
 *   pulumi config set --secret logto:appSecret <its secret>
 *   pulumi config set --secret crmWebhookToken <token>            # optional: demo value otherwise
 *   pulumi config set --secret captchaSecretKey <key>             # optional: demo value otherwise
 *   pulumi config set --secret smtpPassword <password>            # optional: demo value otherwise
 *   pulumi config set --secret githubClientSecret <secret>        # optional: demo value otherwise
 *   pulumi config set --secret breakglassPassword <password>      # optional: demo value otherwise
 *   pulumi up
 */
import * as pulumi from '@pulumi/pulumi';
import * as logto from 'logto-iac/pulumi';

const config = new pulumi.Config();

/** A secret from stack config, or a demo-only value (with a warning) so the example runs as is. */
function secretSetting(key: string, demoValue: string): pulumi.Output<string> {
  const value = config.getSecret(key);
  if (value) return value;
  pulumi.log.warn(`config "${key}" is not set: using a demo-only value. Run \`pulumi config set --secret ${key} …\`.`);
  return pulumi.secret(demoValue);
}

// --- APIs and their permissions -------------------------------------------------------------------------
const ordersApi = new logto.ApiResource('orders-api', {
  name: 'Orders API',
  indicator: 'https://api.acme-shop.example/orders',
  accessTokenTtl: 3600,
});
const catalogApi = new logto.ApiResource('catalog-api', {
  name: 'Catalog API',
  indicator: 'https://api.acme-shop.example/catalog',
});

function scope(api: logto.ApiResource, handle: string, name: string, description: string): logto.ApiResourceScope {
  return new logto.ApiResourceScope(handle, { resourceId: api.id, name, description });
}
const readOrders = scope(ordersApi, 'read-orders', 'read:orders', 'Read orders');
const writeOrders = scope(ordersApi, 'write-orders', 'write:orders', 'Create and update orders');
const deleteOrders = scope(ordersApi, 'delete-orders', 'delete:orders', 'Cancel and delete orders');
const readCatalog = scope(catalogApi, 'read-catalog', 'read:catalog', 'Read the product catalog');
const writeCatalog = scope(catalogApi, 'write-catalog', 'write:catalog', 'Edit products and prices');

// --- User roles and a machine-to-machine role ----------------------------------------------------------
new logto.Role('customer', {
  name: 'customer',
  description: 'Shoppers who place orders',
  type: 'User',
  isDefault: true,
  scopeIds: [readOrders.id, writeOrders.id, readCatalog.id],
});
const storeAdmin = new logto.Role('store-admin', {
  name: 'store-admin',
  description: 'Staff who manage the catalog and every order',
  type: 'User',
  scopeIds: [readOrders.id, writeOrders.id, deleteOrders.id, readCatalog.id, writeCatalog.id],
});
const fulfilmentRole = new logto.Role('fulfilment', {
  name: 'fulfilment',
  description: 'Back-office services that process orders',
  type: 'MachineToMachine',
  scopeIds: [readOrders.id, writeOrders.id],
});

// --- Applications -------------------------------------------------------------------------------------------
const storefront = new logto.Application('storefront', {
  name: 'Acme Storefront',
  type: 'SPA',
  description: 'The customer-facing single-page shop',
  redirectUris: ['https://shop.acme.example/callback', 'http://localhost:5173/callback'],
  postLogoutRedirectUris: ['https://shop.acme.example/'],
  corsAllowedOrigins: ['https://shop.acme.example'],
  refreshTokenTtlInDays: 30,
  rotateRefreshToken: true,
});
const backOffice = new logto.Application('back-office', {
  name: 'Acme Back Office',
  type: 'Traditional',
  description: 'Server-rendered admin site for store staff',
  redirectUris: ['https://admin.acme.example/auth/callback'],
  postLogoutRedirectUris: ['https://admin.acme.example/'],
  idTokenTtl: 3600,
  customData: { team: 'operations' },
});
const backOfficeSecret = new logto.ApplicationSecret('back-office-deploy-2026', {
  applicationId: backOffice.id,
  name: 'deploy-2026',
});
const fulfilmentService = new logto.Application('fulfilment-service', {
  name: 'Fulfilment Service',
  type: 'MachineToMachine',
  description: 'Picks, packs and ships orders',
});
new logto.ApplicationRoleAssignment('fulfilment-service-roles', {
  applicationId: fulfilmentService.id,
  roleIds: [fulfilmentRole.id],
});
// A third-party app: a partner's site that signs Acme customers in and asks them for consent.
const partnerPortal = new logto.Application('partner-portal', {
  name: 'Partner Portal',
  type: 'Traditional',
  isThirdParty: true,
  redirectUris: ['https://partners.example/callback'],
});
// App-level branding: over the sign-in page for a first-party app, on the consent page for a third-party one.
new logto.ApplicationSignInExperience('storefront-branding', {
  applicationId: storefront.id,
  logoUrl: 'https://cdn.acme.example/storefront-logo.png',
  primaryColor: '#e4572e',
});
new logto.ApplicationSignInExperience('partner-portal-consent-page', {
  applicationId: partnerPortal.id,
  displayName: 'Partner Portal by Globex',
  termsOfUseUrl: 'https://partners.example/terms',
  privacyPolicyUrl: 'https://partners.example/privacy',
});

// --- Organization template: scopes and roles ----------------------------------------------------------------
const readMembers = new logto.OrganizationScope('read-members', {
  name: 'read:members',
  description: 'See who is in the organization',
});
const inviteMembers = new logto.OrganizationScope('invite-members', {
  name: 'invite:members',
  description: 'Invite new members',
});
const manageBilling = new logto.OrganizationScope('manage-billing', {
  name: 'manage:billing',
  description: 'Change the plan and payment details',
});
new logto.ApplicationUserConsentScopes('partner-portal-consent', {
  applicationId: partnerPortal.id,
  userScopes: ['profile', 'email', 'urn:logto:scope:organizations'],
  resourceScopeIds: [readOrders.id],
  organizationScopeIds: [readMembers.id],
});
new logto.OrganizationRole('org-admin', {
  name: 'org-admin',
  description: 'Administers a business account',
  type: 'User',
  organizationScopeIds: [readMembers.id, inviteMembers.id, manageBilling.id],
  resourceScopeIds: [readOrders.id, writeOrders.id, deleteOrders.id],
});
const orgBuyer = new logto.OrganizationRole('org-buyer', {
  name: 'org-buyer',
  description: 'Places orders for the business',
  type: 'User',
  organizationScopeIds: [readMembers.id],
  resourceScopeIds: [readOrders.id, writeOrders.id],
});

// --- Enterprise SSO and an organization that uses it ----------------------------------------------------
// SAML with the IdP's details inline: Logto checks an SSO connector's config when it is written (an OIDC issuer
// must serve its discovery document), so this applies without reaching the IdP. The certificate is public.
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
const globexSaml = new logto.SsoConnector('globex-saml', {
  providerName: 'SAML',
  connectorName: 'globex-saml',
  config: {
    entityId: 'https://idp.globex.example/saml',
    signInEndpoint: 'https://idp.globex.example/saml/sso',
    x509Certificate: GLOBEX_IDP_CERTIFICATE,
    attributeMapping: { id: 'nameID', email: 'email', name: 'displayName' },
  },
  domains: ['globex.example'],
  branding: { displayName: 'Globex SSO' },
});
const globex = new logto.Organization('globex', {
  name: 'Globex Corporation',
  description: 'Wholesale customer',
  customData: { accountManager: 'jane@acme.example' },
  jitEmailDomains: ['globex.example'],
  jitRoleIds: [orgBuyer.id],
  jitSsoConnectorIds: [globexSaml.id],
});

// The fulfilment service acts inside Globex's organization with a machine-to-machine organization role.
const orgIntegration = new logto.OrganizationRole('org-integration', {
  name: 'org-integration',
  description: 'A back-office service acting for the business',
  type: 'MachineToMachine',
  resourceScopeIds: [readOrders.id],
});
new logto.OrganizationApplication('fulfilment-at-globex', {
  organizationId: globex.id,
  applicationId: fulfilmentService.id,
  organizationRoleIds: [orgIntegration.id],
});

// --- SAML application: Logto as the identity provider of the staff wiki -------------------------------------
// Logto creates a signing certificate with the app; this one takes over as the active one (the private key
// stays in Logto). Give the wiki the metadataUrl output.
const wiki = new logto.SamlApplication('wiki', {
  name: 'Acme Wiki',
  description: 'Staff wiki, signs in with SAML',
  entityId: 'https://wiki.acme.example/saml/metadata',
  acsUrl: 'https://wiki.acme.example/saml/acs',
  nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  attributeMapping: { email: 'mail', name: 'displayName' },
  encryption: { encryptAssertion: false },
});
new logto.SamlApplicationCertificate('wiki-signing', { samlApplicationId: wiki.id, lifeSpanInYears: 2, active: true });

// --- Accounts the configuration needs (not end users) ----------------------------------------------------------
// The password is write-only: set on create and whenever the secret's value changes, never read back.
new logto.User('ops-breakglass', {
  username: 'ops_breakglass',
  primaryEmail: 'breakglass@acme-shop.example',
  name: 'Break-glass administrator',
  password: secretSetting('breakglassPassword', 'demo-only-Breakglass-2026'),
  customData: { purpose: 'emergency access when single sign-on is down' },
  roleIds: [storeAdmin.id],
});
// A test account for Globex's buyer flows, a member of Globex with the buyer organization role.
const qaBuyer = new logto.User('qa-globex-buyer', {
  username: 'qa_globex_buyer',
  primaryEmail: 'qa-buyer@acme-shop.example',
  name: 'QA buyer at Globex',
});
new logto.OrganizationUser('qa-buyer-at-globex', {
  organizationId: globex.id,
  userId: qaBuyer.id,
  organizationRoleIds: [orgBuyer.id],
});

// --- Webhook --------------------------------------------------------------------------------------------------
const orderEvents = new logto.Hook('order-events', {
  name: 'Order events to the CRM',
  events: ['PostRegister', 'User.Created', 'Organization.Membership.Updated'],
  url: 'https://crm.acme.example/hooks/logto',
  headers: { Authorization: pulumi.interpolate`Bearer ${secretSetting('crmWebhookToken', 'demo-only-token')}` },
  enabled: true,
});

// --- Connectors: the email sender for verification codes, and GitHub sign-in ---------------------------
const code = (usageType: string, subject: string, what: string) => ({
  usageType,
  contentType: 'text/plain',
  subject,
  content: `Your Acme Shop ${what} code is {{code}}. It expires in 10 minutes.`,
});
const verificationTemplates = [
  code('Register', 'Welcome to Acme Shop', 'sign-up'),
  code('SignIn', 'Your Acme Shop sign-in code', 'sign-in'),
  code('ForgotPassword', 'Reset your Acme Shop password', 'password reset'),
  code('Generic', 'Your Acme Shop code', 'verification'),
];
const mailer = new logto.Connector('mailer', {
  connectorId: 'simple-mail-transfer-protocol',
  config: {
    host: 'smtp.acme.example',
    port: 587,
    auth: { type: 'login', user: 'shop-mailer', pass: secretSetting('smtpPassword', 'demo-only-smtp-password') },
    fromEmail: 'no-reply@acme.example',
    templates: verificationTemplates,
  },
});
const github = new logto.Connector('github', {
  connectorId: 'github-universal',
  config: {
    clientId: 'Iv1.acmeshop0000000',
    clientSecret: secretSetting('githubClientSecret', 'demo-only-github-secret'),
    scope: 'read:user user:email',
  },
});

// --- Sign-in experience (a singleton: adopted, never deleted) ---------------------------------------------
// Passwordless: sign up and sign in with an emailed code, or with GitHub. `github.target` orders the GitHub
// connector first; sign-up by email refers to no resource, so `dependsOn` orders the email connector.
new logto.SignInExperience(
  'sign-in',
  {
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
    signIn: { methods: [{ identifier: 'email', password: false, verificationCode: true, isPasswordPrimary: false }] },
    socialSignInConnectorTargets: [github.target],
    termsOfUseUrl: 'https://shop.acme.example/terms',
    privacyPolicyUrl: 'https://shop.acme.example/privacy',
    singleSignOnEnabled: true,
    mfaFactors: ['Totp', 'BackupCode'],
    mfaPolicy: 'UserControlled',
  },
  { dependsOn: [mailer] },
);

// --- Profile fields, account center, tokens and sessions -------------------------------------------------
const department = new logto.CustomProfileField('department', {
  name: 'department',
  type: 'Select',
  label: 'Department',
  required: false,
  config: {
    options: [
      { value: 'sales', label: 'Sales' },
      { value: 'support', label: 'Support' },
    ],
  },
});
const nickname = new logto.CustomProfileField('nickname', {
  name: 'nickname',
  type: 'Text',
  label: 'Nickname',
  description: 'What your colleagues call you',
});

new logto.EmailTemplate('sign-in-en', {
  languageTag: 'en',
  templateType: 'SignIn',
  subject: 'Your Acme Shop sign-in code is {{code}}',
  contentType: 'text/html',
  content: '<p>Use <strong>{{code}}</strong> to sign in to Acme Shop. The code expires in 10 minutes.</p>\n',
});
new logto.EmailTemplate('register-en', {
  languageTag: 'en',
  templateType: 'Register',
  subject: 'Welcome to Acme Shop',
  content: 'Your verification code is {{code}}.',
});

new logto.CustomPhrase('phrases-en', {
  languageTag: 'en',
  translation: {
    action: { sign_in: 'Sign in to Acme Shop', create_account: 'Create your Acme Shop account' },
    input: { email: 'Work or personal email' },
  },
});
new logto.CustomPhrase('phrases-de', {
  languageTag: 'de',
  translation: { action: { sign_in: 'Bei Acme Shop anmelden', create_account: 'Acme-Shop-Konto erstellen' } },
});

// Extra claims in user access tokens; the script could as well be read from its own .js file.
new logto.JwtCustomizer('access-token-claims', {
  tokenType: 'access-token',
  script: `const getCustomJwtClaims = async ({ context, environmentVariables }) => {
  const roles = (context.user.roles ?? []).map((role) => role.name);
  return { shop_tier: roles.includes('store-admin') ? 'staff' : 'customer', support_region: environmentVariables.SUPPORT_REGION };
};`,
  environmentVariables: { SUPPORT_REGION: 'eu-west' },
  contextSample: {
    user: {
      id: 'u1',
      roles: [{ id: 'r1', name: 'store-admin', description: 'Staff who manage the catalog', scopes: [] }],
    },
  },
});

new logto.CaptchaProvider('captcha', {
  type: 'Turnstile',
  siteKey: '0x4AAAAAAAexample',
  secretKey: secretSetting('captchaSecretKey', 'demo-only-captcha-secret'),
});

new logto.AccountCenter('account-center', {
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

new logto.IdTokenConfig('id-token', {
  enabledExtendedClaims: ['roles', 'organizations', 'organization_roles', 'custom_data'],
});

new logto.OidcSessionConfig('session', { ttl: 604_800 });

// --- Stack outputs (secrets stay encrypted: `pulumi stack output --show-secrets` to read them) -------------
export const storefrontClientId = storefront.id;
export const backOfficeClientId = backOffice.id;
export const backOfficeClientSecret = backOfficeSecret.value;
export const fulfilmentClientId = fulfilmentService.id;
export const fulfilmentClientSecret = fulfilmentService.defaultSecret;
export const orderEventsSigningKey = orderEvents.signingKey;
export const wikiSamlMetadataUrl = wiki.metadataUrl;
