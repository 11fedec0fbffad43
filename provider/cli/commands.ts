/**
 * The commands behind `logto-iac`. Each returns an exit code (0 ok / no changes, 2 changes or drift, 1 error)
 * and writes text to the given streams; the work itself is the reconciler's (`planTenant`, `applyPlan`) and
 * the catalog's. Nothing here speaks HTTP or diffs objects.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { LogtoClient } from '../../core/client/types.js';
import type { ResourceDefinition } from '../../core/contract.js';
import {
  AmbiguousKeyError,
  applyPlan,
  createContext,
  planTenant,
  validateDesired,
} from '../../core/reconcile/index.js';
import { ensureDirOf, writePrivateFile } from '../../core/reconcile/private-file.js';
import type { DesiredObject, Plan, PlanOptions, PriorState } from '../../core/reconcile/types.js';
import { type JwtCustomizerSpec, testJwtCustomizer } from '../../resources/jwt-customizer.js';
import { exportTenant, schemaReference } from './export.js';
import { buildGraph, toDot, toMermaid, toSvg } from './graph.js';
import { buildLayout } from './layout.js';
import { formatPlanMarkdown, type PlanSection } from './markdown.js';
import {
  actionable,
  colorFor,
  displayAddress,
  driftReport,
  formatApplySummary,
  formatDrift,
  formatPlan,
  formatProblems,
  hasChanges,
  paint,
  type Style,
  summaryLine,
} from './printer.js';
import { planDocument } from './schema.js';
import { formatPath, type Problem, positionOf, sortProblems, TenantFileError } from './source.js';
import { analyzeTenant, type LoadedTenant, type LoadOptions, loadTenant } from './tenant-file.js';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export interface Connection {
  client: LogtoClient;
  /** Where it points, for messages. */
  endpoint: string;
  embedded: boolean;
  close(): Promise<void>;
}

export interface CommonOptions {
  files: string[];
  catalog: ResourceDefinition<any>[];
  allowDelete: string[];
  only?: string[];
  exclude?: string[];
  statePath?: string;
  json: boolean;
  /** `${env:X:-fallback}` may fill a sensitive field (the embedded emulator, or `--allow-demo-secrets`). */
  allowDemoSecrets?: boolean;
  /** The environment's overlay files (`environments/<name>/`), laid over `files`. */
  overlays?: string[];
  connect(): Promise<Connection>;
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_CHANGES = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

function out(io: Io) {
  return colorFor(io.stdout, io.env);
}
function err(io: Io) {
  return colorFor(io.stderr, io.env);
}

function readState(path: string | undefined): PriorState | undefined {
  if (!path || !existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as PriorState;
    if (!parsed || typeof parsed.objects !== 'object') throw new Error('no "objects" map');
    return parsed;
  } catch (error) {
    throw new CliError(
      `cannot read the state file ${path}: ${(error as Error).message}`,
      'delete it to start over (objects are found again by key)',
    );
  }
}

/**
 * Write an output file (`--out`), making its directory first: `export --out logto/tenant.yaml` in a new repo.
 * A saved plan (`private`) is owner-only (0600): it names the tenant's objects and its live fingerprint.
 */
function writeOutput(path: string, text: string, options: { private?: boolean } = {}) {
  ensureDirOf(path);
  if (options.private) writePrivateFile(path, text);
  else writeFileSync(path, text);
}

/**
 * Owner-only (0600), written beside and renamed over the old file, so a run killed mid-write leaves the
 * previous state whole. The state holds no secret, only salted scrypt digests of them (see secrets.ts).
 */
function writeState(path: string | undefined, state: PriorState) {
  if (!path) return;
  ensureDirOf(path);
  writePrivateFile(path, `${JSON.stringify(state, null, 2)}\n`);
}

/** Reconciler issues (object address + spec field) as file problems, pointing at the file and line. */
function problemsAt(tenant: LoadedTenant, issues: { address?: string; field?: string; message: string }[]): Problem[] {
  return issues.map((issue) => {
    const origin = issue.address ? tenant.origins.get(issue.address) : undefined;
    const path = origin ? (origin.fields.get(issue.field?.split('.')[0] ?? '') ?? origin.path) : [];
    const pos = origin ? positionOf(origin.source, path) : undefined;
    return {
      severity: 'error' as const,
      file: origin?.source.file,
      line: pos?.line,
      column: pos?.column,
      field: path.length > 0 ? formatPath(path) : issue.field,
      message: `${issue.address ? `${issue.address}: ` : ''}${issue.message}`,
    };
  });
}

/**
 * The reconciler reports invalid input as `issues` with an address and a spec field, and several live objects
 * answering to one entry's key or name as an `AmbiguousKeyError` (naming every id): point each at its file
 * and line. Both come before any write.
 */
async function inFiles<T>(tenant: LoadedTenant, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const issues =
      error instanceof AmbiguousKeyError
        ? [{ address: error.address, field: '', message: error.message.slice(error.address.length + 2) }]
        : (error as { issues?: { address?: string; field?: string; message: string }[] }).issues;
    if (!Array.isArray(issues) || issues.length === 0) throw error;
    throw new TenantFileError(problemsAt(tenant, issues), error instanceof AmbiguousKeyError);
  }
}

