/**
 * `examples/tenant.yaml` made run-unique for tests on a shared real tenant: every named object gets the run's
 * prefix, so two runs (or a run next to other work) never meet. Keys of the named sections are renamed, every
 * `name`/`connectorName` is prefixed, references to renamed keys (exact strings in lists) follow, and the API
 * indicators' host gets the prefix as a sub-domain. Against the emulator the prefix is harmless.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export const EXAMPLE_PATH = join(import.meta.dirname, '..', '..', 'examples', 'tenant.yaml');

/** Sections whose keys are names (or handles whose `name` defaults to the key). */
const NAMED_SECTIONS = [
  'roles',
  'applications',
  'organizationScopes',
  'organizationRoles',
  'organizations',
  'ssoConnectors',
  'hooks',
  'customProfileFields',
] as const;

/** The indicator host every API resource of the example uses. */
const API_HOST = 'api.acme-shop.example';

type Doc = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The example's text with every name made unique to `prefix` (letters and digits). */
export function exampleTenantFor(prefix: string, text = readFileSync(EXAMPLE_PATH, 'utf8')): string {
  const doc = parse(text.replaceAll(API_HOST, `${prefix}.${API_HOST}`)) as Doc;
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
  return stringify(doc);
}

/** The indicator of one of the example's API resources in the prefixed tenant (`orders`, `catalog`). */
export const exampleIndicator = (prefix: string, api: string) => `https://${prefix}.${API_HOST}/${api}`;
