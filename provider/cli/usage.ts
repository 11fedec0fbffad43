/**
 * The command line's one description: every flag (what it takes, what it does) and every command (its
 * usage, the flags it accepts, examples). `logto-iac --help`, `logto-iac <command> --help` and the check
 * that refuses a flag a command does not use are all made from these tables; the flags of client settings
 * (`--endpoint`, `--app-id`, `--app-secret`, `--resource`, `--debug`) come from core/client/settings.ts.
 */
import { type ClientSetting, CONNECTION_SETTINGS } from '../../core/client/settings.js';

export interface Flag {
  /** `<url>`, `<kinds>`…; none for a switch. */
  arg?: string;
  short?: string;
  text: string;
}

/** The client settings the command line takes as flags (core/client/settings.ts). */
const SETTING_FLAGS = CONNECTION_SETTINGS.filter((s) => s.cli);
/** The settings whose flag takes a value (`--endpoint <url>`…) connect to a tenant; the switch (`--debug`) is global. */
const CONNECTION_SETTING_FLAGS = SETTING_FLAGS.filter((s) => s.cli!.arg);

function settingFlag(setting: ClientSetting): [string, Flag] {
  const { flag, arg, text } = setting.cli!;
  return [flag, { ...(arg ? { arg } : {}), text }];
}

/** Every flag, in the order help lists them. */
export const FLAGS: Record<string, Flag> = {
  ...Object.fromEntries(CONNECTION_SETTING_FLAGS.map(settingFlag)),
  emulator: { text: 'use a fresh embedded emulator instead of a tenant' },
  'allow-demo-secrets': {
    text: 'accept ${env:NAME:-fallback} in secret fields when NAME is unset (implied by --emulator)',
  },
  env: {
    arg: '<name>',
    text: 'one environment of the tenant directory: environments/<name>/ laid over the shared files, its tenant from LOGTO_<NAME>_ENDPOINT, _APP_ID, _APP_SECRET (_RESOURCE)',
  },
  'all-envs': { text: 'every environment, concurrently, with one summary' },
  json: { text: 'machine-readable output on stdout' },
  format: { arg: '<f>', text: 'output format (see the command)' },
  'details-url': { arg: '<url>', text: 'where the markdown comment says the full plan is' },
  svg: { arg: '<file>', text: 'write the graph as an SVG picture to this file' },
  collapse: { arg: '<n>', text: 'kinds with more than n objects are one node (default 25; 0 never collapses)' },
  out: { arg: '<file>', short: 'o', text: 'write the result to this file' },
  'plan-file': { arg: '<file>', text: 'a plan saved with `plan --out`' },
  'auto-approve': { text: 'do not ask for confirmation' },
  'allow-delete': {
    arg: '<kinds>',
    text: 'delete objects of these kinds that the files do not list (comma-separated)',
  },
  only: { arg: '<kinds>', text: 'limit to these kinds (comma-separated)' },
  exclude: { arg: '<kinds>', text: 'leave these kinds out (comma-separated)' },
  include: { arg: '<kinds>', text: 'also export kinds left out by default (User: end-user data)' },
  state: {
    arg: '<file>',
    text: 'remember ids and applied values between runs (optional; enables drift since last apply)',
  },
  concurrency: { arg: '<n>', text: 'objects worked on at once (default 8)' },
  ...Object.fromEntries(SETTING_FLAGS.filter((s) => !s.cli!.arg).map(settingFlag)),
  'no-color': { text: 'plain output (also NO_COLOR=1)' },
  help: { short: 'h', text: 'show help (`logto-iac <command> --help` for one command)' },
  version: { text: 'print the version' },
};

/** Flags every command accepts. */
export const GLOBAL_FLAGS = ['debug', 'no-color', 'help', 'version'];
/** Flags of the commands that talk to a tenant. */
export const CONNECTION_FLAGS = [...CONNECTION_SETTING_FLAGS.map((s) => s.cli!.flag), 'emulator', 'allow-demo-secrets'];

/** The client options the connection flags set, by flag: `app-id` → `appId`. */
export const CONNECTION_OPTIONS: Record<string, string> = Object.fromEntries(
  CONNECTION_SETTING_FLAGS.map((s) => [s.cli!.flag, s.option]),
);

/** The heading of the connection flags, with the variables they stand for. */
const CONNECTION_HEADING = `Connection (or ${CONNECTION_SETTING_FLAGS.map((s) => s.env).join(', ')}):`;

export interface CommandUsage {
  name: string;
  /** The arguments after the command name. */
  args: string;
  summary: string;
  /** More about what it does, a line each. */
  details?: string[];
  /** Connects to a tenant (accepts the connection flags). */
  connects: boolean;
  /** Its own flags, with what each means for this command when that differs from `FLAGS`. */
  flags: Record<string, string | undefined>;
  examples: string[];
}

