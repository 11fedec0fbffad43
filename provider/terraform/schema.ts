/**
 * Terraform schemas derived from the resource catalog: `logto_<snake_kind>` resources and data sources,
 * snake_case attributes (the conversions between Terraform object values and catalog specs are in
 * `values.ts`).
 *
 * Attribute semantics (the reconciler's "managed fields only" rule, in Terraform's terms):
 * - a required spec field is Required;
 * - an optional spec field is Optional + Computed: left out of the configuration it keeps whatever the
 *   server has (Terraform proposes the prior value), so fields the user never set never diff;
 * - outputs (id, created_at, secrets…) are Computed; sensitive ones are Sensitive;
 * - free-form JSON fields are JSON strings (write them with `jsonencode`); sets are `set(string)`;
 *   fixed-shape objects are nested attributes.
 */

import { CONNECTION_SETTINGS } from '../../core/client/settings.js';
import type { OutputField, ResourceDefinition } from '../../core/contract.js';
import { lazyValue } from '../../core/lazy-schema.js';
import { type IdentityKey, identityKey } from '../../core/reconcile/index.js';
import { versionField } from '../../core/reconcile/secrets.js';
import { catalog, LOOKUP_KINDS } from '../../resources/index.js';
import { camelCase, describeResource, type FieldInfo, snakeCase } from '../../resources/introspect.js';
import { type CtyType, typeJson } from './cty.js';

export const PROVIDER_NAME = 'logto';

/** Kinds that also get a data source (lookup by natural key or id). */
export const DATA_SOURCE_KINDS = LOOKUP_KINDS;

/** Child types listed into a data source (an API resource's scopes), by parent kind. */
export const DATA_SOURCE_CHILDREN: Record<string, string[]> = {
  ApiResource: ['ApiResourceScope'],
  SamlApplication: ['SamlApplicationCertificate'],
};

export type AttrKind = 'id' | 'spec' | 'output' | 'children';

export interface Attr {
  /** Terraform name (snake_case). */
  name: string;
  /** Catalog name (camelCase). */
  field: string;
  kind: AttrKind;
  type: CtyType;
  description: string;
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
  /** Value is JSON text in Terraform, an object in the spec. */
  json: boolean;
  /** Nested attributes (fixed-shape objects). */
  nested?: Attr[];
  /** Output stays the same once assigned. */
  stable?: boolean;
  /** A write-only spec attribute: in the configuration only, never in Terraform's state (Terraform ≥ 1.11). */
  writeOnly?: boolean;
  /**
   * Which form of a write-only field this is: `wo` for `<field>_wo` (written on create and when
   * `<field>_wo_version` changes; nothing derived from it is kept), `deprecated` for the older `<field>`
   * (changes noticed through the salted `<field>_digest`).
   */
  writeOnlyForm?: 'wo' | 'deprecated';
  /** The computed digest attribute of this write-only spec field (`password_digest` of `password`). */
  digestOf?: string;
  /** The `<field>_wo_version` attribute of this write-only spec field. */
  versionOf?: string;
}

export interface TypeSchema {
  typeName: string;
  definition: ResourceDefinition<any>;
  attrs: Attr[];
  type: CtyType;
  /** tfplugin6.Schema message (plain object for the gRPC serializer). */
  proto: ProtoSchema;
  /** For data sources: children types listed into a computed attribute (an API resource's scopes). */
  children?: { attr: Attr; definition: ResourceDefinition<any> }[];
}

export interface ProtoAttribute {
  name: string;
  type?: Buffer;
  nested_type?: { attributes: ProtoAttribute[]; nesting: 'SINGLE' };
  description: string;
  description_kind: 'MARKDOWN';
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
  write_only?: boolean;
}

export interface ProtoSchema {
  version: number;
  block: {
    version: number;
    attributes: ProtoAttribute[];
    block_types: [];
    description: string;
    description_kind: 'MARKDOWN';
  };
}

export function typeNameOf(kind: string): string {
  return `${PROVIDER_NAME}_${snakeCase(kind)}`;
}

// ---- attribute construction -------------------------------------------------------------------

