/**
 * Every command the documentation tells a user to run, run: the fenced `sh` blocks of README.md,
 * provider/cli/README.md and provider/pulumi/README.md, and the indented command lines in the header comments
 * of the files under examples/. They are read from the documents, never copied here, and run one after
 * another per document, like a shell session, on a fresh emulator (with Logto's official connector
 * factories) and in a fresh sandbox: a temporary directory holding a copy of examples/ and links to the rest
 * of the repository, with its own HOME. Each command's exit code is checked.
 *
 * A user's placeholders are filled in: `export LOGTO_ENDPOINT=https://<tenant-id>.logto.app …` gets the
 * emulator's values, `TF_VAR_x=…` a demo value, and the OIDC issuer a loopback discovery server (it must be
 * reachable from the Logto server). `npx logto-iac` is the built bin, `npx tsx` the repository's tsx, and
 * `npm run examples -- x` runs scripts/run-examples.ts (the build is done). A command that cannot run here is
 * listed in NOT_RUN with the reason; a documented command that is neither runnable nor listed fails the test.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackIdp, startIdp } from '../../conformance/idp.js';
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'logto-iac.js');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Documented commands that cannot run in this test, and why. Matched against the whole simple command. */
const NOT_RUN: [RegExp, string][] = [
  [/^npm ci$/, 'reinstalls node_modules under the running suite (npm test needs it done already)'],
  [/^npm test$/, 'the suite this test is part of'],
  [/^npm run build$/, 'npm test builds before the suite runs; every command here uses that build'],
  [/^npm install\b/, 'installs from the npm registry'],
  [/^\(cd examples\/pulumi && npm install\)$/, 'installs the Pulumi SDK from the npm registry'],
  [/^pulumi\b/, 'there is no Pulumi CLI here; `npm run examples -- pulumi` runs the example without it'],
];

/** Demo values for placeholders, by variable name (anything not listed gets `demo-<name>`). */
const DEMO_VALUES: Record<string, string> = {
  TF_VAR_hook_authorization: 'Bearer demo-hook-token',
  TF_VAR_breakglass_password: 'demo-Breakglass-2026',
};

interface Command {
  /** The command as documented (continuations joined, trailing comment removed). */
  text: string;
  line: number;
}

interface Document {
  /** Repository-relative path. */
  path: string;
  commands: Command[];
  /** Sandbox-relative directory the commands start in. */
  cwd: string;
  /** Files to write into the sandbox first: the document's `hcl` block as main.tf next to its commands. */
  files: Record<string, string>;
}

/** `# comment` at the end of a command line (outside quotes: the documents put none in quotes). */
const stripComment = (line: string) => line.replace(/(^|\s)#\s.*$/, '').trimEnd();

/** The commands of the fenced sh blocks of a Markdown file, and its hcl block. */
function markdownCommands(text: string): { commands: Command[]; hcl?: string } {
  const commands: Command[] = [];
  let hcl: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const lang = fence[1];
    const body: { text: string; line: number }[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push({ text: lines[i]!, line: i + 1 });
    if (lang === 'hcl') hcl ??= body.map((b) => b.text).join('\n');
    if (lang === 'sh' || lang === 'bash' || lang === 'shell') commands.push(...joinLines(body));
  }
  return { commands, hcl };
}

/** Command lines → commands: `\` continuations joined, comments and blank lines dropped. */
function joinLines(body: { text: string; line: number }[]): Command[] {
  const out: Command[] = [];
  let pending: Command | undefined;
  for (const { text, line } of body) {
    const stripped = stripComment(text).trim();
    if (pending) pending.text += ` ${stripped.replace(/\\$/, '').trim()}`;
    else if (stripped) pending = { text: stripped.replace(/\\$/, '').trim(), line };
    if (!pending) continue;
    if (!stripped.endsWith('\\')) {
      out.push(pending);
      pending = undefined;
    }
  }
  return out;
}

/**
 * The commands of a file's header comment (`#` or ` *` lines before the code): lines indented by at least
 * three spaces after the comment marker.
 */
function headerCommands(text: string): Command[] {
  const body: { text: string; line: number }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!/^(#|\s*\*|\/\*\*|\/\/)/.test(line)) break;
    const command = /^(?:#|\s\*|\/\/) {3,}(\S.*)$/.exec(line);
    if (command) body.push({ text: command[1]!, line: i + 1 });
  }
  return joinLines(body);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.name === 'node_modules' || e.name.startsWith('.')
      ? []
      : e.isDirectory()
        ? filesUnder(join(dir, e.name))
        : [join(dir, e.name)],
  );
}

/** Header commands of these examples run in the example's own directory ("in this directory"). */
const HEADER_CWD: Record<string, string> = {
  'examples/terraform/main.tf': 'examples/terraform',
  'examples/cdktf/main.ts': 'examples/cdktf',
};

function documents(): Document[] {
  const docs: Document[] = [];
  for (const path of ['README.md', 'provider/cli/README.md', 'provider/pulumi/README.md']) {
    const { commands, hcl } = markdownCommands(readFileSync(join(ROOT, path), 'utf8'));
    // The CLI's README applies a `tenant.yaml`: the example's, next to its jwt/ script.
    docs.push({
      path,
      commands,
      cwd: path === 'provider/cli/README.md' ? 'examples' : '.',
      files: hcl ? { 'main.tf': hcl } : {},
    });
  }
  for (const file of filesUnder(join(ROOT, 'examples')).sort()) {
    const path = relative(ROOT, file);
    const commands = headerCommands(readFileSync(file, 'utf8'));
    if (commands.length > 0) docs.push({ path, commands, cwd: HEADER_CWD[path] ?? '.', files: {} });
  }
  return docs;
}

interface Outcome {
  code: number;
  out: string;
}

function exec(argv: string[], cwd: string, env: NodeJS.ProcessEnv, input = '', timeoutMs = 180_000): Promise<Outcome> {
  return new Promise((done) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', (error) => done({ code: 127, out: `${out}\n${argv[0]}: ${error.message}` }));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, out });
    });
    child.stdin.end(input);
  });
}

