/**
 * What a connector factory says about its config (`GET /connector-factories` → `formItems`), and the offline
 * check of a config against it. The same check serves the factories measured from Logto's official connector
 * packages (`connector-factories.generated.ts`) before anything is read, and the tenant's own factories at
 * plan time.
 */
import { cleanDeep, isRecord } from './shared.js';

export type ConnectorType = 'Email' | 'Sms' | 'Social';

export interface ConnectorConfigField {
  key: string;
  /** Logto's form item type: Text, MultilineText, Number, Switch, Select, MultiSelect, Json. */
  type: string;
  label: string;
  required: boolean;
  /** The values a Select or MultiSelect allows. */
  values?: unknown[];
  /** The field applies only when every one of these config values is set (Logto's `showConditions`). */
  when?: { key: string; value: unknown }[];
}

export interface ConnectorFactoryInfo {
  id: string;
  type: ConnectorType;
  /** The target every connector of a non-standard factory has; standard factories take one per connector. */
  target: string;
  platform: string | null;
  /** A standard factory (generic OIDC, OAuth 2, SAML) may be used several times, each with its own target. */
  isStandard: boolean;
  isTokenStorageSupported: boolean;
  name: string;
  fields: ConnectorConfigField[];
}

/** A raw `GET /connector-factories` item in the shape above. */
export function factoryInfo(row: Record<string, unknown>): ConnectorFactoryInfo {
  const items = Array.isArray(row.formItems) ? (row.formItems as Record<string, unknown>[]) : [];
  const name = isRecord(row.name) && typeof row.name.en === 'string' ? row.name.en : String(row.id);
  return {
    id: String(row.id),
    type: row.type as ConnectorType,
    target: String(row.target ?? ''),
    platform: (row.platform as string | null) ?? null,
    isStandard: row.isStandard === true,
    isTokenStorageSupported: row.isTokenStorageSupported === true,
    name,
    fields: items.map((item) => ({
      key: String(item.key),
      type: String(item.type),
      label: String(item.label ?? item.key),
      required: item.required === true,
      ...(Array.isArray(item.selectItems)
        ? { values: (item.selectItems as { value: unknown }[]).map((s) => s.value) }
        : {}),
      ...(Array.isArray(item.showConditions)
        ? {
            when: (item.showConditions as { targetKey: string; expectValue?: unknown }[]).map((c) => ({
              key: c.targetKey,
              value: c.expectValue ?? null,
            })),
          }
        : {}),
    })),
  };
}

/** The verification-code templates every email and SMS connector must have (Logto's connector kit). */
export const REQUIRED_TEMPLATES = ['Register', 'SignIn', 'ForgotPassword'];

const isJson = (v: unknown) => isRecord(v) || Array.isArray(v);
const TYPE_CHECKS: Record<string, [(v: unknown) => boolean, string]> = {
  Text: [(v) => typeof v === 'string', 'a string'],
  MultilineText: [(v) => typeof v === 'string', 'a string'],
  Number: [(v) => typeof v === 'number' && Number.isFinite(v), 'a number'],
  Switch: [(v) => typeof v === 'boolean', 'true or false'],
  Json: [isJson, 'a JSON object or array'],
};

/**
 * What Logto would refuse (400 `connector.invalid_config`) or keep but never use in a connector's config:
 * missing required fields (those whose conditions hold), values of the wrong type or outside a select's
 * values, keys the factory does not have, and email/SMS templates without the three required usage types.
 * A factory without form items (configured by JSON template) is not checked.
 */
export function connectorConfigIssues(
  factory: ConnectorFactoryInfo,
  config: Record<string, unknown>,
): { path: string[]; message: string }[] {
  if (factory.fields.length === 0) return [];
  const issues: { path: string[]; message: string }[] = [];
  const at = (key: string, message: string) => issues.push({ path: ['config', key], message });
  const known = new Set(factory.fields.map((f) => f.key));
  for (const key of Object.keys(config)) {
    if (!known.has(key))
      at(key, `the ${factory.name} connector has no setting \`${key}\`; its settings are: ${[...known].join(', ')}`);
  }
  for (const field of factory.fields) {
    const applies = (field.when ?? []).every((c) => config[c.key] === c.value);
    const value = config[field.key];
    if (cleanDeep(value) === undefined) {
      if (field.required && applies) {
        const condition = field.when?.length
          ? ` when ${field.when.map((c) => `\`${c.key}\` is ${JSON.stringify(c.value)}`).join(' and ')}`
          : '';
        at(field.key, `required by the ${factory.name} connector${condition} (${field.label})`);
      }
      continue;
    }
    if (field.type === 'Select' && field.values && !field.values.includes(value)) {
      at(field.key, `must be one of ${field.values.map((v) => JSON.stringify(v)).join(', ')}`);
    } else if (field.type === 'MultiSelect') {
      const bad = Array.isArray(value) ? value.filter((v) => !field.values?.includes(v)) : [value];
      if (bad.length > 0)
        at(field.key, `must be a list of ${(field.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`);
    } else if (TYPE_CHECKS[field.type] && !TYPE_CHECKS[field.type][0](value)) {
      at(field.key, `must be ${TYPE_CHECKS[field.type][1]}`);
    }
  }
  if (factory.type !== 'Social' && known.has('templates') && Array.isArray(config.templates)) {
    const usages = config.templates.map((t) => (isRecord(t) ? t.usageType : undefined));
    const missing = REQUIRED_TEMPLATES.filter((u) => !usages.includes(u));
    if (missing.length > 0)
      at(
        'templates',
        `needs a template for each of ${REQUIRED_TEMPLATES.join(', ')} (missing: ${missing.join(', ')}); each is \`{"usageType": "SignIn", "content": "… {{code}} …"}\``,
      );
  }
  return issues;
}