function fieldCtyType(
  field: FieldInfo,
  isSet: boolean,
  definition: ResourceDefinition<any>,
): { type: CtyType; json: boolean; nested?: Attr[] } {
  switch (field.type) {
    case 'string':
      return { type: 'string', json: false };
    case 'number':
      return { type: 'number', json: false };
    case 'boolean':
      return { type: 'bool', json: false };
    case 'string[]':
      return { type: [isSet ? 'set' : 'list', 'string'], json: false };
    case 'json':
      return { type: 'string', json: true };
    case 'object': {
      const nested = field.fields.map((f) =>
        specAttr(f, { sets: new Set(), immutable: new Set(), sensitive: new Set() }, definition),
      );
      return { type: objectType(nested), json: false, nested };
    }
  }
}

interface Flags {
  sets: Set<string>;
  immutable: Set<string>;
  sensitive: Set<string>;
  /** The key import ids and adoption use (the reconciler's identity key). */
  key?: IdentityKey;
}

// ---- description text -------------------------------------------------------------------------

let catalogNames: Set<string> | undefined;

/** Every camelCase field and output name of the catalog (the names Terraform spells in snake_case). */
function camelFieldNames(extra: ResourceDefinition<any>): Set<string> {
  const collect = (into: Set<string>, definition: ResourceDefinition<any>) => {
    const walk = (fields: FieldInfo[]) => {
      for (const f of fields) {
        into.add(f.name);
        if (f.type === 'object') walk(f.fields);
      }
    };
    walk(describeResource(definition).fields);
    for (const o of definition.outputs) into.add(o.name);
  };
  if (!catalogNames) {
    catalogNames = new Set();
    for (const d of catalog) collect(catalogNames, d);
    for (const n of [...catalogNames]) if (n === snakeCase(n)) catalogNames.delete(n);
  }
  if (catalog.includes(extra)) return catalogNames;
  const names = new Set(catalogNames);
  collect(names, extra);
  return names;
}

/**
 * Description text as Terraform users read it: catalog field names mentioned in it (`fallbackLanguage`,
 * `signingKey`, `<applicationId>`) become their Terraform spelling. JSON keys inside quoted examples
 * (`"isPasswordPrimary":true`) are the API's own and stay as they are.
 */
export function terraformText(text: string, definition: ResourceDefinition<any>): string {
  const names = camelFieldNames(definition);
  return text.replace(/(?<![\w"])([a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+)(?![\w"])/g, (word: string) =>
    names.has(word) ? snakeCase(word) : word,
  );
}

/** `application_id=<application_id>,name=<name>`: an import id made of the key fields. */
function keyForm(key: IdentityKey): string {
  return key.fields.map((f) => `${snakeCase(f)}=<${snakeCase(f)}>`).join(',');
}

function keyRemark(field: string, key: IdentityKey | undefined, own: string): string {
  // Some key fields already say how they import.
  if (!key?.fields.includes(field) || /\bimport\b/i.test(own)) return '';
  const form = `\`${keyForm(key)}\``;
  if (!key.unique) return `Usable for import as ${form}: it must match exactly one object.`;
  if (key.fields.length > 1) {
    const others = key.fields.filter((f) => f !== field).map((f) => `\`${snakeCase(f)}\``);
    return `With ${others.join(' and ')}, the natural key (unique in the tenant); usable for import as ${form}.`;
  }
  // Most key fields already say they are unique in the tenant.
  return /unique in the tenant/i.test(own)
    ? `Usable for import as ${form}.`
    : `The natural key (unique in the tenant); usable for import as ${form}.`;
}

function fieldDescription(field: FieldInfo, flags: Flags, json: boolean): string {
  const own = field.description.trim();
  const parts = [own];
  if (field.type === 'string' && field.enum) parts.push(`One of: ${field.enum.map((e) => `\`${e}\``).join(', ')}.`);
  if (json) parts.push('A JSON object as a string (use `jsonencode(...)`); key order and whitespace do not matter.');
  if (field.default !== undefined) parts.push(`Logto's default: \`${JSON.stringify(field.default)}\`.`);
  parts.push(keyRemark(field.name, flags.key, own));
  // The definition often says what a change replaces ("Changing it replaces the role."): say it once.
  if (flags.immutable.has(field.name) && !/changing it replaces/i.test(own))
    parts.push('Changing it replaces the object.');
  if (field.optional) parts.push('When left out, the server value is kept and never shown as a change.');
  return parts.filter(Boolean).join(' ');
}