/** Shell words: blanks separate them, '…' and "…" quote (also inside a word, as in A='b c'). */
function words(text: string): string[] {
  return [...text.matchAll(/(?:'[^']*'|"[^"]*"|[^\s'"])+/g)].map((m) => m[0].replace(/'([^']*)'|"([^"]*)"/g, '$1$2'));
}

/** The codes a command may exit with, as the documents say. */
function expectedCodes(argv: string[]): number[] {
  const [first, second] = argv[0] === 'npx' ? argv.slice(1) : argv;
  if (first === 'logto-iac' && (second === 'plan' || second === 'drift')) return [0, 2]; // 2 = changes/drift
  return [0];
}

/** Runs a document's commands in order; answers one line per command. */
class Session {
  cwd: string;
  env: NodeJS.ProcessEnv;
  readonly log: string[] = [];
  readonly failures: string[] = [];

  constructor(
    readonly sandbox: string,
    readonly doc: Document,
    readonly emulator: RunningEmulator,
    readonly idp: LoopbackIdp,
    readonly examplesRuns: Map<string, Promise<Outcome>>,
  ) {
    this.cwd = join(sandbox, doc.cwd);
    const tenant = { ENDPOINT: emulator.url, APP_ID: emulator.appId, APP_SECRET: emulator.appSecret };
    this.env = {
      PATH: process.env.PATH,
      HOME: join(sandbox, 'home'),
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      NO_COLOR: '1',
      // The secrets examples/tenant.yaml asks for against a tenant that is not the embedded emulator.
      CRM_WEBHOOK_TOKEN: 'demo-crm-token',
      CAPTCHA_SECRET_KEY: 'demo-captcha-key',
      SMTP_PASSWORD: 'demo-smtp-password',
      GITHUB_CLIENT_SECRET: 'demo-github-secret',
      BREAKGLASS_PASSWORD: 'demo-Breakglass-2026',
    };
    // The tenant of the plain LOGTO_* variables and of examples/fleet's environments.
    for (const prefix of ['LOGTO', 'LOGTO_DEV', 'LOGTO_STAGING', 'LOGTO_PROD'])
      for (const [k, v] of Object.entries(tenant)) this.env[`${prefix}_${k}`] = v;
  }

  /** A command line: `&&` and `;` chains, one simple command at a time (stops at the first failure of `&&`). */
  async run(command: Command): Promise<void> {
    const whole = NOT_RUN.find(([pattern]) => pattern.test(command.text));
    if (whole) return this.note(command, `not run: ${whole[1]}`);
    for (const part of command.text.split(/\s*(?:&&|;)\s*/)) {
      const skipped = NOT_RUN.find(([pattern]) => pattern.test(part));
      if (skipped) {
        this.note(command, `${part}: not run: ${skipped[1]}`);
        continue;
      }
      const ok = await this.simple(command, part);
      if (!ok) return;
    }
  }

  private note(command: Command, what: string): void {
    this.log.push(`${this.doc.path}:${command.line}  ${command.text}  → ${what}`);
  }

  private fail(command: Command, what: string): false {
    this.failures.push(`${this.doc.path}:${command.line}  ${command.text}\n  ${what}`);
    return false;
  }

  private expand(word: string): string {
    return word
      .replace(/^~(?=\/|$)/, this.env.HOME!)
      .replace(/\$HOME\b/g, this.env.HOME!)
      .replace(/\$PWD\b/g, this.cwd);
  }

  /** `export A=1 B=2`: placeholders (`<…>`, `…`) get the emulator's or demo values. */
  private exportVariables(command: Command, assignments: string[]): boolean {
    for (const assignment of assignments) {
      const eq = assignment.indexOf('=');
      if (eq < 0) return this.fail(command, `cannot read the assignment "${assignment}"`);
      const name = assignment.slice(0, eq);
      const value = assignment.slice(eq + 1);
      if (name === 'TF_VAR_acme_oidc_issuer')
        this.env[name] = this.idp.issuer; // must be reachable: loopback
      else if (name.startsWith('LOGTO_') && /[<…]/.test(value))
        continue; // already the emulator's
      else if (/[<…]/.test(value)) this.env[name] = DEMO_VALUES[name] ?? `demo-${name}`;
      else this.env[name] = this.expand(value);
    }
    this.note(command, `set ${assignments.map((a) => a.split('=')[0]).join(', ')}`);
    return true;
  }

  private async simple(command: Command, text: string): Promise<boolean> {
    const argv = words(text).map((w) => this.expand(w));
    const [head, second] = argv;
    if (head === 'export') return this.exportVariables(command, argv.slice(1));
    if (head === 'cd' && argv.length === 2) {
      this.cwd = isAbsolute(argv[1]!) ? argv[1]! : resolve(this.cwd, argv[1]!);
      this.note(command, `${text}: working directory changed`);
      return true;
    }
    let run: string[];
    let env = this.env;
    let input = '';
    let examples: string | undefined;
    if (head === 'npx' && second === 'logto-iac') {
      run = [process.execPath, BIN, ...argv.slice(2)];
      if (argv[2] === 'apply' && !argv.includes('--auto-approve') && !argv.includes('--plan-file')) {
        // It asks on a terminal (and refuses without one): a pseudo-terminal (util-linux `script`), answered yes.
        run = ['script', '-qec', run.map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(' '), '/dev/null'];
        input = 'yes\n';
      }
    } else if (head === 'npx' && second === 'tsx') run = [process.execPath, TSX, ...argv.slice(2)];
    else if (head === 'npm' && second === 'start') {
      // What `npm start` runs after the build: the demo, with no tenant configured (the embedded emulator).
      run = [process.execPath, BIN, 'demo'];
      env = Object.fromEntries(Object.entries(this.env).filter(([k]) => !k.startsWith('LOGTO_')));
    } else if (head === 'npm' && second === 'run' && argv[2] === 'examples') {
      examples = argv.slice(argv[3] === '--' ? 4 : 3).join(' ');
      run = [process.execPath, TSX, join(ROOT, 'scripts', 'run-examples.ts'), ...argv.slice(argv[3] === '--' ? 4 : 3)];
      env = { PATH: process.env.PATH, HOME: this.env.HOME, NO_COLOR: '1' };
    } else if (head === 'terraform') {
      run = argv;
      input = 'yes\n'; // `terraform apply` asks for approval
    } else return this.fail(command, `"${text}" is neither runnable by this test nor listed in NOT_RUN`);

    const started = Date.now();
    let outcome: Outcome;
    if (examples !== undefined) {
      // The same example named in several documents runs once.
      const memo = this.examplesRuns.get(examples) ?? exec(run, ROOT, env);
      this.examplesRuns.set(examples, memo);
      outcome = await memo;
    } else outcome = await exec(run, this.cwd, env, input);
    const expected = expectedCodes(argv);
    this.note(command, `${text === command.text ? '' : `${text}: `}exit ${outcome.code} (${Date.now() - started} ms)`);
    if (!expected.includes(outcome.code))
      return this.fail(
        command,
        `exit ${outcome.code}, expected ${expected.join(' or ')}:\n${outcome.out.slice(-3000)}`,
      );
    for (const secret of [this.emulator.appSecret]) {
      if (outcome.out.includes(secret)) return this.fail(command, 'printed the app secret');
    }
    return true;
  }
}

/** A temporary copy of the repository for one document: examples/ copied, the rest linked, its own HOME. */
function makeSandbox(): string {
  const dir = mkdtempSync(join(tmpdir(), 'logto-docs-'));
  for (const entry of readdirSync(ROOT)) {
    if (entry === 'examples' || entry === '.git' || entry.startsWith('.terraform')) continue;
    symlinkSync(join(ROOT, entry), join(dir, entry));
  }
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), {
    recursive: true,
    filter: (src) => !/node_modules|cdktf\.out|\.terraform/.test(relative(ROOT, src)),
  });
  mkdirSync(join(dir, 'home'));
  return dir;
}