/** Load the tenant files, printing warnings; a file problem becomes exit 1 with every problem listed. */
/** What reading the tenant files needs from the command's options (and the process environment). */
function loadOptions(io: Io, options: CommonOptions): LoadOptions {
  return {
    env: io.env,
    catalog: options.catalog,
    allowDemoSecrets: options.allowDemoSecrets === true,
    ...(options.overlays ? { overlays: options.overlays } : {}),
  };
}

function load(io: Io, options: CommonOptions): LoadedTenant {
  const tenant = loadTenant(options.files, loadOptions(io, options));
  if (tenant.warnings.length > 0) io.stderr.write(formatProblems(tenant.warnings, err(io)));
  return tenant;
}

/**
 * Plan the files' objects against the live tenant (`overrides` on top of the command line's options), with
 * invalid input pointed at its file and line.
 */
function planFiles(
  options: CommonOptions,
  tenant: LoadedTenant,
  client: LogtoClient,
  prior: PriorState | undefined,
  overrides: Partial<PlanOptions> = {},
): Promise<Plan> {
  return inFiles(
    tenant,
    planTenant(tenant.desired, {
      client,
      catalog: options.catalog,
      prior,
      allowDelete: [...new Set([...options.allowDelete, ...tenant.allowDelete])],
      only: options.only,
      exclude: options.exclude,
      ...overrides,
    }),
  );
}

/** Connect, read the prior state, run `work`, and close the connection however it ends. */
async function connected<T>(
  options: { statePath?: string; connect(): Promise<Connection> },
  work: (connection: Connection, prior: PriorState | undefined) => Promise<T>,
): Promise<T> {
  const connection = await options.connect();
  try {
    return await work(connection, readState(options.statePath));
  } finally {
    await connection.close();
  }
}

export async function validateCommand(io: Io, options: CommonOptions): Promise<number> {
  // validate checks the files, not which secrets this shell has: a demo fallback is a warning here, and plan
  // and apply against a real tenant still refuse it.
  const analyzed = analyzeTenant(options.files, {
    ...loadOptions(io, options),
    allowDemoSecrets: options.allowDemoSecrets === true || 'offline',
  });
  const { tenant } = analyzed;
  let problems = analyzed.problems;
  // The reconciler's own offline checks (cross-object rules, keys), once the files themselves are sound.
  if (!problems.some((p) => p.severity === 'error'))
    problems = [
      ...problemsAt(
        tenant,
        validateDesired(tenant.desired, { catalog: options.catalog, prior: readState(options.statePath) }),
      ),
      ...problems,
    ];
  problems = sortProblems(problems);
  const errors = problems.filter((p) => p.severity === 'error');
  if (options.json) {
    io.stdout.write(
      `${JSON.stringify({ valid: errors.length === 0, objects: tenant.desired.length, problems }, null, 2)}\n`,
    );
    return errors.length > 0 ? EXIT_ERROR : EXIT_OK;
  }
  if (problems.length > 0) io.stderr.write(formatProblems(problems, err(io)));
  if (errors.length > 0) {
    io.stderr.write(
      `\n${paint(err(io), 'red', `${errors.length} error(s)`)} in ${tenant.files.length} file(s). Nothing was sent to Logto.\n`,
    );
    return EXIT_ERROR;
  }
  io.stdout.write(
    `${paint(out(io), 'green', 'Valid:')} ${tenant.desired.length} object(s) in ${tenant.files.length} file(s); ${tenant.variables.length} variable(s) resolved.\n`,
  );
  return EXIT_OK;
}