export const COMMAND_USAGE: CommandUsage[] = [
  {
    name: 'validate',
    args: '[files or directories…]',
    summary: 'Check tenant files offline (schema, references, placeholders). Exit 1 on any problem.',
    details: [
      'Nothing is sent to Logto. A directory with environments/ is checked for every environment.',
      "A secret's ${env:NAME:-fallback} with NAME unset is a warning here: plan and apply against a real tenant refuse it.",
    ],
    connects: false,
    flags: {
      env: 'check one environment only',
      'all-envs': 'check every environment (the default for a directory with environments)',
      json: 'print {valid, objects, problems} as JSON',
      state: 'the state file, to check ids it records',
      'allow-demo-secrets': 'do not warn about fallbacks in secret fields',
    },
    examples: [
      'logto-iac validate tenant.yaml',
      'logto-iac validate examples/fleet',
      'logto-iac validate logto/ --json',
    ],
  },
  {
    name: 'plan',
    args: '[files or directories…]',
    summary: 'Show what apply would change. Exit 0 = no changes, 2 = changes or drift, 1 = error.',
    details: ["Makes no write request. References are shown by the referenced object's key."],
    connects: true,
    flags: {
      env: undefined,
      'all-envs': 'plan every environment, concurrently, with one summary',
      json: 'print the plan document (schema/plan.schema.json) = --format json',
      format: "text (default), json, or markdown (a pull-request comment under GitHub's size limit)",
      'details-url': undefined,
      out: 'also save the plan as JSON, for apply --plan-file',
      state: undefined,
      'allow-delete': undefined,
      only: undefined,
      exclude: undefined,
    },
    examples: [
      'logto-iac plan tenant.yaml',
      'logto-iac plan tenant.yaml --out plan.json',
      'logto-iac plan examples/fleet --env staging',
      'logto-iac plan examples/fleet --all-envs --format markdown --details-url "$RUN_URL"',
    ],
  },
  {
    name: 'apply',
    args: '[files or directories…]',
    summary: 'Plan, confirm, and apply.',
    details: ['Without a terminal it refuses to run unless --auto-approve or --plan-file is given.'],
    connects: true,
    flags: {
      env: undefined,
      'plan-file': 'apply this saved plan, only if the live tenant still matches it',
      'auto-approve': undefined,
      'allow-delete': undefined,
      only: undefined,
      exclude: undefined,
      state: undefined,
      concurrency: undefined,
    },
    examples: [
      'logto-iac apply tenant.yaml',
      'logto-iac apply tenant.yaml --auto-approve --state state.json',
      'logto-iac apply tenant.yaml --plan-file plan.json',
    ],
  },
  {
    name: 'drift',
    args: '[files or directories…]',
    summary: 'Show where the live tenant differs from the files (managed fields only). Exit 2 on drift.',
    connects: true,
    flags: {
      env: undefined,
      'all-envs': 'every environment, concurrently, with one summary',
      json: 'print {drift, liveFingerprint} as JSON',
      state: undefined,
      only: undefined,
      exclude: undefined,
    },
    examples: ['logto-iac drift tenant.yaml', 'logto-iac drift examples/fleet --all-envs'],
  },
  {
    name: 'export',
    args: '',
    summary: 'Write the live tenant as a tenant file (secrets become ${env:…} placeholders).',
    details: ['The file names the tenant schema relative to where it is written, for editors.'],
    connects: true,
    flags: { out: 'write the file here (default: stdout)', only: undefined, exclude: undefined, include: undefined },
    examples: ['logto-iac export --out logto/tenant.yaml', 'logto-iac export --include User > tenant.yaml'],
  },
  {
    name: 'graph',
    args: '[files or directories…]',
    summary: "Draw the files' objects as a dependency graph. Offline.",
    details: [
      'Mermaid (default) or DOT on stdout, or an SVG picture with --svg.',
      "With --plan-file, objects are coloured by the plan's action (a legend says which colour is which).",
    ],
    connects: false,
    flags: {
      env: undefined,
      format: 'mermaid (default) or dot, on stdout',
      svg: undefined,
      'plan-file': "colour the objects by this saved plan's actions",
      collapse: undefined,
    },
    examples: [
      'logto-iac graph tenant.yaml > tenant.mmd',
      'logto-iac graph tenant.yaml --svg tenant.svg',
      'logto-iac plan tenant.yaml --out plan.json; logto-iac graph tenant.yaml --plan-file plan.json --svg plan.svg',
    ],
  },
  {
    name: 'test-jwt',
    args: '[files or directories…]',
    summary:
      "Run the files' JWT customizer scripts once on the server with their samples; print the claims or the script's error (writes nothing). Exit 1 if a script fails.",
    connects: true,
    flags: { env: undefined, json: 'print the results as JSON' },
    examples: ['logto-iac test-jwt tenant.yaml'],
  },
  {
    name: 'demo',
    args: '[files…]',
    summary: 'plan + apply + plan of examples/tenant.yaml (embedded emulator unless a tenant is configured).',
    connects: true,
    flags: { state: undefined, concurrency: undefined },
    examples: ['logto-iac demo', 'LOGTO_ENDPOINT=… LOGTO_APP_ID=… LOGTO_APP_SECRET=… logto-iac demo'],
  },
  {
    name: 'emulator',
    args: '[options]',
    summary: 'Run the Logto Management API emulator (`logto-iac emulator --help`).',
    connects: false,
    flags: {},
    examples: ['logto-iac emulator --port 3001'],
  },
  {
    name: 'terraform-install',
    args: '<dir>',
    summary: 'Install the Terraform provider into a filesystem mirror, and print how to use it.',
    connects: false,
    flags: {},
    examples: ['logto-iac terraform-install ./terraform-mirror'],
  },
  {
    name: 'help',
    args: '[command]',
    summary: 'Show help, for one command when named.',
    connects: false,
    flags: {},
    examples: ['logto-iac help plan'],
  },
];

