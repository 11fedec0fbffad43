/**
 * Reference pages for the Terraform provider, generated from the same schemas the plugin serves: one page
 * per resource and data source, with an example (taken from the tested HCL example where it has one) and
 * the import forms.
 */
import type { ResourceDefinition } from '../../core/contract.js';
import { snakeCase } from '../../resources/introspect.js';
import {
  type Attr,
  DATA_SOURCE_KINDS,
  dataSourceSchema,
  forDataSource,
  importForms,
  PROVIDER_CONFIG,
  resourceSchema,
  type TypeSchema,
  typeDescription,
  typeNameOf,
} from './schema.js';

function typeText(attr: Attr): string {
  if (attr.nested) return 'object';
  const t = attr.type;
  if (typeof t === 'string') return t;
  if (t[0] === 'object') return 'object';
  return `${t[0]}(${typeof t[1] === 'string' ? t[1] : 'object'})`;
}

function attrLine(attr: Attr): string {
  const flags = [typeText(attr)];
  if (attr.sensitive) flags.push('sensitive');
  if (attr.writeOnly) flags.push('write-only');
  if (attr.writeOnlyForm === 'deprecated') flags.push('deprecated');
  const text = attr.description.replace(/\s+/g, ' ').trim();
  return `- \`${attr.name}\` (${flags.join(', ')}) ${text}`;
}

function attrSections(ts: TypeSchema): string[] {
  const required = ts.attrs.filter((a) => a.required);
  const optional = ts.attrs.filter((a) => a.optional);
  const readOnly = ts.attrs.filter((a) => a.computed && !a.optional && !a.required);
  const out: string[] = [];
  const section = (title: string, attrs: Attr[]) => {
    if (attrs.length === 0) return;
    out.push(`### ${title}`, '');
    for (const a of attrs) {
      out.push(attrLine(a));
      for (const n of a.nested ?? []) out.push(`  ${attrLine(n)}`);
    }
    out.push('');
  };
  section('Required', required);
  section('Optional', optional);
  section('Read-only', readOnly);
  return out;
}

/** The first `<keyword> "<type>" "<name>" { … }` block of each type in an HCL file (top-level braces only). */
export function exampleBlocks(hcl: string, keyword: 'resource' | 'data'): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const [address, text] of topLevelBlocks(hcl, keyword)) {
    const type = address.split('.')[0] as string;
    if (!blocks.has(type)) blocks.set(type, text);
  }
  return blocks;
}

/** Every `<keyword> "<a>" "<b>" { … }` block (or `variable "<a>" { … }`) of an HCL file by address `a.b` / `a`. */
function topLevelBlocks(hcl: string, keyword: 'resource' | 'data' | 'variable'): Map<string, string> {
  const blocks = new Map<string, string>();
  const label = keyword === 'variable' ? '"([a-z0-9_]+)"' : '"([a-z0-9_]+)" "([a-z0-9_]+)"';
  const re = new RegExp(`^${keyword} ${label} \\{`, 'gm');
  for (const m of hcl.matchAll(re)) {
    const start = m.index ?? 0;
    const end = hcl.indexOf('\n}', start);
    if (end > 0) blocks.set(m.slice(1).filter(Boolean).join('.'), hcl.slice(start, end + 2));
  }
  return blocks;
}

/**
 * The example file's `name_prefix` lets several copies of it share one tenant (tests, previews); a reader of
 * one page needs neither it nor its variable.
 */
function withoutNamePrefix(block: string): string {
  return block
    .replace(/\$\{(?:replace\()?var\.name_prefix[^}]*\}/g, '')
    .split('\n')
    .filter((line) => !/^\s*\/\/\s*$/.test(line))
    .join('\n');
}

/**
 * One page's example, self-contained: the block, then every resource it refers to (transitively, as the
 * example file or the generated example defines them), then the variables they use. Each page's example
 * passes `terraform validate` on its own (test/terraform/docs-validate.test.ts).
 */
