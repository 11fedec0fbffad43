import { samlIdpConfig } from '../support/idp.js';
import { prefixedLanguageTag } from '../support/target.js';
/**
 * Per-kind scenarios for the engine-level tests: a valid spec, an out-of-band change (made through the API),
 * a change of desired state, a change of an immutable field (replace) and an invalid argument.
 */
export type Bag = Record<string, unknown>;
export type Ids = Record<string, string>;

export interface Dependency {
  /** Name the spec functions use to look the id up. */
  name: string;
  kind: string;
  spec: (ids: Ids) => Bag;
}

export interface Fixture {
  kind: string;
  deps?: Dependency[];
  spec: (ids: Ids) => Bag;
  /** Made behind Pulumi's back, through the API (must differ from `spec`), or the object deleted there. */
  drift: ((ids: Ids) => Bag) | 'deleted';
  /** The user's next desired change (an update in place), where the type has a mutable field. */
  change?: (ids: Ids) => Bag;
  /** A change of immutable fields: the engine must replace. */
  replace?: { fields: (ids: Ids) => Bag; deleteBeforeReplace: boolean };
  /** An argument check must reject, and the property it must name. */
  invalid: { args: (ids: Ids) => Bag; property: string };
  /** Singletons are adopted, never deleted. */
  singleton?: boolean;
  /**
   * For types whose object outlives the resource (a role assignment is the app's role set): what `read`
   * shows after delete, instead of "gone".
   */
  afterDelete?: (props: Bag) => void;
}

/**
 * The scenarios, with every created name carrying the run's prefix (read when a scenario runs), so a run
 * against a real Logto can clean up after itself.
 */
