/**
 * Reads a resource definition's zod spec into a plain field list. Every front end derives its schema from
 * this (Terraform attributes, Pulumi input types, docs) so the zod internals are touched in one place.
 */
import type { z } from 'zod';
import type { ResourceDefinition } from '../core/contract.js';

export type FieldType =
  | { type: 'string'; enum?: string[] }
  | { type: 'number'; int: boolean }
  | { type: 'boolean' }
  | { type: 'string[]' }
  | { type: 'json' }
  | { type: 'object'; fields: FieldInfo[] };

export type FieldInfo = FieldType & {
  name: string;
  description: string;
  /** The user may leave it out. */
  optional: boolean;
  /** May be set to null explicitly (clears the value on the server). */
  nullable: boolean;
  default?: unknown;
};

export interface ResourceFields {
  fields: FieldInfo[];
  /** Names of fields flagged by the definition. */
  immutable: Set<string>;
  sensitive: Set<string>;
  sets: Set<string>;
}

interface Unwrapped {
  schema: z.ZodType;
  optional: boolean;
  nullable: boolean;
  default?: unknown;
  description?: string;
}

function unwrap(schema: z.ZodType): Unwrapped {
  let current: any = schema;
  const result: Omit<Unwrapped, 'schema'> = { optional: false, nullable: false, description: schema.description };
  for (;;) {
    const def = current._zod.def;
    result.description ??= current.description;
    if (def.type === 'optional') result.optional = true;
    else if (def.type === 'nullable') result.nullable = true;
    else if (def.type === 'default' || def.type === 'prefault') {
      result.optional = true;
      result.default = typeof def.defaultValue === 'function' ? def.defaultValue() : def.defaultValue;
    } else if (def.type === 'pipe') {
      current = def.in;
      continue;
    } else break;
    current = def.innerType;
  }
  return { ...result, schema: current };
}

function fieldType(schema: z.ZodType, where: string): FieldType {
  const def: any = (schema as any)._zod.def;
  switch (def.type) {
    case 'string':
      return { type: 'string' };
    case 'enum':
      return { type: 'string', enum: Object.values(def.entries as Record<string, string>) };
    case 'literal':
      return { type: 'string', enum: def.values.map(String) };
    case 'number':
    case 'int':
      return { type: 'number', int: (schema as any).isInt ?? def.check === 'number_format' };
    case 'boolean':
      return { type: 'boolean' };
    case 'array': {
      const item = unwrap(def.element).schema;
      const t = fieldType(item, `${where}[]`);
      if (t.type !== 'string') throw new Error(`${where}: only arrays of strings are supported in specs`);
      return { type: 'string[]' };
    }
    case 'record':
    case 'unknown':
    case 'any':
      return { type: 'json' };
    case 'object':
      return { type: 'object', fields: describeShape(schema as z.ZodObject, where) };
    default:
      throw new Error(`${where}: unsupported zod type "${def.type}" in a resource spec`);
  }
}

function describeShape(object: z.ZodObject, where: string): FieldInfo[] {
  return Object.entries(object.shape).map(([name, raw]) => {
    const u = unwrap(raw as z.ZodType);
    return {
      name,
      description: u.description ?? '',
      optional: u.optional,
      nullable: u.nullable,
      ...(u.default !== undefined ? { default: u.default } : {}),
      ...fieldType(u.schema, `${where}.${name}`),
    } as FieldInfo;
  });
}

export function describeResource(definition: ResourceDefinition<any>): ResourceFields {
  return {
    fields: describeShape(definition.spec, definition.kind),
    immutable: new Set(definition.immutable),
    sensitive: new Set(definition.sensitive),
    sets: new Set(definition.sets),
  };
}

/** `ApiResourceScope` → `api_resource_scope`; `redirectUris` → `redirect_uris`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** `redirect_uris` → `redirectUris`. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