function specAttr(field: FieldInfo, flags: Flags, definition: ResourceDefinition<any>): Attr {
  const t = fieldCtyType(field, flags.sets.has(field.name), definition);
  const versionOf = definition.writeOnly?.find((f) => versionField(f) === field.name);
  if (versionOf) {
    const name = snakeCase(versionOf);
    return {
      name: `${name}_wo_version`,
      field: field.name,
      kind: 'spec',
      type: t.type,
      json: false,
      description: `Version of \`${name}_wo\` (any number or text, e.g. \`1\`): Terraform writes \`${name}_wo\` when the resource is created and whenever this value changes. Change it to rotate the ${name}. Nothing derived from the ${name} is kept in the state.`,
      required: false,
      optional: true,
      computed: false,
      sensitive: false,
      versionOf,
    };
  }
  return specAttrOf(field, flags, definition, t);
}

/**
 * An attribute whose description is rendered when something reads it (the schema answer, the docs).
 * Rendering spells catalog field names the Terraform way, which needs every kind's fields, and a plugin
 * launch that serves resources never reads a description.
 */
function describedLater(attr: Omit<Attr, 'description'>, text: () => string): Attr {
  return Object.defineProperty(attr, 'description', {
    get: lazyValue(text),
    enumerable: true,
    configurable: true,
  }) as Attr;
}

function specAttrOf(
  field: FieldInfo,
  flags: Flags,
  definition: ResourceDefinition<any>,
  t: ReturnType<typeof fieldCtyType>,
): Attr {
  return describedLater(
    {
      name: snakeCase(field.name),
      field: field.name,
      kind: 'spec',
      type: t.type,
      json: t.json,
      ...(t.nested ? { nested: t.nested } : {}),
      required: !field.optional,
      optional: field.optional,
      computed: field.optional,
      sensitive: flags.sensitive.has(field.name),
    },
    () => terraformText(fieldDescription(field, flags, t.json), definition),
  );
}

/**
 * A write-only field's attributes, Terraform's way: `<field>_wo` (write-only, sensitive; needs Terraform
 * 1.11) and the deprecated `<field>` (write-only too, its changes noticed through `<field>_digest`).
 */
function writeOnlyAttrs(field: FieldInfo, definition: ResourceDefinition<any>): Attr[] {
  const t = fieldCtyType(field, false, definition);
  const name = snakeCase(field.name);
  const base = {
    field: field.name,
    kind: 'spec' as const,
    type: t.type,
    json: t.json,
    required: false,
    optional: true,
    computed: false,
    sensitive: true,
    writeOnly: true,
  };
  return [
    {
      ...base,
      name: `${name}_wo`,
      writeOnlyForm: 'wo',
      description: `The ${name.replace(/_/g, ' ')}, write-only and sensitive: never stored in Terraform's state or plan (needs Terraform 1.11 or later), so it may come from an \`ephemeral\` variable. Written when the resource is created and whenever \`${name}_wo_version\` changes; without \`${name}_wo_version\`, only on create. Logto never returns it, so a change made elsewhere is not seen. Leave it out to keep what the ${definition.kind.toLowerCase()} has.`,
    },
    {
      ...base,
      name,
      writeOnlyForm: 'deprecated',
      description: `Deprecated: use \`${name}_wo\` with \`${name}_wo_version\`. The ${name.replace(/_/g, ' ')}, write-only and sensitive: never stored in Terraform's state; written when the resource is created and whenever the value in the configuration changes (\`${name}_digest\` keeps a salted scrypt digest of the value last written, to notice a new value). Not together with \`${name}_wo\`.`,
    },
  ];
}

