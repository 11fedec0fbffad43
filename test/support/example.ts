/**
 * `examples/tenant.yaml` made run-unique for tests on a shared real tenant: every named object gets the run's
 * prefix, so two runs (or a run next to other work) never meet. Keys of the named sections are renamed, every
 * `name`/`connectorName` is prefixed, references to renamed keys (exact strings in lists) follow, and the API
 * identifiers get the prefix as a host label. Against the emulator the prefix is harmless.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { prefixedLanguageTag } from './target.js';

export const EXAMPLE_PATH = join(import.meta.dirname, '..', '..', 'examples', 'tenant.yaml');

/** Sections whose keys are names (or handles whose `name` defaults to the key). */
const NAMED_SECTIONS = [
  'roles',
  'applications',
  'organizationScopes',
  'organizationRoles',
  'organizations',
  'ssoConnectors',
  'samlApplications',
  'hooks',
  'customProfileFields',
] as const;

type Doc = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An API identifier with the prefix as its first host label: `https://<prefix>.api.example.com/x`. */
export const prefixedIndicator = (prefix: string, indicator: string) => indicator.replace('://', `://${prefix}.`);

/**
 * A tenant file's text (the example's by default) with every name made unique to `prefix` (letters and
 * digits): API identifiers get it as a host label wherever they appear, named sections' keys and names get it
 * in front, and references to renamed keys follow.
 */
export function exampleTenantFor(prefix: string, text = readFileSync(EXAMPLE_PATH, 'utf8')): string {
  const indicators = Object.keys((parse(text) as Doc).apiResources ?? {}).sort((a, b) => b.length - a.length);
  let replaced = text;
  for (const indicator of indicators) replaced = replaced.replaceAll(indicator, prefixedIndicator(prefix, indicator));
  const doc = parse(replaced) as Doc;
  const renamed = new Map<string, string>();
  for (const section of NAMED_SECTIONS) {
    const entries = doc[section];
    if (!isObject(entries)) continue;
    const next: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entries)) {
      renamed.set(key, `${prefix}${key}`);
      if (isObject(value)) {
        for (const field of ['name', 'connectorName']) {
          if (typeof value[field] === 'string') value[field] = `${prefix}${value[field]}`;
        }
      }
      next[`${prefix}${key}`] = value;
    }
    doc[section] = next;
  }
  const follow = (v: unknown): unknown => {
    if (Array.isArray(v))
      return v.map((item) => (typeof item === 'string' ? (renamed.get(item) ?? item) : follow(item)));
    if (isObject(v)) for (const [k, item] of Object.entries(v)) v[k] = follow(item);
    return v;
  };
  for (const section of NAMED_SECTIONS) follow(doc[section]);
  follow(doc.accountCenter); // its profileFields name custom profile fields
  // Users: the key is the username and the email is unique too (a user is adopted by either), so both get it.
  if (isObject(doc.users)) {
    const users: Record<string, unknown> = {};
    for (const username of Object.keys(doc.users)) renamed.set(username, `${prefix}${username}`);
    for (const [username, value] of Object.entries(doc.users)) {
      if (isObject(value) && typeof value.primaryEmail === 'string')
        value.primaryEmail = `${prefix}${value.primaryEmail}`;
      users[`${prefix}${username}`] = follow(value);
    }
    doc.users = users;
  }
  // Organization memberships (of applications and users) and an app's consent scopes and sign-in experience
  // name their organization, application and user as single keys, their roles and scopes as lists.
  for (const section of [
    'organizationApplications',
    'organizationUsers',
    'applicationUserConsentScopes',
    'applicationSignInExperiences',
  ])
    if (isObject(doc[section]))
      for (const value of Object.values(doc[section]))
        if (isObject(value))
          for (const [field, item] of Object.entries(value))
            value[field] = typeof item === 'string' ? (renamed.get(item) ?? item) : follow(item);
  // The tenant's one captcha provider carries the prefix in its site key, so the run's clean-up knows it set it.
  if (isObject(doc.captchaProvider) && typeof doc.captchaProvider.siteKey === 'string')
    doc.captchaProvider.siteKey = `${doc.captchaProvider.siteKey}-${prefix}`;
  // Email and GitHub connectors are one per tenant: the run's carry the prefix in their config, so the run's
  // clean-up knows which it made.
  const connectors = doc.connectors;
  if (isObject(connectors))
    for (const value of Object.values(connectors))
      if (isObject(value) && isObject(value.config)) {
        for (const field of ['host', 'clientId'])
          if (typeof value.config[field] === 'string') value.config[field] = `${prefix}-${value.config[field]}`;
        if (typeof value.target === 'string') value.target = `${prefix}${value.target}`;
      }
  // Custom phrases are keyed by a real language: the run's carry the prefix in their first phrase.
  const customPhrases = doc.customPhrases;
  if (isObject(customPhrases))
    for (const value of Object.values(customPhrases))
      if (isObject(value) && isObject(value.translation) && isObject(value.translation.action))
        value.translation.action.sign_in = `${value.translation.action.sign_in} ${prefix}`;
  // JWT customizers are one per token type: the run's script is inlined from its file with the prefix in a
  // comment (the example's `${file:…}` is relative to examples/, which a copy elsewhere is not).
  const customizers = doc.jwtCustomizers;
  if (isObject(customizers))
    for (const value of Object.values(customizers)) {
      const file = isObject(value) && typeof value.script === 'string' ? /^\$\{file:(.+)\}$/.exec(value.script) : null;
      if (file && isObject(value))
        value.script = `// ${prefix}\n${readFileSync(join(dirname(EXAMPLE_PATH), file[1]!), 'utf8')}`.replaceAll(
          '${',
          '$${',
        );
    }
  // Email templates are keyed by language and type: each run gets a language tag of its own.
  const templates = doc.emailTemplates;
  if (isObject(templates))
    for (const value of Object.values(templates))
      if (isObject(value) && typeof value.languageTag === 'string')
        value.languageTag = prefixedLanguageTag(prefix, value.languageTag);
  return stringify(doc);
}
