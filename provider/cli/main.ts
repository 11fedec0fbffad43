/**
 * `logto-iac`: the GitOps front end. Parses the command line (node:util parseArgs), builds the client or an
 * embedded emulator, and runs one command from `commands.ts`. Exit codes follow
 * `terraform plan -detailed-exitcode`: 0 = success / no changes, 1 = error, 2 = changes or drift.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CONNECTION_SETTINGS } from '../../core/client/settings.js';
import type { ClientOptions, LogtoClient, RetryEvent } from '../../core/client/types.js';
import type { ResourceDefinition } from '../../core/contract.js';
import {
  applyCommand,
  CliError,
  type CommonOptions,
  type Connection,
  demoCommand,
  driftCommand,
  driftEnvironmentsCommand,
  EXIT_ERROR,
  exportCommand,
  graphCommand,
  type Io,
  planCommand,
  planEnvironmentsCommand,
  testJwtCommand,
  validateCommand,
  validateEnvironments,
} from './commands.js';
import { suggest } from './layout.js';
import { colorFor, formatProblems, paint } from './printer.js';
import { findEnvironments, TenantFileError } from './source.js';
import { COMMAND_USAGE, CONNECTION_OPTIONS, commandHelp, flagsOf, GLOBAL_FLAGS, globalHelp, usageOf } from './usage.js';

export function packageRoot(): string {
  // dist/provider/cli/main.js → package root
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function parseKinds(
  values: string[] | undefined,
  catalog: ResourceDefinition<any>[],
  flag: string,
): string[] | undefined {
  if (!values || values.length === 0) return undefined;
  const kinds = catalog.map((d) => d.kind);
  const out: string[] = [];
  for (const value of values.flatMap((v) => v.split(','))) {
    const kind = value.trim();
    if (!kind) continue;
    const exact = kinds.find((k) => k.toLowerCase() === kind.toLowerCase());
    if (!exact) {
      const hint = suggest(kind, kinds);
      throw new CliError(
        `${flag}: unknown kind "${kind}"`,
        hint ? `did you mean ${hint}? Kinds: ${kinds.join(', ')}` : `kinds are: ${kinds.join(', ')}`,
      );
    }
    out.push(exact);
  }
  return out;
}

function graphFormat(format: string | undefined): 'mermaid' | 'dot' {
  if (format === undefined || format === 'mermaid' || format === 'dot') return format ?? 'mermaid';
  throw new CliError(`--format: graph writes mermaid or dot, not "${format}"`, 'for a picture, use --svg <file>');
}

function collapseOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new CliError(`--collapse: "${value}" is not a whole number`, 'e.g. --collapse 25 (0 never collapses)');
  return n;
}

function planFormat(format: string | undefined): 'text' | 'json' | 'markdown' {
  if (format === undefined || format === 'text' || format === 'json' || format === 'markdown') return format ?? 'text';
  throw new CliError(`--format: unknown format "${format}"`, 'use text, json or markdown');
}

/** The connection flags (`--endpoint`, `--app-id`…) each take a string; the client settings table names them. */
const CONNECTION_STRING_OPTIONS = Object.fromEntries(
  Object.keys(CONNECTION_OPTIONS).map((flag) => [flag, { type: 'string' as const }]),
);