function outputCtyType(output: OutputField): CtyType {
  const { type } = output;
  if (type === 'records')
    return ['list', ['object', Object.fromEntries((output.fields ?? []).map((f) => [f, 'string' as CtyType]))]];
  if (type === 'boolean') return 'bool';
  if (type === 'number') return 'number';
  if (type === 'string[]') return ['list', 'string'];
  return 'string';
}

function outputAttr(output: OutputField, definition: ResourceDefinition<any>): Attr {
  return describedLater(
    {
      name: snakeCase(output.name),
      field: output.name,
      kind: output.name === 'id' ? 'id' : 'output',
      type: outputCtyType(output),
      json: output.type === 'json',
      required: false,
      optional: false,
      computed: true,
      sensitive: Boolean(output.sensitive),
      stable: output.name === 'id' || Boolean(output.stable),
    },
    () => terraformText(output.description + (output.type === 'json' ? ' (JSON text)' : ''), definition),
  );
}

const ID_OUTPUT: OutputField = { name: 'id', description: 'Id assigned by Logto.', type: 'string', stable: true };

function resourceAttrs(definition: ResourceDefinition<any>): Attr[] {
  const fields = describeResource(definition);
  const key = identityKey(definition);
  const flags: Flags = { ...fields, ...(key ? { key } : {}) };
  const attrs: Attr[] = [];
  const idOutput = definition.outputs.find((o) => o.name === 'id') ?? ID_OUTPUT;
  attrs.push(outputAttr(idOutput, definition));
  for (const field of fields.fields) {
    if (field.name === 'id') continue;
    if (definition.writeOnly?.includes(field.name)) attrs.push(...writeOnlyAttrs(field, definition));
    else attrs.push(specAttr(field, flags, definition));
  }
  for (const field of definition.writeOnly ?? []) {
    const name = snakeCase(field);
    attrs.push({
      name: `${name}_digest`,
      field: `${field}Digest`,
      kind: 'output',
      type: 'string',
      json: false,
      description: `Salted scrypt digest (\`scrypt$N=…,r=…,p=…$<salt>$<hash>\`, a random salt per value) of the deprecated \`${name}\` value last written to Logto, which never returns the value: a new value in the configuration no longer matches it and is written. Null with \`${name}_wo\` or \`${name}_wo_version\`, which keep nothing derived from the ${name}.`,
      required: false,
      optional: false,
      computed: true,
      sensitive: true,
      digestOf: field,
    });
  }
  const taken = new Set(attrs.map((a) => a.name));
  for (const output of definition.outputs) {
    const attr = outputAttr(output, definition);
    if (taken.has(attr.name)) continue;
    taken.add(attr.name);
    attrs.push(attr);
  }
  return attrs;
}

export function objectType(attrs: Attr[]): CtyType {
  return ['object', Object.fromEntries(attrs.map((a) => [a.name, a.type]))];
}

function protoAttr(attr: Attr): ProtoAttribute {
  const base = {
    name: attr.name,
    description: attr.description,
    description_kind: 'MARKDOWN' as const,
    required: attr.required,
    optional: attr.optional,
    computed: attr.computed,
    sensitive: attr.sensitive,
    ...(attr.writeOnly ? { write_only: true } : {}),
  };
  if (attr.nested) return { ...base, nested_type: { attributes: attr.nested.map(protoAttr), nesting: 'SINGLE' } };
  return { ...base, type: typeJson(attr.type) };
}

function protoSchema(attrs: Attr[], description: string): ProtoSchema {
  return {
    version: 0,
    block: { version: 0, attributes: attrs.map(protoAttr), block_types: [], description, description_kind: 'MARKDOWN' },
  };
}

export interface ImportForm {
  form: string;
  example: string;
  /** For a key Logto does not keep unique (an adoption key): the id must match exactly one object. */
  exactlyOne?: boolean;
}

/**
 * The import id forms a type accepts, for descriptions, docs and error messages: the id (with the parent's
 * id for child types) and the reconciler's identity key (`name=…` also for adoption keys).
 */