/** `validate` of a tenant directory with environments: each environment's files, shared ones included. */
export async function validateEnvironments(
  io: Io,
  environments: { name: string; options: CommonOptions }[],
): Promise<number> {
  let code = EXIT_OK;
  const results: Record<string, unknown> = {};
  for (const { name, options } of environments) {
    let text = '';
    const captured: Io = {
      ...io,
      stdout: {
        ...io.stdout,
        write: (chunk: string) => {
          text += chunk;
          return true;
        },
      } as Io['stdout'],
    };
    if (!options.json) io.stdout.write(`${paint(out(io), 'bold', `== environment ${name} ==`)}\n`);
    const result = await validateCommand(options.json ? captured : io, options);
    if (options.json) results[name] = JSON.parse(text);
    code = Math.max(code, result);
  }
  if (environments[0]?.options.json) io.stdout.write(`${JSON.stringify({ environments: results }, null, 2)}\n`);
  return code;
}

/** One environment's result, or why it failed and how to fix that. */
interface EnvironmentResult<T> {
  name: string;
  value?: T;
  error?: string;
  fix?: string;
}

/** `work` for every environment, at most `concurrency` at once, each against its own tenant. */
async function eachEnvironment<T>(
  environments: { name: string; options: CommonOptions }[],
  concurrency: number,
  work: (options: CommonOptions) => Promise<T>,
): Promise<EnvironmentResult<T>[]> {
  const results: EnvironmentResult<T>[] = new Array(environments.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < environments.length; i = next++) {
      const { name, options } = environments[i]!;
      try {
        results[i] = { name, value: await work(options) };
      } catch (error) {
        results[i] = { name, ...failure(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, environments.length) }, worker));
  return results;
}

/** A failed environment's line in a report: what failed, and its fix line under it. */
function failedLines(style: Style, result: { error?: string; fix?: string }, indent: string): string {
  return `${paint(style, 'red', 'failed:')} ${result.error}\n${result.fix ? `${indent}${paint(style, 'dim', 'fix:')} ${result.fix}\n` : ''}`;
}

/**
 * `plan --all-envs`: every environment planned (at most `concurrency` at once), each against its own tenant;
 * one report (text: each plan, then a summary table; markdown: one comment). Exit 1 when any environment
 * failed, else 2 when any has changes or drift, else 0.
 */
