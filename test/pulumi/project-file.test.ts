/**
 * The root `Pulumi.yaml`, checked offline against the rules the Pulumi CLI applies when it loads a project
 * (no Pulumi CLI on this machine). The rules, as verified in Pulumi's sources and docs:
 *
 * - `name` and `runtime` are required (`Project.Validate`, sdk/go/common/workspace/project.go); a project
 *   name is letters, digits, `_`, `.` and `-`, at most 100 characters (`ValidateProjectName`).
 * - `runtime` is a name or `{ name, options }`; the nodejs runtime's options include `typescript`.
 * - `config`: a key is in the project's namespace when it has no `:` or starts with `<name>:`. A key outside
 *   it (a provider's, like `logto:endpoint`) may not declare a `type` or a `default` and must give a `value`
 *   ("Configuration key '…' is namespaced and must provide an attribute 'value'"); no key may have both
 *   `default` and `value`; an `array` type needs `items`.
 * - `main` is relative to the location of `Pulumi.yaml`; it may name a directory to load the program from
 *   (project file reference, "About main"). A Node.js program's directory holds a package.json naming
 *   the entry point.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from './harness.js';

const RUNTIMES = ['nodejs', 'python', 'go', 'dotnet', 'java', 'yaml', 'bun'];
const ATTRIBUTES = [
  'name',
  'runtime',
  'description',
  'config',
  'packages',
  'main',
  'stackConfigDir',
  'backend',
  'options',
  'template',
  'plugins',
  'author',
  'website',
  'license',
  'requiredPulumiVersion',
];
const CONFIG_TYPES = ['string', 'boolean', 'integer', 'array'];

interface PackageJson {
  main?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Every problem Pulumi would report (or a Node.js program started from `main` would hit), as text. */