export function usageOf(command: string): CommandUsage | undefined {
  return COMMAND_USAGE.find((c) => c.name === command);
}

/** The flags a command accepts (its own, the connection flags if it connects, the global ones). */
export function flagsOf(usage: CommandUsage): string[] {
  return [...Object.keys(usage.flags), ...(usage.connects ? CONNECTION_FLAGS : []), ...GLOBAL_FLAGS];
}

function flagName(name: string): string {
  const flag = FLAGS[name]!;
  return `${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.arg ? ` ${flag.arg}` : ''}`;
}

/** `head` then `text` wrapped at 110 columns, continuation lines under the text's start. */
function wrapped(head: string, text: string): string {
  const lines: string[] = [];
  let line = head;
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > 110 && line.trim().length > head.trim().length) {
      lines.push(line.trimEnd());
      line = ' '.repeat(head.length);
    }
    line += `${word} `;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}

function flagLines(entries: [string, string][]): string[] {
  const width = Math.max(...entries.map(([name]) => flagName(name).length)) + 2;
  return entries.map(([name, text]) => wrapped(`  ${flagName(name).padEnd(width)} `, text));
}

/** `logto-iac <command> --help`. */
export function commandHelp(usage: CommandUsage): string {
  const lines = [
    `Usage: logto-iac ${usage.name}${usage.args ? ` ${usage.args}` : ''}${Object.keys(usage.flags).length > 0 || usage.connects ? ' [options]' : ''}`,
    '',
    usage.summary,
  ];
  if (usage.details) lines.push(...usage.details);
  const own = Object.entries(usage.flags).map(([name, text]) => [name, text ?? FLAGS[name]!.text] as [string, string]);
  if (own.length > 0) lines.push('', 'Options:', ...flagLines(own));
  if (usage.connects)
    lines.push('', CONNECTION_HEADING, ...flagLines(CONNECTION_FLAGS.map((name) => [name, FLAGS[name]!.text])));
  lines.push('', 'Global:', ...flagLines(GLOBAL_FLAGS.map((name) => [name, FLAGS[name]!.text])));
  lines.push('', 'Examples:', ...usage.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** `logto-iac --help`. */
export function globalHelp(kinds: string[]): string {
  const width = Math.max(...COMMAND_USAGE.map((c) => c.name.length)) + 2;
  const options = Object.keys(FLAGS).filter((f) => !CONNECTION_FLAGS.includes(f) && !GLOBAL_FLAGS.includes(f));
  return `logto-iac — Logto tenant configuration as code

Usage: logto-iac <command> [tenant files or directories…] [options]
       logto-iac <command> --help      the command's options and examples

Commands:
${COMMAND_USAGE.map((c) => wrapped(`  ${c.name.padEnd(width)} `, c.summary)).join('\n')}

${CONNECTION_HEADING}
${flagLines(CONNECTION_FLAGS.map((name) => [name, FLAGS[name]!.text])).join('\n')}

Options (each command takes some of them; see its --help):
${flagLines(
  options.map((name) => [
    name,
    `${FLAGS[name]!.text} [${COMMAND_USAGE.filter((c) => name in c.flags)
      .map((c) => c.name)
      .join(', ')}]`,
  ]),
).join('\n')}
${flagLines(GLOBAL_FLAGS.map((name) => [name, FLAGS[name]!.text])).join('\n')}

Tenant files: YAML or JSON; several files or a directory are merged. Placeholders: \${env:NAME},
\${env:NAME:-fallback}, \${file:path}. Kinds: ${kinds.join(', ')}.
`;
}