export async function planEnvironmentsCommand(
  io: Io,
  environments: { name: string; options: CommonOptions }[],
  format: { markdown?: boolean; detailsUrl?: string; json?: boolean; outPath?: string; concurrency?: number },
): Promise<number> {
  const results = await eachEnvironment(environments, format.concurrency ?? 3, async (options) => {
    const tenant = loadTenant(options.files, loadOptions(io, options));
    return connected(options, (connection, prior) => planFiles(options, tenant, connection.client, prior));
  });
  const sections: PlanSection[] = results.map((r) => ({
    name: r.name,
    ...(r.value ? { plan: r.value } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.fix ? { fix: r.fix } : {}),
  }));
  const document = `${JSON.stringify(
    {
      environments: Object.fromEntries(
        sections.map((s) => [s.name, s.plan ?? { error: s.error, ...(s.fix ? { fix: s.fix } : {}) }]),
      ),
    },
    null,
    2,
  )}\n`;
  if (format.outPath) writeOutput(format.outPath, document, { private: true });
  if (format.json) io.stdout.write(document);
  else if (format.markdown) {
    io.stdout.write(formatPlanMarkdown(sections, format.detailsUrl ? { detailsUrl: format.detailsUrl } : {}));
  } else {
    const style = out(io);
    for (const section of sections) {
      io.stdout.write(`\n${paint(style, 'bold', `== environment ${section.name} ==`)}\n`);
      io.stdout.write(section.plan ? formatPlan(section.plan, style) : failedLines(style, section, '  '));
    }
    io.stdout.write(`\n${paint(style, 'bold', 'Environments:')}\n`);
    for (const section of sections)
      io.stdout.write(
        `  ${section.name.padEnd(16)} ${section.plan ? `${summaryLine(section.plan, style)}\n` : failedLines(style, section, ' '.repeat(19))}`,
      );
  }
  if (sections.some((s) => s.error)) return EXIT_ERROR;
  return sections.some((s) => s.plan && hasChanges(s.plan)) ? EXIT_CHANGES : EXIT_OK;
}

/**
 * `drift --all-envs`: every environment's drift report (at most `concurrency` at once), then one summary.
 * Exit 1 when any environment failed, else 2 when any drifted, else 0.
 */
export async function driftEnvironmentsCommand(
  io: Io,
  environments: { name: string; options: CommonOptions }[],
  format: { json?: boolean; concurrency?: number },
): Promise<number> {
  const results = await eachEnvironment(environments, format.concurrency ?? 3, async (options) => {
    const tenant = loadTenant(options.files, loadOptions(io, options));
    return connected(options, async (connection, prior) =>
      driftReport(await planFiles(options, tenant, connection.client, prior, { allowDelete: [] })),
    );
  });
  if (format.json) {
    const environmentsDoc = Object.fromEntries(
      results.map((r) => [
        r.name,
        r.value ? { drift: r.value.entries } : { error: r.error, ...(r.fix ? { fix: r.fix } : {}) },
      ]),
    );
    io.stdout.write(`${JSON.stringify({ environments: environmentsDoc }, null, 2)}\n`);
  } else {
    const style = out(io);
    for (const r of results) {
      io.stdout.write(`\n${paint(style, 'bold', `== environment ${r.name} ==`)}\n`);
      io.stdout.write(r.value ? formatDrift(r.value, style) : failedLines(style, r, '  '));
    }
    io.stdout.write(`\n${paint(style, 'bold', 'Environments:')}\n`);
    for (const r of results) {
      const n = r.value?.entries.length;
      io.stdout.write(
        `  ${r.name.padEnd(16)} ${
          r.value
            ? `${n === 0 ? paint(style, 'green', 'no drift') : paint(style, 'cyan', `${n} difference(s)`)}\n`
            : failedLines(style, r, ' '.repeat(19))
        }`,
      );
    }
  }
  if (results.some((r) => r.error !== undefined)) return EXIT_ERROR;
  return results.some((r) => (r.value?.entries.length ?? 0) > 0) ? EXIT_CHANGES : EXIT_OK;
}