function selfContainedExample(
  main: string,
  defined: Map<string, string>,
  variables: Map<string, string>,
  generated: (typeName: string) => string | undefined,
): string {
  const blocks = [main];
  const seen = new Set<string>();
  const used = new Set<string>();
  for (let i = 0; i < blocks.length; i++) {
    const text = blocks[i] as string;
    for (const m of text.matchAll(/\bvar\.([a-z0-9_]+)/g)) used.add(m[1] as string);
    const own = /^resource "([a-z0-9_]+)" "([a-z0-9_]+)"/.exec(text);
    if (own) seen.add(`${own[1]}.${own[2]}`);
    for (const m of text.matchAll(/(?<![\w."])(logto_[a-z0-9_]+)\.([a-z0-9_]+)\b/g)) {
      const address = `${m[1]}.${m[2]}`;
      if (seen.has(address)) continue;
      seen.add(address);
      const block = defined.get(address) ?? (m[2] === 'example' ? generated(m[1] as string) : undefined);
      if (block) blocks.push(withoutNamePrefix(block));
    }
  }
  const vars = [...used].flatMap((name) => {
    const v = variables.get(name);
    return v ? [v] : [`variable "${name}" {\n  type = string\n}`];
  });
  return [...blocks, ...vars].join('\n\n');
}

function exampleValue(attr: Attr, definition: ResourceDefinition<any>): string {
  const ref = definition.references.find((r) => r.field === attr.field);
  const refKind = ref?.kind ?? (definition.parent?.field === attr.field ? definition.parent.kind : undefined);
  if (refKind) {
    const expr = `${typeNameOf(refKind)}.example.id`;
    return Array.isArray(attr.type) ? `[${expr}]` : expr;
  }
  if (attr.type === 'bool') return 'true';
  if (attr.type === 'number') return '3600';
  if (Array.isArray(attr.type)) return '["example"]';
  if (attr.json) return 'jsonencode({ key = "value" })';
  const enumMatch = /One of: `([^`]+)`/.exec(attr.description);
  if (enumMatch) return JSON.stringify(enumMatch[1]);
  if (/url|uri|indicator/i.test(attr.field)) return '"https://example.com"';
  if (attr.field === 'domain') return '"auth.example.com"';
  return '"example"';
}

function generatedExample(ts: TypeSchema): string {
  const lines = [`resource "${ts.typeName}" "example" {`];
  const attrs = ts.attrs.filter((a) => a.required && !a.nested);
  const width = Math.max(0, ...attrs.map((a) => a.name.length));
  for (const a of attrs) lines.push(`  ${a.name.padEnd(width)} = ${exampleValue(a, ts.definition)}`);
  lines.push('}');
  return lines.join('\n');
}

/**
 * How a type's write-only secrets are set and rotated (Terraform's `_wo` + `_wo_version` convention), with
 * an ephemeral variable, so that neither the state nor a saved plan holds the value.
 */
function writeOnlySection(ts: TypeSchema): string[] {
  return (ts.definition.writeOnly ?? []).flatMap((field) => {
    const name = snakeCase(field);
    const wo = `${name}_wo`;
    const key = ts.attrs.find((a) => a.required && a.kind === 'spec');
    return [
      `## Write-only \`${name}\` and rotation`,
      '',
      `\`${wo}\` is write-only (Terraform 1.11 or later): Terraform never stores it in the state or in a saved plan, and Logto never returns it. It is written when the resource is created and whenever \`${wo}_version\` changes; to rotate, give the new value and a new version. Let it come from an \`ephemeral\` variable, which may only be used in write-only arguments: then no file Terraform writes holds it.`,
      '',
      '```hcl',
      `variable "${name}" {`,
      '  type      = string',
      '  sensitive = true',
      '  ephemeral = true',
      '}',
      '',
      `variable "${name}_version" {`,
      '  type    = number',
      '  default = 1',
      '}',
      '',
      `resource "${ts.typeName}" "example" {`,
      ...(key ? [`  ${key.name.padEnd(wo.length + 8)} = ${exampleValue(key, ts.definition)}`] : []),
      `  ${wo.padEnd(wo.length + 8)} = var.${name}`,
      `  ${wo}_version = var.${name}_version`,
      '}',
      '```',
      '',
      '```shell',
      `TF_VAR_${name}='…new…' TF_VAR_${name}_version=2 terraform apply`,
      '```',
      '',
      `Without \`${wo}_version\`, \`${wo}\` is written on create only. The older \`${name}\` argument is deprecated (a warning says so): it is write-only too, and \`${name}_digest\` keeps a salted scrypt digest of the value last written, so that a new value in the configuration is noticed and written. It cannot be set together with \`${wo}\`.`,
      '',
    ];
  });
}

function resourcePage(ts: TypeSchema, example: string): string {
  const d = ts.definition;
  const forms = importForms(d);
  // The import snippets name the example's resource, so the page's blocks validate together.
  const address =
    /^resource "([a-z0-9_]+)" "([a-z0-9_]+)"/.exec(example)?.slice(1).join('.') ?? `${ts.typeName}.example`;
  const out = [
    `# ${ts.typeName} (resource)`,
    '',
    typeDescription(d),
    '',
    d.singleton
      ? d.removable
        ? 'This is a singleton that exists only once configured: creating it configures it (or adopts the existing one), and destroying it removes it.\n'
        : 'This is a singleton: creating it adopts the existing settings and manages only the attributes you set; destroying it leaves the settings as they are.\n'
      : '',
    'Optional attributes you leave out are not managed: Terraform keeps what the server has and never shows them as a change.',
    '',
    '## Example',
    '',
    '```hcl',
    example,
    '```',
    '',
    ...writeOnlySection(ts),
    '## Schema',
    '',
    ...attrSections(ts),
    '## Import',
    '',
    '```shell',
    ...forms.map((f) => `terraform import ${address} '${f.example}'   # ${f.form}`),
    '```',
    '',
    ...forms
      .filter((f) => f.exactlyOne)
      .map(
        (f) =>
          `Logto does not keep \`${f.form.replace(/=<[^>]+>/g, '')}\` unique: an import id of the form \`${f.form}\` must match exactly one object (several are an error; import by id then).\n`,
      ),
    'or with an import block:',
    '',
    '```hcl',
    'import {',
    `  to = ${address}`,
    `  id = "${forms[forms.length - 1]?.example ?? 'abc123'}"`,
    '}',
    '```',
    '',
  ];
  return out.filter((l, i) => !(l === '' && out[i - 1] === '')).join('\n');
}

