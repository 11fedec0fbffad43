#!/usr/bin/env node
/**
 * Generates `provider/pulumi/resources.generated.ts`: one Pulumi resource class per catalog type, with typed
 * `Input<>` arguments and `Output<>` properties read from the catalog (zod specs through `introspect.ts`).
 *
 *   node scripts/gen-pulumi.mjs          # write the file
 *   node scripts/gen-pulumi.mjs --check  # exit 1 when the committed file is stale
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'provider/pulumi/resources.generated.ts');

const { catalog, LOOKUP_KINDS } = await tsImport('../resources/index.ts', import.meta.url);
const { describeResource } = await tsImport('../resources/introspect.ts', import.meta.url);
// The same secret property names the resource classes mark at run time.
const { secretPropertyNames } = await tsImport('../provider/pulumi/resource.ts', import.meta.url);
const { versionFields } = await tsImport('../core/reconcile/secrets.ts', import.meta.url);

/** Text safe inside a JSDoc block. */
function doc(text, indent) {
  const lines = String(text || '')
    .replaceAll('*/', '*\\/')
    .split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

function quote(name) {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** The plain TypeScript type of a field (what an Output resolves to). */
function plainType(field) {
  switch (field.type) {
    case 'string':
      return field.enum ? field.enum.map((v) => JSON.stringify(v)).join(' | ') : 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'string[]':
      return 'string[]';
    case 'json':
      return 'Record<string, unknown>';
    case 'object':
      return `{ ${field.fields.map((f) => `${quote(f.name)}${f.optional ? '?' : ''}: ${withNull(f, plainType(f))}`).join('; ')} }`;
    default:
      throw new Error(`unsupported field type ${field.type}`);
  }
}

/** The input type: every level may be an Output of another resource. */
function inputType(field) {
  switch (field.type) {
    case 'string[]':
      return 'pulumi.Input<string>[]';
    case 'object':
      return `{ ${field.fields
        .map((f) => `${quote(f.name)}${f.optional ? '?' : ''}: pulumi.Input<${withNull(f, inputType(f))}>`)
        .join('; ')} }`;
    default:
      return plainType(field);
  }
}

function withNull(field, type) {
  return field.nullable ? `${type} | null` : type;
}

function outputPlainType(output) {
  if (output.type === 'records') return `{ ${output.fields.map((f) => `${quote(f)}: string`).join('; ')} }[]`;
  return {
    string: 'string',
    number: 'number',
    boolean: 'boolean',
    'string[]': 'string[]',
    json: 'Record<string, unknown>',
  }[output.type];
}

function renderKind(definition) {
  const { fields } = describeResource(definition);
  const kind = definition.kind;
  const specNames = new Set(fields.map((f) => f.name));
  const secret = new Set(secretPropertyNames(definition.kind));
  let out = '';
  out += doc(`Arguments of {@link ${kind}}.`, '');
  out += `export interface ${kind}Args {\n`;
  for (const f of fields) {
    const notes = [];
    if (definition.immutable.includes(f.name) && !/replace/i.test(f.description))
      notes.push('Changing it replaces the object.');
    if (definition.sensitive.includes(f.name)) notes.push('Secret: stored encrypted in the Pulumi state.');
    if (f.default !== undefined) notes.push(`Default when not set: \`${JSON.stringify(f.default)}\`.`);
    out += doc([f.description, ...notes].filter(Boolean).join(' '), '  ');
    out += `  readonly ${quote(f.name)}${f.optional ? '?' : ''}: pulumi.Input<${withNull(f, inputType(f))}>;\n`;
  }
  if (definition.key) {
    out += doc(
      `Take over the existing object with the same ${definition.key.fields.join(' + ')} (updated to these arguments) instead of failing with Logto's duplicate error. Pulumi's dynamic resources cannot \`import\`; this is the way to bring an existing object under the program.`,
      '  ',
    );
    out += '  readonly adopt?: pulumi.Input<boolean>;\n';
  }
  out += '}\n\n';
  const notes = [`Type token \`pulumi-nodejs:dynamic/logto:${kind}\`.`];
  if (definition.key) notes.push(`Natural key: ${definition.key.fields.join(' + ')}.`);
  if (definition.singleton) notes.push('Singleton: creating it adopts the tenant object, deleting it only forgets it.');
  out += doc(`${definition.description}\n\n${notes.join(' ')}`, '');
  out += `export class ${kind} extends LogtoResource {\n`;
  for (const o of definition.outputs) {
    if (o.name === 'id' || specNames.has(o.name)) continue;
    const type = outputPlainType(o);
    out += doc(`${o.description}${secret.has(o.name) ? ' Secret.' : ''}`, '  ');
    // Not every object reports every output (e.g. only some application types have a default secret).
    out += `  declare readonly ${quote(o.name)}: pulumi.Output<${type} | undefined>;\n`;
  }
  for (const f of fields) {
    // An optional field that is also an output (a connector's target) is reported even when not set.
    const reported = definition.outputs.some((o) => o.name === f.name);
    const unset = f.optional && !reported ? ' Undefined when the program does not set it.' : '';
    out += doc(`${f.description || f.name}${unset}${secret.has(f.name) ? ' Secret.' : ''}`, '  ');
    const type = withNull(f, plainType(f));
    out += `  declare readonly ${quote(f.name)}: pulumi.Output<${f.optional && !reported ? `${type} | undefined` : type}>;\n`;
  }
  out += '\n';
  out += `  constructor(name: string, args: ${kind}Args, opts?: pulumi.CustomResourceOptions) {\n`;
  out += `    super('${kind}', name, args, opts);\n`;
  out += '  }\n';
  out += '}\n';
  return out;
}

/** `get<Kind>(args)`: the lookup mirroring the Terraform data source of the kind. */
function renderLookup(definition) {
  // Write-only fields (and their versions) are never read back: no lookup argument or result has them.
  const writeOnly = new Set([...(definition.writeOnly ?? []), ...versionFields(definition)]);
  const fields = describeResource(definition).fields.filter((f) => !writeOnly.has(f.name));
  const kind = definition.kind;
  const secret = new Set(secretPropertyNames(definition.kind));
  const wrap = (name, type) => (secret.has(name) ? `pulumi.Output<${type}>` : type);
  const by = fields.filter((f) => f.type === 'string');
  let out = '';
  out += doc(`Arguments of {@link get${kind}}: its \`id\`, or fields that match exactly one ${kind}.`, '');
  out += `export interface Get${kind}Args {\n`;
  out += '  readonly id?: string;\n';
  for (const f of by) out += `  readonly ${quote(f.name)}?: ${plainType(f)};\n`;
  out += '}\n\n';
  out += doc(
    `What {@link get${kind}} resolves with: the ${kind}'s fields and outputs (secret ones as secret outputs).`,
    '',
  );
  out += `export interface Get${kind}Result {\n`;
  out += '  readonly id: string;\n';
  const names = new Set(['id']);
  for (const o of definition.outputs) {
    if (names.has(o.name)) continue;
    names.add(o.name);
    out += `  readonly ${quote(o.name)}?: ${wrap(o.name, outputPlainType(o))};\n`;
  }
  for (const f of fields) {
    if (names.has(f.name)) continue;
    names.add(f.name);
    out += `  readonly ${quote(f.name)}?: ${wrap(f.name, withNull(f, plainType(f)))};\n`;
  }
  out += '}\n\n';
  out += doc(
    `Reads one existing ${kind} (the Terraform data source \`logto_${definition.kind.replace(/[A-Z]/g, (c, i) => `${i ? '_' : ''}${c.toLowerCase()}`)}\`), with the program's Logto credentials.`,
    '',
  );
  out += `export function get${kind}(args: Get${kind}Args${definition.singleton ? ' = {}' : ''}): Promise<Get${kind}Result> {\n`;
  out += `  return lookup<Get${kind}Result>('${kind}', { ...args });\n`;
  out += '}\n';
  return out;
}

function render() {
  let out = '';
  out +=
    '// Generated by scripts/gen-pulumi.mjs from the resource catalog. Do not edit; run `node scripts/gen-pulumi.mjs`.\n';
  out += "import type * as pulumi from '@pulumi/pulumi';\n";
  out += "import { lookup } from './lookups.js';\n";
  out += "import { LogtoResource } from './resource.js';\n\n";
  out += catalog.map(renderKind).join('\n');
  out += `\n${catalog
    .filter((d) => LOOKUP_KINDS.includes(d.kind))
    .map(renderLookup)
    .join('\n')}`;
  out += `\n/** Every kind this module has a class for (the catalog at generation time). */\n`;
  out += `export const kinds = [${catalog.map((d) => `'${d.kind}'`).join(', ')}] as const;\n`;
  return out;
}

/** Format with the project's formatter, so the file passes `biome check` and the staleness check is exact. */
function format(source) {
  const biome = join(root, 'node_modules/@biomejs/biome/bin/biome');
  return execFileSync(process.execPath, [biome, 'format', '--stdin-file-path=provider/pulumi/resources.generated.ts'], {
    cwd: root,
    input: source,
    encoding: 'utf8',
  });
}

const text = format(render());
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('provider/pulumi/resources.generated.ts is stale: run `node scripts/gen-pulumi.mjs`');
    process.exit(1);
  }
  console.log('provider/pulumi/resources.generated.ts is up to date');
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target} (${catalog.length} kinds)`);
}