/** An error as one line of a report (a tenant file's problems as file:line: message), and its fix. */
function failure(error: unknown): { error: string; fix?: string } {
  if (error instanceof TenantFileError) {
    const errors = sortProblems(error.problems.filter((p) => p.severity === 'error'));
    const fixes = [...new Set(errors.map((p) => p.fix).filter(Boolean))];
    return {
      error: errors.map((p) => `${p.file ?? ''}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('; '),
      ...(fixes.length > 0 ? { fix: fixes.join('; ') } : {}),
    };
  }
  const fix = (error as { fix?: unknown })?.fix;
  return {
    error: error instanceof Error ? error.message : String(error),
    ...(typeof fix === 'string' && fix ? { fix } : {}),
  };
}

/**
 * `graph`: the files' objects as a dependency graph (Mermaid or DOT on stdout, or SVG into a file), colored
 * by a saved plan's actions when one is given. Offline: nothing is sent to Logto.
 */
export async function graphCommand(
  io: Io,
  options: CommonOptions & { format: 'mermaid' | 'dot'; svgPath?: string; planFile?: string; collapse?: number },
): Promise<number> {
  // The graph shows keys and references, never values: neither a secret's demo fallback nor an unset
  // variable (an exported file's ${env:…} placeholders in a job without secrets) is a concern here.
  const tenant = loadTenant(options.files, {
    ...loadOptions(io, options),
    allowDemoSecrets: true,
    keepUnsetVariables: true,
  });
  let plan: Plan | undefined;
  if (options.planFile) {
    try {
      plan = JSON.parse(readFileSync(options.planFile, 'utf8')) as Plan;
    } catch (error) {
      throw new CliError(
        `cannot read the plan file ${options.planFile}: ${(error as Error).message}`,
        'write it with `logto-iac plan --out plan.json`',
      );
    }
    if (!Array.isArray(plan?.changes))
      throw new CliError(`${options.planFile} is not a plan`, 'write one with `logto-iac plan --out plan.json`');
  }
  const layout = buildLayout(options.catalog);
  const links = new Map(
    [...layout.kinds.values()]
      .filter((l) => l.listForm && l.parent)
      .map((l) => [l.kind, { parent: l.parent!.field, field: l.listForm!.field, label: l.section }]),
  );
  const parents = new Map(
    [...layout.kinds.values()].filter((l) => l.parent && !l.listForm).map((l) => [l.kind, l.parent!.field]),
  );
  const graph = buildGraph(tenant.desired, {
    links,
    parents,
    ...(plan ? { plan } : {}),
    ...(options.collapse !== undefined ? { collapse: options.collapse } : {}),
  });
  if (options.svgPath) {
    writeOutput(options.svgPath, await toSvg(graph));
    io.stderr.write(`Wrote ${options.svgPath}: ${graph.nodes.length} node(s), ${graph.edges.length} edge(s).\n`);
  } else io.stdout.write(options.format === 'dot' ? toDot(graph) : toMermaid(graph));
  return EXIT_OK;
}

/** How a plan names its tenant: the endpoint's host, or the embedded emulator. */
function tenantName(connection: Connection): string {
  if (connection.embedded) return 'embedded emulator';
  try {
    return new URL(connection.endpoint).host;
  } catch {
    return connection.endpoint;
  }
}

export async function planCommand(
  io: Io,
  options: CommonOptions & { outPath?: string; markdown?: boolean; detailsUrl?: string },
): Promise<number> {
  const tenant = load(io, options);
  return connected(options, async (connection, prior) => {
    const plan = await planFiles(options, tenant, connection.client, prior);
    if (options.outPath) writeOutput(options.outPath, `${JSON.stringify(plan, null, 2)}\n`, { private: true });
    if (options.json) io.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    else if (options.markdown)
      io.stdout.write(
        formatPlanMarkdown([{ name: tenantName(connection), plan }], {
          ...(options.detailsUrl ? { detailsUrl: options.detailsUrl } : {}),
        }),
      );
    else {
      io.stdout.write(formatPlan(plan, out(io)));
      if (options.outPath)
        io.stdout.write(
          `\nSaved the plan to ${options.outPath}; apply it with the same files and options:\n  logto-iac apply ${applyArgs(options)} --plan-file ${options.outPath}\n`,
        );
    }
    return hasChanges(plan) ? EXIT_CHANGES : EXIT_OK;
  });
}

/** The files and plan-shaping options of this run, as `apply` must be given them again. */
function applyArgs(options: CommonOptions): string {
  const quote = (arg: string) => (/^[\w./:@,=+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);
  const args = [...options.files];
  if (options.allowDelete.length > 0) args.push('--allow-delete', options.allowDelete.join(','));
  if (options.only) args.push('--only', options.only.join(','));
  if (options.exclude) args.push('--exclude', options.exclude.join(','));
  if (options.statePath) args.push('--state', options.statePath);
  if (options.allowDemoSecrets) args.push('--allow-demo-secrets');
  return args.map(quote).join(' ');
}

/**
 * Run each JWT customizer of the files once on the server with its sample token and context (Logto's test
 * endpoint; nothing is written): the extra claims it returns, or the script's error. Exit 1 on any failure.
 */
export async function testJwtCommand(io: Io, options: CommonOptions): Promise<number> {
  const tenant = load(io, options);
  const customizers = tenant.desired.filter((o) => o.kind === 'JwtCustomizer');
  if (customizers.length === 0) {
    io.stderr.write('test-jwt: the tenant files have no jwtCustomizers entry to test\n');
    return EXIT_ERROR;
  }
  const issues = validateDesired(customizers, { catalog: options.catalog });
  if (issues.length > 0) throw new TenantFileError(problemsAt(tenant, issues));
  return connected(options, async (connection) => {
    const ctx = createContext(connection.client);
    const results = [];
    for (const object of customizers) {
      const result = await testJwtCustomizer(ctx, object.spec as JwtCustomizerSpec);
      results.push({ address: object.address, ...result });
    }
    if (options.json) io.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
    else
      for (const r of results)
        io.stdout.write(
          'claims' in r
            ? `${paint(out(io), 'green', '✓')} ${r.address}: extra claims ${JSON.stringify(r.claims)}\n`
            : `${paint(out(io), 'red', '✗')} ${r.address}: the script failed: ${r.error}\n`,
        );
    return results.every((r) => 'claims' in r) ? EXIT_OK : EXIT_ERROR;
  });
}

export async function driftCommand(io: Io, options: CommonOptions): Promise<number> {
  const tenant = load(io, options);
  return connected(options, async (connection, prior) => {
    // Drift is about managed fields of the objects in the files: pruning is not asked for.
    const plan = await planFiles(options, tenant, connection.client, prior, { allowDelete: [] });
    const report = driftReport(plan);
    if (options.json)
      io.stdout.write(`${JSON.stringify({ drift: report.entries, liveFingerprint: plan.liveFingerprint }, null, 2)}\n`);
    else io.stdout.write(formatDrift(report, out(io)));
    return report.entries.length > 0 ? EXIT_CHANGES : EXIT_OK;
  });
}

/** What a plan would do, per address (JSON of action, id and field changes), to compare two plans. */
function planShape(plan: Plan): Map<string, string> {
  return new Map(
    actionable(plan).map((c) => [
      c.address,
      JSON.stringify([c.action, c.id ?? null, c.changes.map((f) => [f.field, f.before ?? null, f.after ?? null])]),
    ]),
  );
}

/** Addresses whose planned work differs between two plans (in either direction), for the message. */
function shapeDifference(saved: Plan, fresh: Plan): string[] {
  const a = planShape(saved);
  const b = planShape(fresh);
  const out = new Set<string>();
  for (const [address, shape] of a) if (b.get(address) !== shape) out.add(address);
  for (const address of b.keys()) if (!a.has(address)) out.add(address);
  return [...out];
}

/** Asks on stderr and reads one line from stdin; only `yes` approves. Exported for tests. */
export async function confirm(io: Io): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await rl.question(
      `\n${paint(err(io), 'bold', 'Do you want to perform these actions?')} Only 'yes' will be accepted: `,
    );
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

export async function applyCommand(
  io: Io,
  options: CommonOptions & { autoApprove: boolean; planFile?: string; concurrency?: number; quietPlan?: boolean },
): Promise<number> {
  const tenant = load(io, options);
  let saved: Plan | undefined;
  if (options.planFile) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(options.planFile, 'utf8'));
    } catch (error) {
      throw new CliError(
        `cannot read the plan file ${options.planFile}: ${(error as Error).message}`,
        'write it with `logto-iac plan --out plan.json`',
      );
    }
    const parsed = planDocument.safeParse(raw);
    if (!parsed.success) {
      throw new CliError(
        `${options.planFile} is not a logto-iac plan: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
        'write it with `logto-iac plan --out plan.json` (or `--json > plan.json`)',
      );
    }
    saved = parsed.data as Plan;
  }
  return connected(options, async (connection, prior) => {
    const fresh = await planFiles(options, tenant, connection.client, prior);
    let plan = fresh;
    if (saved) {
      if (saved.liveFingerprint !== fresh.liveFingerprint) {
        throw new CliError(
          `the live tenant changed since ${options.planFile} was made (fingerprint ${short(saved.liveFingerprint)} → ${short(fresh.liveFingerprint)}); nothing was applied`,
          'run `logto-iac plan --out …` again and review the new plan',
        );
      }
      const differing = shapeDifference(saved, fresh);
      if (differing.length > 0) {
        const listed =
          differing.slice(0, 5).join(', ') + (differing.length > 5 ? ` and ${differing.length - 5} more` : '');
        throw new CliError(
          `the tenant files or options differ from the ones ${options.planFile} was made with (planned differently now: ${listed}); nothing was applied`,
          'apply with the same files and --allow-delete/--only/--exclude, or make a new plan',
        );
      }
      plan = saved;
    }
    if (!options.quietPlan) io.stdout.write(formatPlan(plan, out(io)));
    if (actionable(plan).length === 0) {
      io.stdout.write('Nothing to apply.\n');
      return EXIT_OK;
    }
    if (!options.autoApprove && !saved) {
      if (!io.stdin.isTTY) {
        throw new CliError(
          'apply needs confirmation, and stdin is not a terminal',
          'pass --auto-approve (CI), or apply a reviewed plan with --plan-file',
        );
      }
      if (!(await confirm(io))) {
        io.stderr.write('Apply cancelled.\n');
        return EXIT_ERROR;
      }
    }
    const result = await runApply(io, plan, tenant.desired, connection.client, prior, options);
    writeState(options.statePath, result.state);
    io.stdout.write(formatApplySummary(result, out(io)));
    return result.summary.failed > 0 ? EXIT_ERROR : EXIT_OK;
  });
}