const OPTIONS = {
  ...CONNECTION_STRING_OPTIONS,
  emulator: { type: 'boolean' },
  'allow-demo-secrets': { type: 'boolean' },
  debug: { type: 'boolean' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  env: { type: 'string' },
  'all-envs': { type: 'boolean' },
  'details-url': { type: 'string' },
  svg: { type: 'string' },
  collapse: { type: 'string' },
  out: { type: 'string', short: 'o' },
  'plan-file': { type: 'string' },
  'auto-approve': { type: 'boolean' },
  'allow-delete': { type: 'string', multiple: true },
  only: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  include: { type: 'string', multiple: true },
  state: { type: 'string' },
  concurrency: { type: 'string' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

const COMMANDS = COMMAND_USAGE.map((c) => c.name);

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const command = argv[0];
  // Sub-tools with their own parsers.
  if (command === 'emulator') {
    const { runEmulatorCommand } = await import('../../emulator/cli.js');
    return (await runEmulatorCommand(argv.slice(1))) ?? 0;
  }
  let values: ReturnType<typeof parse>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(argv));
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\nRun \`logto-iac --help\` for usage.\n`);
    return EXIT_ERROR;
  }
  if (values['no-color']) io = { ...io, env: { ...io.env, NO_COLOR: '1', FORCE_COLOR: undefined } };
  const style = colorFor(io.stderr, io.env);
  if (values.version) {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const { catalog } = await import('../../resources/index.js');
  const help = globalHelp(catalog.map((d) => d.kind));
  // `<command> --help` and `help <command>`: that command's usage, flags and examples.
  const asked = command === 'help' ? positionals[1] : command;
  const usage = asked && !asked.startsWith('-') ? usageOf(asked) : undefined;
  if (values.help || command === 'help') {
    if (asked && command === 'help' && !usage) {
      const hint = suggest(asked, COMMANDS);
      io.stderr.write(
        `${paint(style, 'red', 'error:')} unknown command "${asked}"\n  fix: ${hint ? `did you mean \`logto-iac help ${hint}\`?` : 'run `logto-iac --help`'}\n`,
      );
      return EXIT_ERROR;
    }
    io.stdout.write(usage && usage.name !== 'help' ? commandHelp(usage) : help);
    return 0;
  }
  if (!command || command.startsWith('-')) {
    // No command is a usage error, as with an unknown flag: the help goes where errors go.
    io.stderr.write(`${help}\n${paint(style, 'red', 'error:')} no command given\n`);
    return EXIT_ERROR;
  }
  const debug = values.debug
    ? (line: string) => io.stderr.write(`${paint(style, 'dim', `debug: ${line}`)}\n`)
    : undefined;
  try {
    if (!COMMANDS.includes(command)) {
      const hint = suggest(command, COMMANDS);
      throw new CliError(
        `unknown command "${command}"`,
        hint ? `did you mean \`logto-iac ${hint}\`?` : 'run `logto-iac --help`',
      );
    }
    // A flag this command does not use is an error, not silently ignored.
    const accepted = flagsOf(usageOf(command)!);
    const unused = Object.keys(values).filter(
      (name) => values[name as keyof typeof values] !== undefined && !accepted.includes(name),
    );
    if (unused.length > 0) {
      const own = accepted.filter((f) => !GLOBAL_FLAGS.includes(f));
      throw new CliError(
        `${command} does not take ${unused.map((f) => `--${f}`).join(', ')}`,
        `${own.length > 0 ? `its options: ${own.map((f) => `--${f}`).join(', ')}; ` : `${command} takes no options; `}see \`logto-iac ${command} --help\``,
      );
    }
    const rest = positionals.slice(1);
    if (command === 'terraform-install') {
      if (rest.length !== 1)
        throw new CliError('terraform-install needs one directory', 'logto-iac terraform-install ./terraform-mirror');
      const { terraformInstall, installInstructions } = await import('../terraform/install.js');
      io.stdout.write(installInstructions(terraformInstall(rest[0]!)));
      return 0;
    }
    const concurrency = values.concurrency !== undefined ? Number(values.concurrency) : undefined;
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
      throw new CliError(`--concurrency: "${values.concurrency}" is not a whole number ≥ 1`);
    }
    const demo = command === 'demo';
    const files =
      rest.length > 0
        ? rest
        : demo
          ? [join(packageRoot(), 'examples', 'tenant.yaml')]
          : command === 'export'
            ? []
            : defaultFiles();
    const environments = command === 'export' || demo ? new Map<string, string[]>() : findEnvironments(files);
    const chosen = chooseEnvironments(command, environments, values.env, values['all-envs'] === true);
    /** Client options from the connection flags given, by option name (`--app-id` → `appId`). */
    const settings: Record<string, string> = Object.fromEntries(
      Object.entries(CONNECTION_OPTIONS).flatMap(([flag, option]) => {
        const value = (values as Record<string, unknown>)[flag];
        return typeof value === 'string' ? [[option, value]] : [];
      }),
    );
    const configured = settings.endpoint ?? io.env.LOGTO_ENDPOINT;
    const useEmulator = values.emulator === true || (demo && !configured);
    const connectOptions: ConnectOptions = {
      emulator: useEmulator,
      loud: demo,
      settings,
      debug,
    };
    /** The options for one environment: its overlays, and its tenant from its own variables. */
    const forEnvironment = (name: string): CommonOptions => ({
      ...common,
      overlays: environments.get(name)!,
      connect: async () =>
        connect({ ...io, env: environmentEnv(io.env, name, useEmulator || !!settings.endpoint) }, connectOptions),
    });
    const common: CommonOptions = {
      files,
      catalog,
      allowDelete: parseKinds(values['allow-delete'], catalog, '--allow-delete') ?? [],
      only: parseKinds(values.only, catalog, '--only'),
      exclude: parseKinds(values.exclude, catalog, '--exclude'),
      statePath: values.state,
      json: values.json === true || values.format === 'json',
      allowDemoSecrets: useEmulator || values['allow-demo-secrets'] === true,
      connect: () => connect(io, connectOptions),
    };
    if (chosen.length > 1 || (chosen.length === 1 && command !== 'validate' && values['all-envs'] === true)) {
      const each = chosen.map((name) => ({ name, options: forEnvironment(name) }));
      if (command === 'validate') return await validateEnvironments(io, each);
      if (command === 'drift') return await driftEnvironmentsCommand(io, each, { json: common.json });
      return await planEnvironmentsCommand(io, each, {
        markdown: planFormat(values.format) === 'markdown',
        json: common.json,
        ...(values.out ? { outPath: values.out } : {}),
        ...(values['details-url'] ? { detailsUrl: values['details-url'] } : {}),
      });
    }
    if (chosen.length === 1) Object.assign(common, forEnvironment(chosen[0]!));
    switch (command) {
      case 'validate':
        return await validateCommand(io, common);
      case 'plan':
        return await planCommand(io, {
          ...common,
          outPath: values.out,
          markdown: planFormat(values.format) === 'markdown',
          detailsUrl: values['details-url'],
        });
      case 'apply':
        return await applyCommand(io, {
          ...common,
          autoApprove: values['auto-approve'] === true,
          planFile: values['plan-file'],
          concurrency,
        });
      case 'drift':
        return await driftCommand(io, common);
      case 'test-jwt':
        return await testJwtCommand(io, common);
      case 'graph':
        return await graphCommand(io, {
          ...common,
          format: graphFormat(values.format),
          ...(values.svg ? { svgPath: values.svg } : {}),
          ...(values['plan-file'] ? { planFile: values['plan-file'] } : {}),
          ...(values.collapse !== undefined ? { collapse: collapseOption(values.collapse) } : {}),
        });
      case 'export':
        return await exportCommand(io, {
          ...common,
          include: parseKinds(values.include, catalog, '--include'),
          outPath: values.out,
        });
      case 'demo':
        return await demoCommand(io, { ...common, concurrency });
    }
    return EXIT_ERROR;
  } catch (error) {
    return report(io, error, values.debug === true);
  }
}