export function fixturesFor(prefix: () => string, issuer: () => string): Fixture[] {
  const run = () =>
    prefix()
      .replace(/[^a-z0-9]/gi, '')
      .toLowerCase();
  const n = (name: string) => `${prefix()}pulumi-${name}`;
  /** Custom profile field names: letters and digits only. */
  const alnum = (name: string) => `${prefix()}pulumi${name.replace(/[^a-z0-9]/gi, '')}`;
  const inThirtyDays = Date.now() + 30 * 86_400_000;

  return [
    {
      kind: 'ApiResource',
      spec: () => ({ name: n('api'), indicator: `https://${run()}.api.example.com`, accessTokenTtl: 3600 }),
      drift: () => ({ name: n('api-drifted') }),
      change: () => ({ accessTokenTtl: 7200 }),
      replace: { fields: () => ({ indicator: `https://${run()}.api2.example.com` }), deleteBeforeReplace: false },
      invalid: { args: () => ({ name: 'x', indicator: 'not a uri' }), property: 'indicator' },
    },
    {
      kind: 'ApiResourceScope',
      deps: [
        {
          name: 'api',
          kind: 'ApiResource',
          spec: () => ({ name: n('scope-api'), indicator: `https://${run()}.scopes.example.com` }),
        },
        {
          name: 'api2',
          kind: 'ApiResource',
          spec: () => ({ name: n('scope-api2'), indicator: `https://${run()}.scopes2.example.com` }),
        },
      ],
      spec: (ids) => ({ resourceId: ids.api, name: 'read:orders', description: 'Read orders' }),
      drift: () => ({ description: 'changed elsewhere' }),
      change: () => ({ description: 'Read all orders' }),
      replace: { fields: (ids) => ({ resourceId: ids.api2 }), deleteBeforeReplace: false },
      invalid: { args: (ids) => ({ resourceId: ids.api, name: 'has space' }), property: 'name' },
    },
    {
      kind: 'Role',
      deps: [
        {
          name: 'api',
          kind: 'ApiResource',
          spec: () => ({ name: n('role-api'), indicator: `https://${run()}.roles.example.com` }),
        },
        { name: 'read', kind: 'ApiResourceScope', spec: (ids) => ({ resourceId: ids.api, name: 'read' }) },
        { name: 'write', kind: 'ApiResourceScope', spec: (ids) => ({ resourceId: ids.api, name: 'write' }) },
      ],
      spec: (ids) => ({ name: n('role'), description: 'Support staff', type: 'User', scopeIds: [ids.read] }),
      drift: (ids) => ({ scopeIds: [ids.read, ids.write] }),
      change: (ids) => ({ description: 'Support team', scopeIds: [ids.write] }),
      // Same name, new type: the old role must go first or the name collides.
      replace: { fields: () => ({ type: 'MachineToMachine' }), deleteBeforeReplace: true },
      invalid: { args: () => ({ name: n('bad'), description: 'x', type: 'Robot' }), property: 'type' },
    },
    {
      kind: 'OrganizationScope',
      spec: () => ({ name: n('read:members'), description: 'Read members' }),
      drift: () => ({ description: 'edited in the console' }),
      change: () => ({ description: 'Read the member list' }),
      invalid: { args: () => ({ name: '' }), property: 'name' },
    },
    {
      kind: 'OrganizationRole',
      deps: [
        { name: 'scope1', kind: 'OrganizationScope', spec: () => ({ name: n('org-scope-1') }) },
        { name: 'scope2', kind: 'OrganizationScope', spec: () => ({ name: n('org-scope-2') }) },
      ],
      spec: (ids) => ({ name: n('org-admin'), description: 'Admin', organizationScopeIds: [ids.scope1] }),
      drift: (ids) => ({ organizationScopeIds: [ids.scope2] }),
      change: (ids) => ({ organizationScopeIds: [ids.scope1, ids.scope2] }),
      invalid: { args: () => ({ name: n('org-bad'), type: 'Robot' }), property: 'type' },
    },
    {
      kind: 'Organization',
      spec: () => ({ name: n('acme'), description: 'Acme Inc.', customData: { tier: 'gold' } }),
      drift: () => ({ customData: { tier: 'silver' } }),
      change: () => ({ description: 'Acme Incorporated', isMfaRequired: true }),
      invalid: {
        args: () => ({ name: n('bad-org'), color: { primaryColor: 'blue' } }),
        property: 'color.primaryColor',
      },
    },
    {
      kind: 'Hook',
      spec: () => ({
        name: n('hook'),
        events: ['User.Created', 'User.Deleted'],
        url: 'https://hooks.example.com/logto',
        headers: { authorization: 'Bearer canary-hook-header-secret' },
      }),
      drift: () => ({ url: 'https://evil.example.com/logto' }),
      change: () => ({ events: ['User.Created'], enabled: false }),
      invalid: {
        args: () => ({ name: n('bad-hook'), events: [], url: 'https://hooks.example.com' }),
        property: 'events',
      },
    },
    {
      kind: 'SsoConnector',
      spec: () => ({
        providerName: 'OIDC',
        connectorName: n('sso'),
        config: { issuer: issuer(), clientId: 'client', clientSecret: 'canary-sso-client-secret' },
        domains: ['corp.example.com'],
      }),
      drift: () => ({ domains: ['other.example.com'] }),
      change: () => ({ domains: ['corp.example.com', 'eu.corp.example.com'], syncProfile: true }),
      replace: { fields: () => ({ providerName: 'SAML', config: samlIdpConfig() }), deleteBeforeReplace: true },
      invalid: { args: () => ({ providerName: 'Kerberos', connectorName: n('bad-sso') }), property: 'providerName' },
    },
    {
      kind: 'Application',
      spec: () => ({
        name: n('web'),
        type: 'Traditional',
        redirectUris: ['https://app.example.com/callback'],
        postLogoutRedirectUris: ['https://app.example.com'],
      }),
      drift: () => ({ redirectUris: ['https://evil.example.com/callback'] }),
      change: () => ({ description: 'Customer portal', rotateRefreshToken: true }),
      // No natural key (names may repeat): create the replacement first.
      replace: { fields: () => ({ type: 'SPA' }), deleteBeforeReplace: false },
      invalid: {
        args: () => ({ name: n('bad-app'), type: 'MachineToMachine', isThirdParty: true }),
        property: 'isThirdParty',
      },
    },
    {
      kind: 'SignInExperience',
      singleton: true,
      spec: () => ({ primaryColor: '#5b3ff0', signInMode: 'SignInAndRegister' }),
      drift: () => ({ primaryColor: '#000000' }),
      change: () => ({ isDarkModeEnabled: true, darkPrimaryColor: '#8c75ff' }),
      invalid: { args: () => ({ primaryColor: 'blue' }), property: 'primaryColor' },
    },
    {
      kind: 'CustomProfileField',
      spec: () => ({ name: alnum('dept'), type: 'Text', label: 'Department' }),
      drift: () => ({ label: 'Changed by hand' }),
      change: () => ({ type: 'Number', description: 'Years in the company' }),
      // The name is the key and the id: a new name is a new field, created next to the old one first.
      replace: { fields: () => ({ name: alnum('dept2') }), deleteBeforeReplace: false },
      invalid: { args: () => ({ name: alnum('badfield'), type: 'Colour' }), property: 'type' },
    },
    {
      kind: 'EmailTemplate',
      spec: () => ({
        languageTag: prefixedLanguageTag(prefix(), 'en'),
        templateType: 'SignIn',
        subject: 'Code {{code}}',
        content: '<p>{{code}}</p>',
      }),
      drift: () => ({ subject: 'Changed by hand' }),
      change: () => ({ contentType: 'text/html', sendFrom: 'Acme' }),
      // Language and type are the key: another type is another template, created next to the old one first.
      replace: { fields: () => ({ templateType: 'Register' }), deleteBeforeReplace: false },
      invalid: {
        args: () => ({ languageTag: 'english', templateType: 'SignIn', subject: 'S', content: 'C' }),
        property: 'languageTag',
      },
    },
    {
      // Keyed by a real language (Logto accepts no other): the run's prefix is in a phrase instead.
      kind: 'CustomPhrase',
      spec: () => ({ languageTag: 'ko', translation: { action: { sign_in: `로그인 ${prefix()}` } } }),
      drift: () => ({ translation: { action: { sign_in: '손으로 바꿈' } } }),
      change: () => ({ translation: { action: { sign_in: `로그인 ${prefix()}`, confirm: '확인' } } }),
      replace: { fields: () => ({ languageTag: 'ja' }), deleteBeforeReplace: false },
      invalid: {
        args: () => ({ languageTag: 'ko', translation: { action: { submit: 'x' } } }),
        property: 'translation.action.submit',
      },
    },
    {
      // A standard factory's connector: its target is run-unique, so a shared tenant has room for it.
      kind: 'Connector',
      spec: () => ({
        connectorId: 'oidc',
        target: `${prefix()}idp`,
        displayName: 'Acme SSO',
        config: {
          authorizationEndpoint: 'https://idp.example.com/authorize',
          tokenEndpoint: 'https://idp.example.com/token',
          clientId: `${prefix()}client`,
          clientSecret: `${prefix()}-canary-connector-secret`,
          scope: 'openid',
          idTokenVerificationConfig: { jwksUri: 'https://idp.example.com/jwks' },
        },
      }),
      drift: () => ({ displayName: 'Changed by hand' }),
      change: () => ({ logo: 'https://acme.example.com/logo.png', syncProfile: true }),
      // The target is fixed at creation: a new one is another connector, created next to the old one first.
      replace: { fields: () => ({ target: `${prefix()}idp2` }), deleteBeforeReplace: false },
      invalid: { args: () => ({ connectorId: 'oidc', config: {} }), property: 'target' },
    },
    {
      // One per token type: the run's prefix is in a comment of the script.
      kind: 'JwtCustomizer',
      spec: () => ({
        tokenType: 'client-credentials',
        script: `// ${prefix()}\nconst getCustomJwtClaims = async () => ({ tier: 'm2m' });`,
      }),
      drift: () => ({ script: `// ${prefix()} by hand\nconst getCustomJwtClaims = async () => ({});` }),
      change: () => ({ environmentVariables: { TIER: 'gold' }, blockIssuanceOnError: true }),
      replace: { fields: () => ({ tokenType: 'access-token' }), deleteBeforeReplace: false },
      invalid: { args: () => ({ tokenType: 'client-credentials', script: 'const x = ;' }), property: 'script' },
    },
    {
      kind: 'CaptchaProvider',
      singleton: true,
      spec: () => ({ type: 'Turnstile', siteKey: 'site-pulumi', secretKey: `${prefix()}-canary-captcha-secret` }),
      drift: () => ({ siteKey: 'site-by-hand' }),
      change: () => ({ type: 'RecaptchaEnterprise', projectId: 'acme', mode: 'invisible' }),
      invalid: { args: () => ({ type: 'RecaptchaEnterprise', siteKey: 's', secretKey: 'x' }), property: 'projectId' },
    },
    {
      kind: 'AccountCenter',
      singleton: true,
      spec: () => ({ enabled: true, nameAccess: 'Edit' }),
      drift: () => ({ nameAccess: 'ReadOnly' }),
      change: () => ({ emailAccess: 'Edit', customCss: '.account{}' }),
      invalid: { args: () => ({ nameAccess: 'Write' }), property: 'nameAccess' },
    },
    {
      kind: 'IdTokenConfig',
      singleton: true,
      spec: () => ({ enabledExtendedClaims: ['custom_data', 'roles'] }),
      drift: () => ({ enabledExtendedClaims: ['roles'] }),
      change: () => ({ enabledExtendedClaims: ['organizations', 'roles'] }),
      invalid: { args: () => ({ enabledExtendedClaims: ['email'] }), property: 'enabledExtendedClaims.0' },
    },
    {
      kind: 'OidcSessionConfig',
      singleton: true,
      spec: () => ({ ttl: 86_400 }),
      drift: () => ({ ttl: 3600 }),
      change: () => ({ ttl: 7200 }),
      invalid: { args: () => ({ ttl: 0 }), property: 'ttl' },
    },
    {
      kind: 'SamlApplication',
      spec: () => ({
        name: n('saml'),
        entityId: 'https://sp.example.com/saml/metadata',
        acsUrl: 'https://sp.example.com/saml/acs',
        attributeMapping: { email: 'mail' },
      }),
      drift: () => ({ entityId: 'https://other.example.com/saml' }),
      change: () => ({ nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' }),
      invalid: {
        args: () => ({ name: n('bad-saml'), attributeMapping: { mail: 'email' } }),
        property: 'attributeMapping.mail',
      },
    },
    {
      kind: 'SamlApplicationCertificate',
      deps: [{ name: 'app', kind: 'SamlApplication', spec: () => ({ name: n('saml-cert-app') }) }],
      spec: (ids) => ({ samlApplicationId: ids.app, lifeSpanInYears: 2, active: true }),
      drift: () => ({ active: false }),
      change: () => ({ active: false }),
      replace: { fields: () => ({ lifeSpanInYears: 1 }), deleteBeforeReplace: false },
      invalid: { args: (ids) => ({ samlApplicationId: ids.app, lifeSpanInYears: 0 }), property: 'lifeSpanInYears' },
    },
    {
      kind: 'ApplicationSecret',
      deps: [{ name: 'app', kind: 'Application', spec: () => ({ name: n('secret-app'), type: 'MachineToMachine' }) }],
      spec: (ids) => ({ applicationId: ids.app, name: 'ci-deploy' }),
      // Secrets have no mutable field that keeps their id: the out-of-band change is a deletion.
      drift: 'deleted',
      replace: { fields: () => ({ expiresAt: inThirtyDays }), deleteBeforeReplace: true },
      invalid: { args: () => ({ name: 'no-app' }), property: 'applicationId' },
    },
    {
      kind: 'ApplicationRoleAssignment',
      deps: [
        { name: 'app', kind: 'Application', spec: () => ({ name: n('m2m-1'), type: 'MachineToMachine' }) },
        { name: 'app2', kind: 'Application', spec: () => ({ name: n('m2m-2'), type: 'MachineToMachine' }) },
        {
          name: 'r1',
          kind: 'Role',
          spec: () => ({ name: n('m2m-role-1'), description: 'r1', type: 'MachineToMachine' }),
        },
        {
          name: 'r2',
          kind: 'Role',
          spec: () => ({ name: n('m2m-role-2'), description: 'r2', type: 'MachineToMachine' }),
        },
      ],
      spec: (ids) => ({ applicationId: ids.app, roleIds: [ids.r1] }),
      drift: (ids) => ({ roleIds: [ids.r1, ids.r2] }),
      change: (ids) => ({ roleIds: [ids.r2] }),
      replace: { fields: (ids) => ({ applicationId: ids.app2 }), deleteBeforeReplace: false },
      invalid: { args: (ids) => ({ roleIds: [ids.r1] }), property: 'applicationId' },
      afterDelete: (props) => {
        if (JSON.stringify(props.roleIds) !== '[]')
          throw new Error(`roles left after delete: ${JSON.stringify(props.roleIds)}`);
      },
    },
  ];
}