async function runApply(
  io: Io,
  plan: Plan,
  desired: DesiredObject[],
  client: LogtoClient,
  prior: PriorState | undefined,
  options: { catalog: CommonOptions['catalog']; concurrency?: number; statePath?: string },
) {
  const total = actionable(plan).length;
  const names = new Map(plan.changes.map((c) => [c.address, displayAddress(c)]));
  let finished = 0;
  const style = err(io);
  const started = Date.now();
  const verb: Record<string, string> = {
    create: 'created',
    update: 'updated',
    replace: 'replaced',
    delete: 'deleted',
    noop: 'checked',
  };
  return applyPlan(plan, {
    client,
    catalog: options.catalog,
    desired,
    prior,
    concurrency: options.concurrency,
    // Keep the state file current while applying, so an interrupted run is resumed by id.
    ...(options.statePath ? { onState: (state: PriorState) => writeState(options.statePath, state) } : {}),
    onProgress: (event) => {
      // Objects without changes are re-checked silently: the counter is over the planned actions only.
      if (event.status === 'started' || (event.action === 'noop' && event.status === 'done')) return;
      finished++;
      const counter = paint(style, 'dim', `[${String(finished).padStart(String(total).length)}/${total}]`);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const name = names.get(event.address) ?? event.address;
      const line =
        event.status === 'done'
          ? `${counter} ${paint(style, 'green', '✓')} ${verb[event.action] ?? event.action} ${name}`
          : `${counter} ${paint(style, 'red', '✗')} ${event.action} ${name}: ${event.error ?? 'failed'}`;
      io.stderr.write(`${line}${total >= 20 ? paint(style, 'dim', `  (${seconds}s)`) : ''}\n`);
    },
  } as Parameters<typeof applyPlan>[1]);
}