const DOCS = documents();
const examplesRuns = new Map<string, Promise<Outcome>>();
const sandboxes: string[] = [];
let idp: LoopbackIdp;

beforeAll(async () => {
  idp = await startIdp();
});

afterAll(async () => {
  await idp?.close();
  for (const dir of sandboxes) rmSync(dir, { recursive: true, force: true });
});

describe('the documented commands', () => {
  it('are found in every document this test covers', () => {
    const paths = DOCS.map((d) => d.path);
    for (const path of [
      'README.md',
      'provider/cli/README.md',
      'provider/pulumi/README.md',
      'examples/terraform/main.tf',
      'examples/cdktf/main.ts',
      'examples/pulumi/index.ts',
      'examples/tenant.yaml',
    ])
      expect(paths).toContain(path);
    for (const doc of DOCS) expect(doc.commands.length, doc.path).toBeGreaterThan(0);
    // README.md starts with the two set-up commands.
    expect(DOCS[0]!.commands.slice(0, 2).map((c) => c.text)).toEqual(['npm ci && npm start', 'npm test']);
  });

  it('fail on a documented command that is neither runnable nor listed, and on an unexpected exit code', async () => {
    const doc: Document = {
      path: 'NEW.md',
      cwd: '.',
      files: {},
      commands: markdownCommands(
        '```sh\nmake deploy            # a new kind of command\nnpx logto-iac validate missing.yaml\nnpm test\n```\n',
      ).commands,
    };
    const emulator = await startEmulator({ port: 0 });
    try {
      const session = new Session(makeSandbox(), doc, emulator, idp, new Map());
      sandboxes.push(session.sandbox);
      for (const command of doc.commands) await session.run(command);
      expect(session.failures).toHaveLength(2);
      expect(session.failures[0]).toMatch(/NEW\.md:2 {2}make deploy\n.*neither runnable by this test nor listed/);
      expect(session.failures[1]).toMatch(/NEW\.md:3 {2}npx logto-iac validate missing\.yaml\n {2}exit 1, expected 0/);
      expect(session.log.at(-1)).toMatch(/npm test {2}→ not run: the suite this test is part of/);
    } finally {
      await emulator.close();
    }
    // Header commands: indented lines of the leading comment only.
    expect(headerCommands('x = 1\n# Run:\n#   npx logto-iac plan a.yaml\n')).toEqual([]);
    expect(
      headerCommands(
        '# Run:\n#   npx logto-iac plan a.yaml   # note\n#   terraform init && \\\n#     terraform apply\nx = 1\n#   later\n',
      ),
    ).toEqual([
      { text: 'npx logto-iac plan a.yaml', line: 2 },
      { text: 'terraform init && terraform apply', line: 3 },
    ]);
  }, 60_000);

  it.concurrent.each(DOCS.map((d) => [d.path, d] as const))(
    '%s: each runs on a fresh emulator and exits as documented',
    async (_path, doc) => {
      const sandbox = makeSandbox();
      sandboxes.push(sandbox);
      for (const [file, text] of Object.entries(doc.files)) writeFileSync(join(sandbox, doc.cwd, file), text);
      const emulator = await startEmulator({ port: 0, connectorFactories: true });
      try {
        const session = new Session(sandbox, doc, emulator, idp, examplesRuns);
        for (const command of doc.commands) await session.run(command);
        // On failure: what failed, then every command of the document with its exit code or why it was not run.
        expect(session.failures, [...session.failures, 'Session:', ...session.log].join('\n\n')).toEqual([]);
        expect(session.log.length).toBeGreaterThanOrEqual(doc.commands.length);
      } finally {
        await emulator.close();
      }
    },
    300_000,
  );
});
