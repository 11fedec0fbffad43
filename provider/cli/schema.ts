/**
 * JSON Schemas of the CLI's two documents, both generated, never hand-written twice:
 * - the tenant file (`schema/tenant.schema.json`), built from the catalog's zod specs and the file layout;
 * - the plan document `--json` prints (`schema/plan.schema.json`), built from `planDocument` below, which the
 *   CLI also uses to check a `--plan-file` before trusting it.
 */
import { z } from 'zod';
import type { ResourceDefinition } from '../../core/contract.js';
import { versionFields } from '../../core/reconcile/secrets.js';
import { buildLayout, type KindLayout, type TenantLayout } from './layout.js';

const fieldChange = z
  .object({
    field: z.string().describe('Spec field name.'),
    before: z.unknown().optional().describe('Live value ("(sensitive)" for secrets; absent when unset).'),
    after: z
      .unknown()
      .optional()
      .describe('Desired value ("(sensitive)" for secrets, "(known after apply)" for references to new objects).'),
    sensitive: z.boolean().optional(),
    added: z.array(z.unknown()).optional().describe('Set members added.'),
    removed: z.array(z.unknown()).optional().describe('Set members removed.'),
    shown: z
      .object({
        before: z.unknown().optional(),
        after: z.unknown().optional(),
        added: z.array(z.unknown()).optional(),
        removed: z.array(z.unknown()).optional(),
      })
      .strict()
      .optional()
      .describe(
        'Reference fields: the same values for people, each id as "<Kind> <key>" of the object it points at (the id where it has no key).',
      ),
  })
  .strict();

const action = z.enum(['create', 'update', 'replace', 'delete', 'noop']);

export const planDocument = z
  .object({
    formatVersion: z.literal(1),
    createdAt: z.string().describe('ISO time the plan was made.'),
    changes: z.array(
      z
        .object({
          address: z
            .string()
            .describe('`Kind.key`, e.g. `Role.admin` or `ApiResourceScope.https://api.example.com/read`.'),
          kind: z.string(),
          action,
          id: z.string().optional(),
          adopted: z
            .boolean()
            .optional()
            .describe('Found in Logto by its key or name (not known by id) and taken over.'),
          reason: z.string().optional().describe('Why a replacement is needed.'),
          key: z
            .string()
            .optional()
            .describe(
              "Deletes: the live object's natural key or name, without parent ids (e.g. `old-admin`), when it has one.",
            ),
          changes: z.array(fieldChange),
          dependsOn: z.array(z.string()),
        })
        .strict(),
    ),
    drift: z.array(
      z
        .object({
          address: z.string(),
          kind: z.string(),
          id: z.string(),
          field: z.string(),
          expected: z.unknown().optional(),
          live: z.unknown().optional(),
          sensitive: z.boolean().optional(),
          shown: z
            .object({ expected: z.unknown().optional(), live: z.unknown().optional() })
            .strict()
            .optional()
            .describe('Reference fields: expected and live with ids as "<Kind> <key>".'),
        })
        .strict(),
    ),
    summary: z
      .object({
        create: z.number().int(),
        update: z.number().int(),
        replace: z.number().int(),
        delete: z.number().int(),
        noop: z.number().int(),
        drift: z.number().int(),
      })
      .strict(),
    liveFingerprint: z.string().describe('Hash of the live state the plan was made against.'),
  })
  .strict()
  .describe('A logto-iac plan (`logto-iac plan --json`).');

type JsonSchema = Record<string, unknown>;

export function buildPlanSchema(): JsonSchema {
  const schema = z.toJSONSchema(planDocument, { target: 'draft-2020-12' }) as JsonSchema;
  return { $id: 'urn:logto-iac:schema:plan', title: 'logto-iac plan', ...schema };
}

const PLACEHOLDER = {
  type: 'string',
  pattern: '\\$\\{(env|file):[^}]+\\}',
  description: 'A ${env:NAME} or ${file:path} placeholder.',
};

/** Strings with a format, pattern or enum also accept a placeholder. */
function allowPlaceholders(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(allowPlaceholders);
  if (!schema || typeof schema !== 'object') return schema;
  const s = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, allowPlaceholders(v)])) as JsonSchema;
  if (s.type === 'string' && (s.format || s.pattern || s.enum)) {
    const { description, ...rest } = s;
    return { ...(description ? { description } : {}), anyOf: [rest, PLACEHOLDER] };
  }
  return s;
}

type ZodInternals = {
  _zod?: { bag?: { patterns?: Set<RegExp> }; def?: { checks?: { _zod?: { def?: { pattern?: unknown } } }[] } };
};

/** The regular expressions of a string schema: its checks' (zod fills `bag.patterns` from them only on use). */
function patternsOf(schema: unknown): RegExp[] {
  const zod = (schema as ZodInternals)._zod;
  const fromChecks = (zod?.def?.checks ?? []).map((c) => c._zod?.def?.pattern).filter((p) => p instanceof RegExp);
  return [...(zod?.bag?.patterns ?? []), ...fromChecks];
}

/** JSON Schema patterns have no flags: a case-insensitive zod regex would reject valid values, so drop it. */
function dropFlaggedPatterns(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }) {
  if (patternsOf(ctx.zodSchema).some((p) => p.flags.includes('i'))) {
    delete ctx.jsonSchema.pattern;
    if (Array.isArray(ctx.jsonSchema.allOf)) delete ctx.jsonSchema.allOf;
  }
}