function short(fingerprint: string): string {
  return fingerprint.replace(/^sha256:/, '').slice(0, 12);
}

export async function exportCommand(
  io: Io,
  options: {
    catalog: ResourceDefinition<any>[];
    only?: string[];
    exclude?: string[];
    include?: string[];
    outPath?: string;
    connect(): Promise<Connection>;
  },
): Promise<number> {
  return connected(options, async (connection) => {
    const result = await exportTenant({
      client: connection.client,
      catalog: options.catalog,
      only: options.only,
      exclude: options.exclude,
      include: options.include,
      schemaUrl: undefined,
    });
    // The schema relative to where the file is written (stdout: the working directory it is redirected in).
    const schema = schemaReference(options.outPath ? dirname(resolve(options.outPath)) : process.cwd());
    const text = `${schema ? `# yaml-language-server: $schema=${schema}\n` : ''}${result.yaml}`;
    if (options.outPath) writeOutput(options.outPath, text);
    else io.stdout.write(text);
    const style = err(io);
    const total = Object.values(result.counts).reduce((a, b) => a + b, 0);
    const onRequest = options.catalog
      .filter((d) => d.exportOnRequest && !options.include?.includes(d.kind) && !options.only?.includes(d.kind))
      .map((d) => d.kind);
    if (onRequest.length > 0)
      io.stderr.write(`Left out ${onRequest.join(', ')} (export them with --include ${onRequest.join(',')}).\n`);
    if (result.addedKinds.length > 0)
      io.stderr.write(`Also exported ${result.addedKinds.join(', ')}: the exported objects reference them.\n`);
    for (const s of result.skipped) io.stderr.write(`${paint(style, 'yellow', 'skipped')} ${s.address}: ${s.reason}\n`);
    for (const w of result.warnings) io.stderr.write(`${paint(style, 'yellow', 'warning:')} ${w}\n`);
    io.stderr.write(`Exported ${total} object(s)${options.outPath ? ` to ${options.outPath}` : ''}.\n`);
    if (result.variables.length > 0) {
      io.stderr.write(
        `\n${paint(style, 'bold', 'Secrets were replaced by placeholders. Set these variables before plan/apply:')}\n`,
      );
      for (const v of result.variables)
        io.stderr.write(`  ${v.name}    ${paint(style, 'dim', `${v.address} ${v.field}`)}\n`);
    }
    return EXIT_OK;
  });
}