function projectProblems(text: string, projectDir: string): string[] {
  const problems: string[] = [];
  const project = parse(text) as Record<string, unknown> | null;
  if (!project || typeof project !== 'object') return ['the project file is not a map'];
  for (const key of Object.keys(project))
    if (!ATTRIBUTES.includes(key)) problems.push(`unknown project attribute '${key}'`);

  const name = project.name;
  if (typeof name !== 'string' || name === '') problems.push("project is missing a 'name' attribute");
  else if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name))
    problems.push(`project name '${name}' may only contain alphanumeric, hyphens, underscores, and periods`);

  const runtime = project.runtime;
  const runtimeName =
    typeof runtime === 'string'
      ? runtime
      : runtime && typeof runtime === 'object'
        ? (runtime as { name?: unknown }).name
        : undefined;
  if (typeof runtimeName !== 'string' || runtimeName === '') problems.push("project is missing a 'runtime' attribute");
  else if (!RUNTIMES.includes(runtimeName)) problems.push(`unknown runtime '${runtimeName}'`);

  const config = project.config;
  if (config !== undefined && config !== null) {
    if (typeof config !== 'object' || Array.isArray(config)) problems.push("'config' must be a map");
    else {
      for (const [key, raw] of Object.entries(config as Record<string, unknown>)) {
        const declaration =
          raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
        if (!declaration) continue; // a plain value
        const ownNamespace = typeof name === 'string' && (!key.includes(':') || key.startsWith(`${name}:`));
        if ('default' in declaration && 'value' in declaration)
          problems.push(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
        if (ownNamespace) {
          if (declaration.type !== undefined && !CONFIG_TYPES.includes(String(declaration.type)))
            problems.push(`config '${key}': unknown type '${String(declaration.type)}'`);
          if (declaration.type === 'array' && declaration.items === undefined)
            problems.push(`config '${key}' declares an array but does not specify 'items'`);
          continue;
        }
        if (declaration.type !== undefined)
          problems.push(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
        if ('default' in declaration)
          problems.push(
            `Configuration key '${key}' is not namespaced by the project and should not define a default value`,
          );
        if (!('value' in declaration))
          problems.push(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
      }
    }
  }

  const main = project.main;
  if (main !== undefined) {
    if (typeof main !== 'string' || main === '') problems.push("'main' must be a path");
    else if (isAbsolute(main)) problems.push(`'main' (${main}) must be relative to the project file`);
    else {
      const target = resolve(projectDir, main);
      if (!existsSync(target)) problems.push(`'main' (${main}) does not exist relative to the project file`);
      else if (runtimeName === 'nodejs') problems.push(...nodeProgramProblems(target, runtime));
    }
  }
  return problems;
}

function nodeProgramProblems(target: string, runtime: unknown): string[] {
  const problems: string[] = [];
  const dir = statSync(target).isDirectory() ? target : dirname(target);
  const packagePath = join(dir, 'package.json');
  if (!existsSync(packagePath)) return [`the program directory ${dir} has no package.json`];
  const pkg = JSON.parse(readFileSync(packagePath, 'utf8')) as PackageJson;
  const entry = statSync(target).isDirectory() ? join(dir, pkg.main ?? 'index.js') : target;
  if (!existsSync(entry)) problems.push(`the program's entry point ${entry} does not exist`);
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const typescript =
    runtime && typeof runtime === 'object'
      ? (runtime as { options?: { typescript?: unknown } }).options?.typescript !== false
      : true;
  if (typescript && entry.endsWith('.ts') && !deps.typescript)
    problems.push(`${packagePath} must depend on typescript to run ${entry}`);
  if (existsSync(entry)) {
    // Every package the program imports is declared next to it, so `npm install` there is enough.
    const source = readFileSync(entry, 'utf8');
    for (const match of source.matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
      const pkgName = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
      if (!deps[pkgName]) problems.push(`${entry} imports ${pkgName}, which ${packagePath} does not declare`);
    }
  }
  return problems;
}

describe('Pulumi.yaml at the repository root', () => {
  const text = readFileSync(join(repoRoot, 'Pulumi.yaml'), 'utf8');

  it('passes the project checks Pulumi runs when it loads the project', () => {
    expect(projectProblems(text, repoRoot)).toEqual([]);
    const project = parse(text) as { name: string; runtime: { name: string; options: { typescript: boolean } } };
    expect(project.name).toBe('logto-acme-shop');
    expect(project.runtime).toEqual({ name: 'nodejs', options: { typescript: true } });
  });

  it('main points at examples/pulumi, which has the package.json and entry point a Node.js program needs', () => {
    const { main } = parse(text) as { main: string };
    const dir = resolve(repoRoot, main);
    expect(dir).toBe(join(repoRoot, 'examples', 'pulumi'));
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
    expect(pkg.main).toBe('index.ts');
    expect(pkg.dependencies).toHaveProperty('@pulumi/pulumi');
    expect(pkg.dependencies).toHaveProperty('logto-iac');
    expect(existsSync(join(dir, 'tsconfig.json'))).toBe(true);
  });

  it('keeps the provider settings documented (as comments, since Pulumi rejects them as value-less keys)', () => {
    for (const key of ['logto:endpoint', 'logto:appId', 'logto:appSecret']) expect(text).toContain(key);
  });
});

describe('the project checks themselves', () => {
  const base = 'name: p\nruntime: nodejs\n';

  it('reject a provider config key without a value, with a type or with a default', () => {
    expect(projectProblems(`${base}config:\n  logto:endpoint:\n    description: URL\n`, repoRoot)).toEqual([
      "Configuration key 'logto:endpoint' is namespaced and must provide an attribute 'value'",
    ]);
    expect(projectProblems(`${base}config:\n  logto:appId:\n    type: string\n    default: x\n`, repoRoot)).toEqual([
      "Configuration key 'logto:appId' is not namespaced by the project and should not define a type",
      "Configuration key 'logto:appId' is not namespaced by the project and should not define a default value",
      "Configuration key 'logto:appId' is namespaced and must provide an attribute 'value'",
    ]);
    expect(projectProblems(`${base}config:\n  logto:endpoint:\n    value: https://x.example\n`, repoRoot)).toEqual([]);
    expect(projectProblems(`${base}config:\n  logto:endpoint: https://x.example\n`, repoRoot)).toEqual([]);
  });

  it('accept typed keys in the project namespace, and check the other rules', () => {
    expect(
      projectProblems(
        `${base}config:\n  token:\n    type: string\n    secret: true\n  p:size:\n    type: integer\n    default: 2\n`,
        repoRoot,
      ),
    ).toEqual([]);
    expect(projectProblems(`${base}config:\n  list:\n    type: array\n`, repoRoot)).toEqual([
      "config 'list' declares an array but does not specify 'items'",
    ]);
    expect(projectProblems(`${base}config:\n  x:\n    value: 1\n    default: 2\n`, repoRoot)).toEqual([
      "project config 'x' cannot have both a 'default' and 'value' attribute",
    ]);
    expect(projectProblems('runtime: nodejs\n', repoRoot)).toEqual(["project is missing a 'name' attribute"]);
    expect(projectProblems('name: a b\nruntime: nodejs\n', repoRoot)).toHaveLength(1);
    expect(projectProblems('name: p\n', repoRoot)).toEqual(["project is missing a 'runtime' attribute"]);
    expect(projectProblems(`${base}main: examples/nowhere/\n`, repoRoot)).toEqual([
      "'main' (examples/nowhere/) does not exist relative to the project file",
    ]);
    // `main` is resolved against the project file's directory, not the working directory.
    expect(projectProblems(`${base}main: pulumi/\n`, join(repoRoot, 'examples'))).toEqual([]);
  });
});
