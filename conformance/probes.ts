/**
 * The probes: request sequences sent alike to two servers. Each covers a route family the resource modules
 * use or a statement of docs/logto-behaviour.md (`behaviour` names its sections); each deletes what it creates
 * and puts back any setting it changes, so it can run against a shared real tenant.
 */
import { type Answer, type AnswerOptions, type Api, answer, type Reply } from './wire.js';

export interface ProbeEnv {
  /** Run-unique, letters and digits only: every created name carries it. */
  prefix: string;
  /** An OIDC issuer on loopback that serves a discovery document. */
  issuer: string;
  /** A loopback URL where nothing answers. */
  deadIssuer: string;
  /** A public PEM certificate for SAML connectors. */
  certificate: string;
}

export interface Probe {
  name: string;
  /** The headings of docs/logto-behaviour.md the probe checks (`#pagination`), and what it sends. */
  behaviour: string;
  run(api: Api, env: ProbeEnv): Promise<Answer[]>;
}

type Row = { id: string; name?: string };

/** Send, record, and return the reply (for ids of created objects). */
function recorder(api: Api) {
  const answers: Answer[] = [];
  const send = async (method: string, path: string, body?: unknown, label?: string, options?: AnswerOptions) => {
    const reply = await api.call(method, path, body);
    answers.push(answer(label ?? `${method} ${path}`, reply, options));
    return reply;
  };
  return { answers, send };
}

const idOf = (reply: Reply) => (reply.json as Row | undefined)?.id ?? '';