function fieldSchema(definition: ResourceDefinition<any>, field: string): JsonSchema {
  const raw = z.toJSONSchema(definition.spec.shape[field] as z.ZodType, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: dropFlaggedPatterns as never,
  }) as JsonSchema;
  delete raw.$schema;
  // A write-only secret's version is text to the reconciler, and a number is as good (`passwordVersion: 2`).
  if (versionFields(definition).has(field)) {
    const { type: _type, description, ...text } = raw;
    return allowPlaceholders({
      description,
      anyOf: [
        { ...text, type: 'string' },
        { type: 'integer', minimum: 0 },
      ],
    }) as JsonSchema;
  }
  return allowPlaceholders(raw) as JsonSchema;
}

function requiredFields(definition: ResourceDefinition<any>): Set<string> {
  const schema = z.toJSONSchema(definition.spec, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return new Set((schema.required as string[] | undefined) ?? []);
}

function kindSchema(layout: TenantLayout, l: KindLayout): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const req = requiredFields(l.definition);
  const refFields = new Set([...l.refs.values()].map((r) => r.field));
  for (const field of l.specFields) {
    if (field === l.parent?.field || refFields.has(field)) continue;
    properties[field] = fieldSchema(l.definition, field);
    if (req.has(field) && field !== l.keyField) required.push(field);
  }
  for (const ref of l.refs.values()) {
    const description = `Keys of ${ref.kind} objects defined in the tenant files.`;
    const target = layout.kinds.get(ref.kind);
    const keyString = { type: 'string', minLength: 1 };
    if (!ref.many)
      properties[ref.fileName] = { ...keyString, description: `Key of a ${ref.kind} defined in the tenant files.` };
    else if (target?.parent) {
      properties[ref.fileName] = {
        description: `${description} Either "<${target.parent.kind} key>/<name>" strings, or a map from ${target.parent.kind} key to names.`,
        anyOf: [
          { type: 'array', items: keyString, uniqueItems: true },
          { type: 'object', additionalProperties: { type: 'array', items: keyString } },
        ],
      };
    } else properties[ref.fileName] = { type: 'array', items: keyString, uniqueItems: true, description };
    if (req.has(ref.field)) required.push(ref.fileName);
  }
  for (const child of l.children) {
    if (child.listForm) {
      properties[child.section] = {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        uniqueItems: true,
        description: `${child.kind}: keys of the ${child.listForm.kind} objects (${child.definition.description})`,
      };
    } else {
      properties[child.section] = {
        type: 'object',
        description: `${child.kind} objects by key. ${child.definition.description}`,
        additionalProperties: { anyOf: [kindSchema(layout, child), { type: 'null' }] },
      };
    }
  }
  const keyNote = l.keyField
    ? l.naturalKey
      ? ` The map key is the ${l.keyField} (the natural key).`
      : ` The map key is a handle of your choice; ${l.keyField} defaults to it.`
    : '';
  return {
    type: 'object',
    description: `${l.definition.description}${keyNote}`,
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

/**
 * The schema of an environment's overlay file (`environments/<name>/*.yaml`): the tenant file's sections,
 * with nothing required (an overlay names only what differs) and `null` accepted for any field or object
 * (it removes them in that environment).
 */
export function buildOverlaySchema(catalog: ResourceDefinition<any>[]): JsonSchema {
  const base = buildTenantSchema(catalog);
  const loosen = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(loosen);
    if (!node || typeof node !== 'object') return node;
    const out: JsonSchema = {};
    for (const [k, v] of Object.entries(node as JsonSchema)) {
      if (k === 'required') continue;
      if (k === 'properties' && v && typeof v === 'object')
        out[k] = Object.fromEntries(
          Object.entries(v as JsonSchema).map(([name, p]) => [name, { anyOf: [loosen(p), { type: 'null' }] }]),
        );
      else out[k] = loosen(v);
    }
    return out;
  };
  const properties = base.properties as Record<string, JsonSchema>;
  const sections: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(properties))
    sections[name] = name === '$schema' || name === 'version' ? schema : (loosen(schema) as JsonSchema);
  return {
    ...base,
    $id: 'urn:logto-iac:schema:tenant-overlay',
    title: 'logto-iac environment overlay',
    description:
      'What one environment changes in the shared tenant files (`environments/<name>/`): maps merge key by key, lists and values replace, null removes a field or an object. Generated from the resource catalog.',
    properties: sections,
  };
}

export function buildTenantSchema(catalog: ResourceDefinition<any>[]): JsonSchema {
  const layout = buildLayout(catalog);
  const properties: Record<string, JsonSchema> = {
    $schema: { type: 'string' },
    version: { const: 1, description: 'Tenant file format version.' },
    allowDelete: {
      type: 'array',
      items: { enum: [...layout.kinds.keys()] },
      uniqueItems: true,
      description: 'Kinds whose live objects missing from the files are deleted by apply (off by default).',
    },
  };
  for (const [section, l] of layout.sections) {
    properties[section] = l.singleton
      ? kindSchema(layout, l)
      : {
          type: 'object',
          description: `${l.kind} objects by key.`,
          additionalProperties: { anyOf: [kindSchema(layout, l), { type: 'null' }] },
        };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'urn:logto-iac:schema:tenant',
    title: 'logto-iac tenant file',
    description:
      'Desired configuration of a Logto tenant, applied with `logto-iac apply`. Generated from the resource catalog.',
    type: 'object',
    properties,
    additionalProperties: false,
  };
}
