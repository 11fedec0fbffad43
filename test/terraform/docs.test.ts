/**
 * The text Terraform users read: the schema descriptions the plugin serves (also what `terraform providers
 * schema`, CDKTF and the docs pages show) and the generated pages in docs/ (index.md, resources/, data-sources/).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { identityKey } from '../../core/reconcile/index.js';
import { renderTerraformDocs } from '../../provider/terraform/docs.js';
import {
  DATA_SOURCE_KINDS,
  dataSourceSchema,
  type ProtoAttribute,
  type ProtoSchema,
  providerSchema,
  resourceSchema,
} from '../../provider/terraform/schema.js';
import { catalog } from '../../resources/index.js';
import { describeResource, type FieldInfo, snakeCase } from '../../resources/introspect.js';

const ROOT = join(import.meta.dirname, '..', '..');
const pages = renderTerraformDocs(catalog, readFileSync(join(ROOT, 'examples', 'terraform', 'main.tf'), 'utf8'));

/** Every catalog field and output name Terraform spells differently (camelCase → snake_case). */
const camelNames = (() => {
  const names = new Set<string>();
  const walk = (fields: FieldInfo[]) => {
    for (const f of fields) {
      names.add(f.name);
      if (f.type === 'object') walk(f.fields);
    }
  };
  for (const d of catalog) {
    walk(describeResource(d).fields);
    for (const o of d.outputs) names.add(o.name);
  }
  return [...names].filter((n) => n !== snakeCase(n));
})();

/** Catalog names used as names in text (JSON keys inside quoted examples are the API's, not ours). */
function camelMentions(text: string): string[] {
  return camelNames.filter((n) => new RegExp(`(?<![\\w"])${n}(?![\\w"])`).test(text));
}

function descriptions(schema: ProtoSchema, where: string): { where: string; text: string }[] {
  const out = [{ where, text: schema.block.description }];
  const walk = (attrs: ProtoAttribute[], prefix: string) => {
    for (const a of attrs) {
      out.push({ where: `${prefix}.${a.name}`, text: a.description });
      if (a.nested_type) walk(a.nested_type.attributes, `${prefix}.${a.name}`);
    }
  };
  walk(schema.block.attributes, where);
  return out;
}

const resourceTexts = catalog.flatMap((d) => descriptions(resourceSchema(d).proto, `resource ${d.kind}`));
const dataSourceTexts = catalog
  .filter((d) => DATA_SOURCE_KINDS.includes(d.kind))
  .flatMap((d) => descriptions(dataSourceSchema(d, catalog).proto, `data ${d.kind}`));
const allTexts = [...resourceTexts, ...dataSourceTexts, ...descriptions(providerSchema(), 'provider')];

/** Sentences of a text, normalised for comparison. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z])/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/** Sentences that only make sense for a managed resource. */
const RESOURCE_ONLY = [
  /changing it replaces/i,
  /authoritative/i,
  /when left out/i,
  /null clears/i,
  /\badopted\b/i,
  /usable for import/i,
  /changed in place/i,
  /renaming keeps/i,
];

describe('Terraform descriptions and docs pages', () => {
  it('state nothing twice (one "replaces" remark, no repeated sentence)', () => {
    const problems: string[] = [];
    const lines = [...allTexts, ...[...pages].flatMap(([p, t]) => t.split('\n').map((l) => ({ where: p, text: l })))];
    for (const { where, text } of lines) {
      if ((text.match(/changing it replaces/gi) ?? []).length > 1) problems.push(`${where}: ${text}`);
      if ((text.match(/unique in the tenant/gi) ?? []).length > 1) problems.push(`${where}: ${text}`);
      const seen = sentences(text);
      if (new Set(seen).size !== seen.length) problems.push(`${where}: ${text}`);
    }
    expect(problems).toEqual([]);
  });

  it('name catalog fields the way Terraform spells them (snake_case)', () => {
    expect(camelNames).toEqual(expect.arrayContaining(['fallbackLanguage', 'signingKey', 'applicationId']));
    const problems = allTexts
      .filter(({ text }) => camelMentions(text).length > 0)
      .map(({ where, text }) => `${where}: ${camelMentions(text).join(', ')} in "${text}"`);
    for (const [page, text] of pages) {
      // Prose and attribute lists, not the HCL/shell examples (`jsonencode` bodies hold the API's own keys).
      const prose = text.replace(/```[\s\S]*?```/g, '');
      for (const n of camelMentions(prose)) problems.push(`${page}: ${n}`);
    }
    expect(problems).toEqual([]);
    expect(pages.get('resources/sign_in_experience.md')).toContain('`fallback_language`');
    expect(pages.get('resources/hook.md')).toContain('`signing_key`');
  });

  it('keep resource-only remarks off data sources', () => {
    const problems: string[] = [];
    for (const { where, text } of dataSourceTexts)
      for (const re of RESOURCE_ONLY) if (re.test(text)) problems.push(`${where}: ${re} in "${text}"`);
    for (const [page, text] of pages) {
      if (!page.startsWith('data-sources/')) continue;
      for (const re of RESOURCE_ONLY) if (re.test(text)) problems.push(`${page}: ${re}`);
    }
    expect(problems).toEqual([]);
    // The resource pages keep them.
    expect(pages.get('resources/role.md')).toMatch(/Authoritative: scopes not listed are removed/);
    expect(pages.get('resources/role.md')).toMatch(/Changing it replaces the role\./);
  });

  it("lists the import forms the reconciler accepts (its identity key), adoption keys as 'exactly one'", () => {
    for (const d of catalog) {
      const page = pages.get(`resources/${snakeCase(d.kind)}.md`) ?? '';
      const proto = resourceSchema(d).proto.block.description;
      const key = identityKey(d);
      if (!key || d.singleton) continue;
      const form = key.fields.map((f) => `${snakeCase(f)}=<${snakeCase(f)}>`).join(',');
      expect(page, d.kind).toContain(`# ${form}`);
      expect(proto, d.kind).toContain(`\`${form}\``);
      if (!key.unique) {
        expect(page, d.kind).toMatch(/must match exactly one/);
        expect(proto, d.kind).toMatch(/must match exactly one/);
      }
    }
    for (const kind of ['application', 'hook', 'organization'])
      expect(pages.get(`resources/${kind}.md`)).toMatch(new RegExp(`terraform import logto_${kind}\\.\\w+ 'name=`));
  });

  it('the checked-in pages are what the generator writes (--check)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'gen-terraform-docs.mjs'), '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
  }, 70_000);
});