export function importForms(definition: ResourceDefinition<any>): ImportForm[] {
  if (definition.singleton) return [{ form: 'any id (the object is a singleton)', example: 'default' }];
  const forms: ImportForm[] = [];
  if (definition.parent) {
    forms.push({ form: `<${snakeCase(definition.parent.field)}>/<id>`, example: 'abc123parent/def456child' });
  } else {
    forms.push({ form: '<id>', example: 'abc123' });
  }
  const key = identityKey(definition);
  if (key) {
    forms.push({
      form: keyForm(key),
      example: key.fields.map((f) => `${snakeCase(f)}=${exampleKeyValue(f, key.unique)}`).join(','),
      ...(key.unique ? {} : { exactlyOne: true }),
    });
  }
  return forms;
}

function exampleKeyValue(field: string, unique: boolean): string {
  if (field === 'indicator') return 'https://api.example.com';
  if (field.endsWith('Id')) return 'abc123';
  if (field === 'name') return unique ? 'admin' : 'Example';
  if (field.endsWith('Name')) return 'example';
  return 'value';
}

/** `<id>` or `name=<name>` (must match exactly one object): the forms in a sentence. */
export function importFormsText(definition: ResourceDefinition<any>): string {
  return importForms(definition)
    .map((f) => `\`${f.form}\`${f.exactlyOne ? ' (must match exactly one object)' : ''}`)
    .join(' or ');
}

/** A type's description as Terraform shows it. */
export function typeDescription(definition: ResourceDefinition<any>): string {
  return terraformText(definition.description, definition);
}

export function resourceSchema(definition: ResourceDefinition<any>): TypeSchema {
  const attrs = resourceAttrs(definition);
  // (made when asked for: its descriptions are rendered text, see describedLater)
  const proto = lazyValue(() =>
    protoSchema(
      attrs,
      `${typeDescription(definition)}\n\nImport: \`terraform import ${typeNameOf(definition.kind)}.<name> <import id>\` where the import id is ${importFormsText(definition)}.`,
    ),
  );
  return {
    typeName: typeNameOf(definition.kind),
    definition,
    attrs,
    type: objectType(attrs),
    get proto() {
      return proto();
    },
  };
}

/**
 * What only a managed resource does (replacement, authoritative sets, adoption, clearing with null, import):
 * whole sentences, or clauses inside one, left out of a data source's descriptions.
 */
const RESOURCE_ONLY_SENTENCES = [
  /^changing it replaces\b/i,
  /^authoritative:/i,
  /^when left out, the server value is kept/i,
  /^can be changed in place\b/i,
  /^renaming keeps\b/i,
  /^removing the resource\b/i,
  /^replaced as a whole\b/i,
  /usable for import\b/i,
];
const RESOURCE_ONLY_CLAUSES = [
  /;\s*changing it replaces[^.;]*/gi,
  /;\s*null clears it/gi,
  /;\s*without a known id[^;]*\badopted\b[^.;]*/gi,
  /\s*\((?:authoritative|replaced as a whole)[^)]*\)/gi,
];

export function forDataSource(description: string): string {
  let text = description;
  for (const re of RESOURCE_ONLY_CLAUSES) text = text.replace(re, '');
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z])/)
    .filter((sentence) => !RESOURCE_ONLY_SENTENCES.some((re) => re.test(sentence)))
    .join(' ');
}

/** A nested attribute of a data source (at any depth): computed, with data-source wording. */
function computedForDataSource(n: Attr): Attr {
  return {
    ...n,
    required: false,
    optional: false,
    computed: true,
    description: forDataSource(n.description),
    ...(n.nested ? { nested: n.nested.map(computedForDataSource) } : {}),
  };
}