export const PROBES: Probe[] = [
  {
    name: 'not found',
    behaviour: '#not-found-codes, #error-bodies: every 404 is exactly {code, message}',
    async run(api) {
      const { answers, send } = recorder(api);
      for (const route of ['/roles', '/applications', '/resources', '/organizations', '/organization-roles', '/organization-scopes', '/sso-connectors', '/hooks', '/custom-profile-fields'])
        await send('GET', `${route}/nonexistent123`);
      await send('DELETE', '/roles/nonexistent123');
      await send('PATCH', '/hooks/nonexistent123', { name: 'x' });
      await send('DELETE', '/hooks/nonexistent123');
      await send('PATCH', '/hooks/nonexistent123/signing-key');
      await send('PUT', '/custom-profile-fields/nonexistent123', { type: 'Text', required: false });
      return answers;
    }, // biome-ignore format: a list of routes
  },
  {
    name: 'auth',
    behaviour: '#authentication-and-tokens, #error-bodies: 401 bodies',
    async run(api) {
      const answers: Answer[] = [];
      for (const [label, authorization] of [
        ['no Authorization', ''],
        ['Basic scheme', 'Basic abc'],
      ]) {
        const reply = await api.call('GET', '/roles', undefined, { authorization: authorization as string });
        answers.push(answer(`GET /roles (${label})`, reply));
      }
      return answers;
    },
  },
  {
    name: 'pagination',
    behaviour: '#pagination, #headers, #error-bodies: headers, Link rels, invalid parameters',
    async run(api, env) {
      const { answers, send } = recorder(api);
      const made: string[] = [];
      for (const n of [1, 2, 3]) made.push(idOf(await send('POST', '/organization-scopes', { name: `${env.prefix}page${n}` }, 'POST /organization-scopes')));
      await send('GET', '/organization-scopes?page=1&page_size=1', undefined, 'GET /organization-scopes?page=1&page_size=1');
      for (const q of ['page_size=0', 'page_size=101', 'page=abc', 'page=0']) await send('GET', `/roles?${q}`);
      // Order of a list: the probe's own rows, in the order the server lists them.
      const listed = await api.call('GET', '/organization-scopes');
      const mine = ((listed.json as Row[]) ?? []).filter((r) => r.name?.startsWith(env.prefix)).map((r) => r.name!.slice(env.prefix.length));
      answers.push({ request: 'GET /organization-scopes (order of created rows)', status: listed.status, body: mine, headers: {} });
      for (const id of made) await send('DELETE', `/organization-scopes/${id}`, undefined, 'DELETE /organization-scopes/:id');
      return answers;
    }, // biome-ignore format: compact
  },
  {
    name: 'roles and scopes',
    behaviour:
      '#api-resources-and-scopes, #roles, #relations, #error-bodies: 422 duplicates, guard errors, relation answers',
    async run(api, env) {
      const { answers, send } = recorder(api);
      await send('POST', '/roles', { name: '', description: 1 }, 'POST /roles (invalid body)');
      const resource = await send('POST', '/resources', { name: `${env.prefix}api`, indicator: `https://${env.prefix}.conformance.example` }, 'POST /resources');
      const rid = idOf(resource);
      const scope = await send('POST', `/resources/${rid}/scopes`, { name: 'read', description: 'Read' }, 'POST /resources/:id/scopes');
      await send('POST', `/resources/${rid}/scopes`, { name: 'read' }, 'POST /resources/:id/scopes (duplicate)');
      await send('POST', `/resources/${rid}/scopes`, { name: 'has space' }, 'POST /resources/:id/scopes (space)');
      const role = await send('POST', '/roles', { name: `${env.prefix}role`, description: 'd' }, 'POST /roles');
      await send('POST', '/roles', { name: `${env.prefix}role`, description: 'd' }, 'POST /roles (duplicate)');
      await send('POST', `/roles/${idOf(role)}/scopes`, { scopeIds: [idOf(scope)] }, 'POST /roles/:id/scopes');
      await send('POST', `/roles/${idOf(role)}/scopes`, { scopeIds: [idOf(scope)] }, 'POST /roles/:id/scopes (again)');
      await send('GET', `/roles/${idOf(role)}/scopes`, undefined, 'GET /roles/:id/scopes');
      await send('POST', `/roles/${idOf(role)}/scopes`, { scopeIds: ['management-api-all'] }, 'POST /roles/:id/scopes (management API scope on a User role)');
      await send('PATCH', `/roles/${idOf(role)}`, {}, 'PATCH /roles/:id {}');
      await send('DELETE', `/roles/${idOf(role)}`, undefined, 'DELETE /roles/:id');
      await send('DELETE', `/resources/${rid}`, undefined, 'DELETE /resources/:id');
      return answers;
    }, // biome-ignore format: compact
  },
  {
    name: 'applications',
    behaviour: '#applications, #application-secrets, #application-roles: types, secrets, roles of a non-M2M app',
    async run(api, env) {
      const { answers, send } = recorder(api);
      const spa = await send('POST', '/applications', { name: `${env.prefix}spa`, type: 'SPA', oidcClientMetadata: { redirectUris: ['https://a.example/cb'], postLogoutRedirectUris: [] } }, 'POST /applications (SPA)');
      await send('GET', `/applications/${idOf(spa)}`, undefined, 'GET /applications/:id');
      await send('PATCH', `/applications/${idOf(spa)}`, { description: 'x' }, 'PATCH /applications/:id');
      await send('GET', `/applications/${idOf(spa)}/roles`, undefined, 'GET /applications/:id/roles (SPA)');
      const web = await send('POST', '/applications', { name: `${env.prefix}web`, type: 'Traditional', oidcClientMetadata: { redirectUris: ['https://a.example/cb'], postLogoutRedirectUris: [] } }, 'POST /applications (Traditional)');
      await send('GET', `/applications/${idOf(web)}/secrets`, undefined, 'GET /applications/:id/secrets');
      await send('POST', `/applications/${idOf(web)}/secrets`, { name: 'Default secret' }, 'POST /applications/:id/secrets (duplicate name)');
      for (const app of [spa, web]) await send('DELETE', `/applications/${idOf(app)}`, undefined, 'DELETE /applications/:id');
      return answers;
    }, // biome-ignore format: compact
  },
  {
    name: 'organizations',
    behaviour: '#organization-scopes-and-roles, #organizations, #relations: org scopes, roles, JIT, applications',
    async run(api, env) {
      const { answers, send } = recorder(api);
      const scope = await send('POST', '/organization-scopes', { name: `${env.prefix}orgscope` }, 'POST /organization-scopes');
      const role = await send('POST', '/organization-roles', { name: `${env.prefix}orgrole`, organizationScopeIds: [idOf(scope)] }, 'POST /organization-roles');
      await send('GET', `/organization-roles/${idOf(role)}/scopes`, undefined, 'GET /organization-roles/:id/scopes');
      const org = await send('POST', '/organizations', { name: `${env.prefix}org` }, 'POST /organizations');
      await send('POST', `/organizations/${idOf(org)}/jit/roles`, { organizationRoleIds: [idOf(role)] }, 'POST /organizations/:id/jit/roles');
      await send('GET', `/organizations/${idOf(org)}/jit/roles`, undefined, 'GET /organizations/:id/jit/roles');
      await send('POST', `/organizations/${idOf(org)}/applications`, { applicationIds: [] }, 'POST /organizations/:id/applications []');
      await send('DELETE', `/organizations/${idOf(org)}`, undefined, 'DELETE /organizations/:id');
      await send('DELETE', `/organization-roles/${idOf(role)}`, undefined, 'DELETE /organization-roles/:id');
      await send('DELETE', `/organization-scopes/${idOf(scope)}`, undefined, 'DELETE /organization-scopes/:id');
      return answers;
    }, // biome-ignore format: compact
  },
  {
    name: 'PATCH semantics and relations',
    behaviour:
      '#patch-and-put-semantics, #application-secrets, #application-roles, #organizations: ignored fields, empty PATCH, secrets, M2M roles, JIT email domains',
    async run(api, env) {
      const { answers, send } = recorder(api);
      const resource = await send('POST', '/resources', { name: `${env.prefix}api`, indicator: `https://${env.prefix}.semantics.example` }, 'POST /resources');
      const rid = idOf(resource);
      await send('PATCH', `/resources/${rid}`, { indicator: 'https://changed.example' }, 'PATCH /resources/:id (indicator)', { values: ['indicator'] });
      await send('PATCH', `/resources/${rid}`, {}, 'PATCH /resources/:id {}');
      const role = await send('POST', '/roles', { name: `${env.prefix}m2m`, description: 'd', type: 'MachineToMachine' }, 'POST /roles (M2M)');
      await send('PATCH', `/roles/${idOf(role)}`, { type: 'User' }, 'PATCH /roles/:id (type)', { values: ['type'] });
      const m2m = await send('POST', '/applications', { name: `${env.prefix}m2m`, type: 'MachineToMachine' }, 'POST /applications (M2M)');
      await send('POST', `/applications/${idOf(m2m)}/roles`, { roleIds: [idOf(role)] }, 'POST /applications/:id/roles');
      await send('GET', `/applications/${idOf(m2m)}/roles`, undefined, 'GET /applications/:id/roles');
      await send('POST', `/applications/${idOf(m2m)}/secrets`, { name: 'old', expiresAt: Date.now() - 1000 }, 'POST /applications/:id/secrets (expired)');
      await send('POST', `/applications/${idOf(m2m)}/secrets`, {}, 'POST /applications/:id/secrets (no name)');
      const org = await send('POST', '/organizations', { name: `${env.prefix}org` }, 'POST /organizations');
      await send('POST', `/organizations/${idOf(org)}/jit/email-domains`, { emailDomain: 'jit.example' }, 'POST /organizations/:id/jit/email-domains');
      await send('POST', `/organizations/${idOf(org)}/jit/email-domains`, { emailDomain: 'jit.example' }, 'POST /organizations/:id/jit/email-domains (again)');
      await send('GET', `/organizations/${idOf(org)}/jit/email-domains`, undefined, 'GET /organizations/:id/jit/email-domains');
      await send('DELETE', `/organizations/${idOf(org)}`, undefined, 'DELETE /organizations/:id');
      await send('DELETE', `/applications/${idOf(m2m)}`, undefined, 'DELETE /applications/:id');
      await send('DELETE', `/roles/${idOf(role)}`, undefined, 'DELETE /roles/:id');
      await send('DELETE', `/resources/${rid}`, undefined, 'DELETE /resources/:id');
      return answers;
    }, // biome-ignore format: compact
  },
  {
    name: 'application and SAML application rules',
    behaviour: '#applications, #saml-applications: device flow, SAML ACS binding, SAML-only routes',
    async run(api, env) {
      const { answers, send } = recorder(api);
      const meta = { redirectUris: ['https://a.example/cb'], postLogoutRedirectUris: [] };
      await send('POST', '/applications', { name: `${env.prefix}spa`, type: 'SPA', oidcClientMetadata: meta, customClientMetadata: { isDeviceFlow: true } }, 'POST /applications (SPA with device flow)');
      const redirect = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
      await send('POST', '/saml-applications', { name: `${env.prefix}saml`, acsUrl: { binding: redirect, url: 'https://sp.example/acs' } }, 'POST /saml-applications (HTTP-Redirect ACS)');
      const web = await send('POST', '/applications', { name: `${env.prefix}web`, type: 'Traditional', oidcClientMetadata: meta }, 'POST /applications (Traditional)');
      await send('GET', `/saml-applications/${idOf(web)}`, undefined, 'GET /saml-applications/:id (not a SAML app)');
      await send('DELETE', `/applications/${idOf(web)}`, undefined, 'DELETE /applications/:id');
      return answers;
    }, // biome-ignore format: compact
  },
  {
    name: 'hooks',
    behaviour: '#webhooks, #error-bodies',
    async run(api, env) {
      const { answers, send } = recorder(api);
      await send('POST', '/hooks', { name: `${env.prefix}hook`, events: [], config: { url: 'https://h.example/x' } }, 'POST /hooks (no events)');
      const hook = await send('POST', '/hooks', { name: `${env.prefix}hook`, events: ['User.Created'], config: { url: 'https://h.example/x' } }, 'POST /hooks');
      await send('GET', `/hooks/${idOf(hook)}`, undefined, 'GET /hooks/:id');
      await send('DELETE', `/hooks/${idOf(hook)}`, undefined, 'DELETE /hooks/:id');
      return answers;
    }, // biome-ignore format: compact
  },
  {
    name: 'custom profile fields',
    behaviour: '#custom-profile-fields: name rules, reserved names, required `required`, sieOrder',
    async run(api, env) {
      const { answers, send } = recorder(api);
      for (const name of ['job_title', 'job-title', 'primaryEmail', 'username', 'preferredUsername', 'onboarding'])
        await send('POST', '/custom-profile-fields', { name, type: 'Text', required: false }, `POST /custom-profile-fields (${name})`);
      await send('POST', '/custom-profile-fields', { name: `${env.prefix}noreq`, type: 'Text' }, 'POST /custom-profile-fields (no required)');
      const name = `${env.prefix}dept`;
      await send('POST', '/custom-profile-fields', { name, type: 'Text', label: 'Dept', required: false }, 'POST /custom-profile-fields');
      await send('POST', '/custom-profile-fields', { name, type: 'Text', required: false }, 'POST /custom-profile-fields (duplicate)');
      await send('GET', `/custom-profile-fields/${name}`, undefined, 'GET /custom-profile-fields/:name');
      const part = (type: string) => ({ name: 'formatted', type, enabled: true, required: true });
      await send('POST', '/custom-profile-fields', { name: `${env.prefix}addr`, type: 'Address', required: false, config: { parts: [part('Address')] } }, 'POST /custom-profile-fields (Address inside Address)');
      const many = Array.from({ length: 21 }, (_, i) => ({ name: `${env.prefix}f${i}`, type: 'Text', required: false }));
      await send('POST', '/custom-profile-fields/batch', many, 'POST /custom-profile-fields/batch (21 fields)');
      await send('DELETE', `/custom-profile-fields/${name}`, undefined, 'DELETE /custom-profile-fields/:name');
      return answers;
    }, // biome-ignore format: compact
  },
  {
    name: 'SSO connectors',
    behaviour: '#sso-connectors: config guards, connection checks, domains',
    async run(api, env) {
      const { answers, send } = recorder(api);
      const made: string[] = [];
      const create = async (label: string, body: Record<string, unknown>, options?: AnswerOptions) => {
        const reply = await send('POST', '/sso-connectors', { connectorName: `${env.prefix}${label.replace(/\W/g, '')}`, ...body }, `POST /sso-connectors (${label})`, options);
        if (reply.status < 300) made.push(idOf(reply));
        return reply;
      };
      await create('unknown provider', { providerName: 'Keycloak' });
      await create('empty config', { providerName: 'OIDC', config: {} });
      await create('unreachable issuer', { providerName: 'OIDC', config: { issuer: env.deadIssuer, clientId: 'c', clientSecret: 's' } });
      const oidc = await create('loopback issuer', { providerName: 'OIDC', config: { issuer: env.issuer, clientId: 'c', clientSecret: 's', extra: 1 }, domains: ['Corp.Example.com'] }, { values: ['domains'] });
      await send('PATCH', `/sso-connectors/${idOf(oidc)}`, { config: { foo: 'bar' } }, 'PATCH /sso-connectors/:id (bad config)');
      await create('bad certificate', { providerName: 'SAML', config: { entityId: 'https://idp.example/e', signInEndpoint: 'https://idp.example/sso', x509Certificate: 'abc' } });
      await create('saml entityId number', { providerName: 'SAML', config: { entityId: 123 } });
      await create('manual saml', { providerName: 'SAML', config: { entityId: 'https://idp.example/e', signInEndpoint: 'https://idp.example/sso', x509Certificate: env.certificate, signAuthnRequest: true } });
      await create('no config', { providerName: 'SAML' });
      for (const id of made) await send('DELETE', `/sso-connectors/${id}`, undefined, 'DELETE /sso-connectors/:id');
      return answers;
    }, // biome-ignore format: compact
  },
  {
    name: 'sign-in experience',
    behaviour: '#sign-in-experience: shape, social targets filtered',
    async run(api, env) {
      const { answers, send } = recorder(api);
      // A shared tenant's settings vary: their keys are compared, and the filtered targets by value.
      const before = await send('GET', '/sign-in-exp', undefined, 'GET /sign-in-exp', { depth: 1 });
      const targets = (before.json as { socialSignInConnectorTargets?: string[] }).socialSignInConnectorTargets ?? [];
      await send('PATCH', '/sign-in-exp', { socialSignInConnectorTargets: [`${env.prefix}nosuch`] }, 'PATCH /sign-in-exp (unknown social target)', { depth: 1, values: ['socialSignInConnectorTargets'] });
      await send('PATCH', '/sign-in-exp', { color: { primaryColor: '#123456' } }, 'PATCH /sign-in-exp (incomplete color)');
      // Adaptive MFA without MFA factors, and with a skippable policy (both 422).
      const mfa = (before.json as { mfa?: unknown }).mfa;
      await send('PATCH', '/sign-in-exp', { mfa: { factors: [], policy: 'UserControlled' }, adaptiveMfa: { enabled: true } }, 'PATCH /sign-in-exp (adaptive MFA without factors)');
      await send('PATCH', '/sign-in-exp', { mfa: { factors: ['Totp'], policy: 'PromptAtSignInAndSignUp' }, adaptiveMfa: { enabled: true } }, 'PATCH /sign-in-exp (adaptive MFA, skippable policy)');
      await api.call('PATCH', '/sign-in-exp', { mfa });
      await api.call('PATCH', '/sign-in-exp', { socialSignInConnectorTargets: targets });
      return answers;
    }, // biome-ignore format: compact
  },
  {
    name: 'account center and configs',
    behaviour: '#account-center, #configs',
    async run(api) {
      const { answers, send } = recorder(api);
      const before = await send('GET', '/account-center', undefined, 'GET /account-center', { depth: 1 });
      const url = (before.json as { deleteAccountUrl?: unknown }).deleteAccountUrl ?? null;
      await send('PATCH', '/account-center', { deleteAccountUrl: 'https://account.example/delete' }, 'PATCH /account-center (deleteAccountUrl)', { depth: 1, values: ['deleteAccountUrl'] });
      await api.call('PATCH', '/account-center', { deleteAccountUrl: url });
      await send('GET', '/configs/id-token', undefined, 'GET /configs/id-token', { depth: 1 });
      await send('GET', '/configs/oidc/session', undefined, 'GET /configs/oidc/session', { depth: 1 });
      return answers;
    }, // biome-ignore format: compact
  },
];