/**
 * The main job: plan, apply, plan again (which must be empty). Against the configured tenant, or, when none
 * is configured, a fresh embedded emulator (with a banner saying so).
 */
export async function demoCommand(io: Io, options: CommonOptions & { concurrency?: number }): Promise<number> {
  const tenant = load(io, options);
  const style = out(io);
  const step = (n: number, text: string) =>
    io.stdout.write(`\n${paint(style, 'bold', `── ${n}/3 ${text} ${'─'.repeat(Math.max(0, 60 - text.length))}`)}\n\n`);
  return connected(options, async (connection, prior) => {
    io.stdout.write(
      `Tenant files: ${tenant.files.join(', ')} (${tenant.desired.length} objects)\nTarget: ${connection.endpoint}${connection.embedded ? ' (embedded emulator)' : ''}\n`,
    );
    step(1, 'plan');
    const first = await planFiles(options, tenant, connection.client, prior);
    io.stdout.write(formatPlan(first, style));
    step(2, 'apply');
    const result =
      actionable(first).length > 0
        ? await runApply(io, first, tenant.desired, connection.client, prior, options)
        : undefined;
    if (result) {
      writeState(options.statePath, result.state);
      io.stdout.write(formatApplySummary(result, style));
      if (result.summary.failed > 0) return EXIT_ERROR;
    } else io.stdout.write('Nothing to apply.\n');
    step(3, 'plan again (must show no changes)');
    // A fresh look, as the next CI run would take it (no state carried over unless --state is used).
    const second = await planFiles(options, tenant, connection.client, prior);
    io.stdout.write(formatPlan(second, style));
    if (actionable(second).length > 0) {
      io.stderr.write(
        `${paint(err(io), 'red', 'error:')} the plan after apply is not empty: the tenant did not converge.\n`,
      );
      return EXIT_ERROR;
    }
    io.stdout.write(`\n${paint(style, 'green', 'Demo complete: the tenant matches examples/tenant.yaml.')}\n`);
    return EXIT_OK;
  });
}