function dataSourcePage(ts: TypeSchema): string {
  const d = ts.definition;
  const keyFields = d.singleton ? [] : (d.key?.fields ?? ['name']);
  const example = [
    `data "${ts.typeName}" "${d.singleton ? 'current' : 'example'}" {`,
    ...keyFields.map((f) => `  ${snakeCase(f)} = ${f === 'indicator' ? '"https://api.example.com"' : '"admin"'}`),
    '}',
  ].join('\n');
  const intro = d.singleton
    ? `Reads the tenant's ${d.kind} (a singleton: no arguments; an error while none is configured).`
    : `Looks up an existing ${d.kind} by \`id\` or by ${keyFields.map((f) => `\`${snakeCase(f)}\``).join(' and ')}.`;
  return [
    `# ${ts.typeName} (data source)`,
    '',
    `${intro} ${forDataSource(typeDescription(d))}`,
    '',
    '## Example',
    '',
    '```hcl',
    example,
    '```',
    '',
    '## Schema',
    '',
    ...attrSections(ts),
  ].join('\n');
}

function providerPage(definitions: ResourceDefinition<any>[]): string {
  return [
    '# Logto provider',
    '',
    'Manages a Logto tenant (Cloud or self-hosted) through its Management API. Written in TypeScript on the',
    'logto-iac core. `terraform init` (or `tofu init`) installs a released version from the Terraform or OpenTofu',
    'registry; without a registry, install it into a filesystem mirror with `npx logto-iac terraform-install <dir>`.',
    '',
    '```hcl',
    'terraform {',
    '  required_providers {',
    '    logto = { source = "logto-io/logto" }',
    '  }',
    '}',
    '',
    'variable "logto_app_id" {',
    '  type = string',
    '}',
    '',
    'provider "logto" {',
    '  endpoint = "https://acme.logto.app"',
    '  app_id   = var.logto_app_id',
    '  # app_secret from LOGTO_APP_SECRET',
    '}',
    '```',
    '',
    '## Provider arguments',
    '',
    ...PROVIDER_CONFIG.map((a) => `- \`${a.name}\` (${a.type}${a.sensitive ? ', sensitive' : ''}) ${a.description}`),
    '',
    '## Interrupted applies',
    '',
    'Terraform records an object only when the plugin answers. If the plugin (or the machine) dies after Logto',
    'created an object but before that answer, the next `terraform apply` adopts that object instead of',
    'creating it again: before each create the plugin writes an intent into `.terraform/logto-iac-pending/` in',
    'the working directory, notes the object in it once Logto has answered, and removes it when a refresh shows',
    'that Terraform recorded the object. A create that finds its intent still there',
    'first looks the object up by its key (name, indicator…; for names Logto lets repeat, only among objects',
    'that did not exist before the interrupted create), adopts the one it finds, brings it to the configuration',
    'and says so in a warning. Several candidates are an error that lists their ids.',
    '',
    '## Resources',
    '',
    ...definitions.map((d) => `- [${typeNameOf(d.kind)}](resources/${snakeCase(d.kind)}.md)`),
    '',
    '## Data sources',
    '',
    ...definitions
      .filter((d) => DATA_SOURCE_KINDS.includes(d.kind))
      .map((d) => `- [${typeNameOf(d.kind)}](data-sources/${snakeCase(d.kind)}.md)`),
    '',
  ].join('\n');
}

/**
 * Relative path (as the Terraform and OpenTofu registries read a provider's docs/ directory: index.md,
 * resources/<name>.md, data-sources/<name>.md) → markdown. `exampleHcl` is the text of
 * examples/terraform/main.tf.
 */
export function renderTerraformDocs(definitions: ResourceDefinition<any>[], exampleHcl = ''): Map<string, string> {
  const pages = new Map<string, string>();
  const examples = exampleBlocks(exampleHcl, 'resource');
  const defined = topLevelBlocks(exampleHcl, 'resource');
  const variables = topLevelBlocks(exampleHcl, 'variable');
  const schemas = new Map(definitions.map((d) => [typeNameOf(d.kind), resourceSchema(d)]));
  const generated = (typeName: string) => {
    const ts = schemas.get(typeName);
    return ts ? generatedExample(ts) : undefined;
  };
  pages.set('index.md', providerPage(definitions));
  for (const d of definitions) {
    const ts = schemas.get(typeNameOf(d.kind)) as TypeSchema;
    const main = withoutNamePrefix(examples.get(ts.typeName) ?? generatedExample(ts));
    pages.set(
      `resources/${snakeCase(d.kind)}.md`,
      resourcePage(ts, selfContainedExample(main, defined, variables, generated)),
    );
    if (DATA_SOURCE_KINDS.includes(d.kind))
      pages.set(`data-sources/${snakeCase(d.kind)}.md`, dataSourcePage(dataSourceSchema(d, definitions)));
  }
  return pages;
}
