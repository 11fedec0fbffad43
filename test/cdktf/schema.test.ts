/**
 * Fast staleness guard for the committed CDKTF inputs: schema/terraform-provider-schema.json (what the
 * bindings in provider/cdktf/generated/ are generated from) must describe exactly what the plugin serves
 * today. The full check (`node scripts/gen-cdktf.mjs --check`) runs terraform and the generator; this one
 * compares in-process, so a catalog change without `npm run gen:cdktf` fails the unit tests too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ProtoAttribute, providerSchema } from '../../provider/terraform/schema.js';
import { LogtoTerraformProvider } from '../../provider/terraform/server.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ADDRESS = 'registry.terraform.io/logto-io/logto';

interface JsonAttribute {
  type?: unknown;
  nested_type?: { attributes: Record<string, JsonAttribute>; nesting_mode: string };
  description?: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
}
interface JsonSchema {
  block: { attributes: Record<string, JsonAttribute>; description?: string };
}

interface Normal {
  type: unknown;
  nested: Record<string, Normal> | null;
  description: string;
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
}

function fromJson(attrs: Record<string, JsonAttribute>): Record<string, Normal> {
  return Object.fromEntries(
    Object.entries(attrs).map(([name, a]) => [
      name,
      {
        type: a.type ?? null,
        nested: a.nested_type ? fromJson(a.nested_type.attributes) : null,
        description: a.description ?? '',
        required: a.required ?? false,
        optional: a.optional ?? false,
        computed: a.computed ?? false,
        sensitive: a.sensitive ?? false,
      },
    ]),
  );
}

function fromProto(attrs: ProtoAttribute[]): Record<string, Normal> {
  return Object.fromEntries(
    attrs.map((a) => [
      a.name,
      {
        type: a.type ? JSON.parse(a.type.toString('utf8')) : null,
        nested: a.nested_type ? fromProto(a.nested_type.attributes) : null,
        description: a.description,
        required: a.required,
        optional: a.optional,
        computed: a.computed,
        sensitive: a.sensitive,
      },
    ]),
  );
}

describe('schema/terraform-provider-schema.json', () => {
  const committed = JSON.parse(readFileSync(join(ROOT, 'schema', 'terraform-provider-schema.json'), 'utf8')) as {
    provider_schemas: Record<
      string,
      {
        provider: JsonSchema;
        resource_schemas: Record<string, JsonSchema>;
        data_source_schemas: Record<string, JsonSchema>;
      }
    >;
  };
  const schema = committed.provider_schemas[ADDRESS]!;
  const plugin = new LogtoTerraformProvider({ env: {}, log: () => {} });
  const stale = 'stale: run `npm run gen:cdktf` and commit schema/ and provider/cdktf/generated/';

  it('lists exactly the resources and data sources the plugin serves', () => {
    expect(Object.keys(schema.resource_schemas).sort(), stale).toEqual([...plugin.resources.keys()].sort());
    expect(Object.keys(schema.data_source_schemas).sort(), stale).toEqual([...plugin.dataSources.keys()].sort());
  });

  it('has the attributes, flags, types and descriptions the plugin serves', () => {
    expect(fromJson(schema.provider.block.attributes), stale).toEqual(fromProto(providerSchema().block.attributes));
    const pairs = [
      ...[...plugin.resources].map(([name, ts]) => [`resource ${name}`, schema.resource_schemas[name], ts] as const),
      ...[...plugin.dataSources].map(([name, ts]) => [`data ${name}`, schema.data_source_schemas[name], ts] as const),
    ];
    for (const [what, json, ts] of pairs) {
      expect(fromJson(json!.block.attributes), `${what}: ${stale}`).toEqual(fromProto(ts.proto.block.attributes));
      expect(json!.block.description ?? '', `${what}: ${stale}`).toBe(ts.proto.block.description);
    }
  });

  it('is what the generated bindings were made from: every resource has its construct', () => {
    const all = readFileSync(join(ROOT, 'provider', 'cdktf', 'generated', 'all.ts'), 'utf8');
    for (const name of [...Object.keys(schema.resource_schemas), ...Object.keys(schema.data_source_schemas)]) {
      // logto_api_resource → api-resource; data sources are prefixed data-logto-.
      const dir = name.replace(/^logto_/, '').replace(/_/g, '-');
      const module = schema.resource_schemas[name] ? dir : `data-logto-${dir}`;
      expect(all, stale).toContain(`'./${module}/index.js'`);
    }
  });
});