/** Data source: look up by natural key (or id); everything else is computed. */
export function dataSourceSchema(
  definition: ResourceDefinition<any>,
  definitions: ResourceDefinition<any>[],
): TypeSchema {
  const keyFields = definition.key?.fields ?? ('name' in definition.spec.shape ? ['name'] : []);
  // Without a unique key the lookup lists the objects and keeps the one that matches.
  const lookupRemark = (a: Attr) =>
    a.kind === 'id' || definition.key
      ? 'Set this or the other lookup attributes to find the object.'
      : 'Set this or the other lookup attributes to find the object; exactly one object must match.';
  // A write-only value is never readable, and its digest says nothing to a reader.
  const attrs = resourceAttrs(definition)
    .filter((a) => !a.writeOnly && !a.digestOf && !a.versionOf)
    .map((a): Attr => {
      const lookup = a.kind === 'id' || keyFields.includes(a.field);
      return {
        ...a,
        required: false,
        optional: lookup,
        computed: true,
        ...(a.nested ? { nested: a.nested.map(computedForDataSource) } : {}),
        description: lookup ? `${forDataSource(a.description)} ${lookupRemark(a)}` : forDataSource(a.description),
      };
    });
  const children: { attr: Attr; definition: ResourceDefinition<any> }[] = [];
  for (const child of definitions) {
    if (child.parent?.kind !== definition.kind || !DATA_SOURCE_CHILDREN[definition.kind]?.includes(child.kind))
      continue;
    const childAttrs = resourceAttrs(child)
      .filter((a) => !a.nested)
      .map((a) => ({ ...a, required: false, optional: false, computed: true }));
    const suffix = child.kind.startsWith(definition.kind) ? child.kind.slice(definition.kind.length) : child.kind;
    const name = `${snakeCase(suffix)}s`;
    const attr: Attr = {
      name,
      field: name,
      kind: 'children',
      type: ['list', objectType(childAttrs)],
      json: false,
      description: `Every ${child.kind} of this ${definition.kind}: ${childAttrs.map((a) => a.name).join(', ')}.`,
      required: false,
      optional: false,
      computed: true,
      sensitive: false,
    };
    attrs.push(attr);
    children.push({ attr, definition: child });
  }
  const lookupText = [...new Set(['id', ...keyFields.map(snakeCase)])].map((n) => `\`${n}\``).join(' or ');
  return {
    typeName: typeNameOf(definition.kind),
    definition,
    attrs,
    type: objectType(attrs),
    proto: protoSchema(
      attrs,
      `Looks up an existing ${definition.kind} by ${lookupText}. ${typeDescription(definition)}`,
    ),
    children,
  };
}

// ---- provider configuration -------------------------------------------------------------------

export interface ProviderConfigAttr {
  name: string;
  /** The client option it sets. */
  option: string;
  env: string;
  type: CtyType;
  sensitive: boolean;
  /** Terraform refuses to configure the provider without it (from the attribute or its variable). */
  required: boolean;
  description: string;
}

/** The provider block's attributes: the client settings that have a Terraform name (core/client/settings.ts). */
export const PROVIDER_CONFIG: ProviderConfigAttr[] = CONNECTION_SETTINGS.flatMap((s) =>
  s.terraform && s.env
    ? [
        {
          name: s.terraform.name,
          option: s.option,
          env: s.env,
          type: s.terraform.type,
          sensitive: s.terraform.sensitive,
          required: s.required === true,
          description: s.terraform.description,
        },
      ]
    : [],
);

export function providerSchema(): ProtoSchema {
  return {
    version: 0,
    block: {
      version: 0,
      attributes: PROVIDER_CONFIG.map((a) => ({
        name: a.name,
        type: typeJson(a.type),
        description: a.description,
        description_kind: 'MARKDOWN',
        required: false,
        optional: true,
        computed: false,
        sensitive: a.sensitive,
      })),
      block_types: [],
      description: 'The Logto provider manages a Logto tenant through its Management API.',
      description_kind: 'MARKDOWN',
    },
  };
}

/**
 * Import ids name key fields as Terraform spells them (`resource_id=…,name=…`); the reconciler's parser
 * wants the catalog's names (`resourceId=…`). Both spellings are accepted.
 */
export function importIdForReconciler(definition: ResourceDefinition<any>, importId: string): string {
  const fields = new Set(Object.keys(definition.spec.shape));
  return importId.replace(/(^|,)([a-z][a-z0-9_]*)=/g, (whole, sep: string, name: string) => {
    const camel = camelCase(name);
    return fields.has(camel) ? `${sep}${camel}=` : whole;
  });
}