/**
 * Which environments a command runs for: none when the directory has none; the one `--env` names; every one
 * for `validate` and for `plan --all-envs`. Other commands need `--env` when there are environments, so a
 * missing flag never applies shared files alone to some tenant.
 */
function chooseEnvironments(
  command: string,
  environments: Map<string, string[]>,
  env: string | undefined,
  all: boolean,
): string[] {
  const names = [...environments.keys()];
  if (names.length === 0) {
    if (env !== undefined || all)
      throw new CliError(
        `${env !== undefined ? `--env ${env}` : '--all-envs'}: the tenant files define no environments`,
        "put each environment's files in environments/<name>/ next to the shared ones",
      );
    return [];
  }
  if (env !== undefined) {
    if (!environments.has(env)) {
      const hint = suggest(env, names);
      throw new CliError(
        `--env: unknown environment "${env}"`,
        `${hint ? `did you mean ${hint}? ` : ''}environments: ${names.join(', ')}`,
      );
    }
    return [env];
  }
  if (all) {
    if (command !== 'plan' && command !== 'validate' && command !== 'drift')
      throw new CliError(`--all-envs works with plan, drift and validate, not ${command}`, 'pass --env <name>');
    return names;
  }
  if (command === 'validate') return names;
  throw new CliError(
    `the tenant files define environments (${names.join(', ')}): say which`,
    `pass --env <name>${command === 'plan' || command === 'drift' ? ', or --all-envs' : ''}`,
  );
}

/** The settings that name the tenant (LOGTO_ENDPOINT, LOGTO_APP_ID, LOGTO_APP_SECRET, LOGTO_RESOURCE). */
const TENANT_SETTINGS = CONNECTION_SETTINGS.filter((s) => s.tenant);

/**
 * The process environment for one environment's tenant: LOGTO_<NAME>_ENDPOINT, _APP_ID, _APP_SECRET and
 * _RESOURCE stand in for the LOGTO_* variables, which are dropped so that one environment's credentials can
 * never reach another's tenant. Missing ones are an error unless the tenant comes from flags or an emulator.
 */
export function environmentEnv(env: NodeJS.ProcessEnv, name: string, elsewhere: boolean): NodeJS.ProcessEnv {
  const prefix = `LOGTO_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
  const out: NodeJS.ProcessEnv = { ...env };
  const own = (variable: string) => `${prefix}${variable.slice('LOGTO_'.length)}`;
  for (const { env: variable } of TENANT_SETTINGS) {
    delete out[variable!];
    if (env[own(variable!)] !== undefined) out[variable!] = env[own(variable!)];
  }
  const required = TENANT_SETTINGS.filter((s) => s.required).map((s) => s.env!);
  if (!elsewhere && required.some((variable) => !out[variable])) {
    const names = required.map(own);
    throw new CliError(
      `environment ${name}: its tenant is not configured`,
      `set ${names.slice(0, -1).join(', ')} and ${names.at(-1)} (or pass --emulator to preview against an empty emulator)`,
    );
  }
  return out;
}

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
}

function defaultFiles(): string[] {
  for (const name of ['tenant.yaml', 'tenant.yml', 'tenant.json']) if (existsSync(name)) return [name];
  throw new CliError('no tenant file given', 'pass one: `logto-iac plan tenant.yaml` (or a directory of .yaml files)');
}

interface ConnectOptions {
  emulator: boolean;
  loud: boolean;
  /** Client options from the connection flags (`--app-id` → `appId`), over the environment's. */
  settings: Record<string, string>;
  debug?: (line: string) => void;
}

async function connect(io: Io, options: ConnectOptions): Promise<Connection> {
  const { createClient } = await import('../../core/client/index.js');
  if (options.emulator) {
    const { startEmulator } = await import('../../emulator/index.js');
    const emulator = await startEmulator({ port: 0, connectorFactories: true });
    io.stderr.write(emulatorBanner(io, emulator.url, options.loud));
    const client = createClient(
      {
        endpoint: emulator.url,
        appId: emulator.appId,
        appSecret: emulator.appSecret,
        requestsPerSecond: 0,
        debug: options.debug,
      },
      {},
    );
    return {
      client,
      endpoint: emulator.url,
      embedded: true,
      close: async () => {
        await client.close();
        await emulator.close();
      },
    };
  }
  // Say at once when the tenant does not answer, and each retry, rather than wait in silence; requests
  // running side by side retry together, so each retry number is said once.
  let said = 0;
  const style = colorFor(io.stderr, io.env);
  const onRetry = (event: RetryEvent) => {
    if (!event.network || event.retry <= said) return;
    said = event.retry;
    io.stderr.write(
      `${paint(style, 'yellow', 'warning:')} ${event.method} ${event.path}: ${event.reason}; retrying (${event.retry}/${event.maxRetries}) in ${(event.delayMs / 1000).toFixed(1)} s…\n`,
    );
  };
  const client = createClient(
    {
      onRetry,
      ...Object.fromEntries(Object.entries(options.settings).filter(([, value]) => value)),
      ...(options.debug ? { debug: options.debug } : {}),
    } as ClientOptions,
    io.env,
  );
  io.stderr.write(`${budgetLine(client.limits, io.env.LOGTO_REQUESTS_PER_SECOND)}\n`);
  return { client, endpoint: client.endpoint, embedded: false, close: () => client.close() };
}

/** Which request budget is in force, and why: people tuning a slow run need to know. */
export function budgetLine(limits: LogtoClient['limits'], fromEnv: string | undefined): string {
  const inFlight = `at most ${limits.maxConcurrency} requests at once`;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const rate = limits.requestsPerSecond > 0 ? `${limits.requestsPerSecond} requests/s` : 'unlimited';
    return `Request budget: ${rate} (LOGTO_REQUESTS_PER_SECOND), ${inFlight}.`;
  }
  return limits.requestsPerSecond > 0
    ? `Request budget: ${limits.requestsPerSecond} requests/s (Logto Cloud's limit), ${inFlight}; LOGTO_REQUESTS_PER_SECOND changes it.`
    : `Request budget: unlimited (not a Logto Cloud endpoint), ${inFlight}; LOGTO_REQUESTS_PER_SECOND sets a limit.`;
}

function emulatorBanner(io: Io, url: string, loud: boolean): string {
  const style = colorFor(io.stderr, io.env);
  const lines = loud
    ? [
        'NO LOGTO TENANT CONFIGURED: RUNNING AGAINST THE EMBEDDED EMULATOR',
        `A fresh, in-memory Logto Management API emulator is serving ${url}.`,
        'Nothing is sent to a real Logto tenant, and everything is gone when this command ends.',
        'To use your tenant, set LOGTO_ENDPOINT, LOGTO_APP_ID and LOGTO_APP_SECRET.',
      ]
    : [`Using a fresh embedded emulator at ${url} (not a real Logto tenant; in memory only).`];
  const width = Math.max(...lines.map((l) => l.length));
  const box = [
    `╔${'═'.repeat(width + 2)}╗`,
    ...lines.map((l) => `║ ${l.padEnd(width)} ║`),
    `╚${'═'.repeat(width + 2)}╝`,
  ];
  return `${box.map((l) => paint(style, 'yellow', l)).join('\n')}\n`;
}

function report(io: Io, error: unknown, debug: boolean): number {
  const style = colorFor(io.stderr, io.env);
  if (error instanceof TenantFileError) {
    io.stderr.write(formatProblems(error.problems, style));
    const count = error.problems.filter((p) => p.severity === 'error').length;
    io.stderr.write(
      error.afterReads
        ? `\n${paint(style, 'red', `${count} error(s)`)}. Nothing was changed in Logto.\n`
        : `\n${paint(style, 'red', `${count} error(s)`)} in the tenant files. Nothing was sent to Logto.\n`,
    );
    return EXIT_ERROR;
  }
  const e = error as {
    message?: string;
    fix?: string;
    name?: string;
    issues?: { field: string; message: string }[];
    stack?: string;
  };
  io.stderr.write(`${paint(style, 'red', 'error:')} ${e?.message ?? String(error)}\n`);
  if (e?.fix) io.stderr.write(`  ${paint(style, 'dim', 'fix:')} ${e.fix}\n`);
  if (debug && e?.stack) io.stderr.write(`${e.stack}\n`);
  return EXIT_ERROR;
}

function defaultIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Entry point of `bin/logto-iac.js`. */
export async function run(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2));
}
