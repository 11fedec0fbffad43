/**
 * The command line as a person meets it: each command's own help (usage, flags, examples), a flag a command
 * does not take refused, file problems in file and line order with "required" for a missing field and an
 * unclosed quote at the line it opened, `--all-envs` failures with their fix, `drift --all-envs`, and a
 * refused connection said at once with each retry.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_USAGE, FLAGS } from '../../provider/cli/usage.js';
import { cli, ensureBuilt, ROOT } from './helpers.js';

const FLEET = join(ROOT, 'examples', 'fleet');
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'logto-iac-usage-'));
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('help', () => {
  it('every command has its own usage, flags and examples; graph lists --svg, --collapse and --plan-file', async () => {
    for (const command of COMMAND_USAGE.filter((c) => c.name !== 'help' && c.name !== 'emulator')) {
      const r = await cli([command.name, '--help']);
      expect(r.code, command.name).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: logto-iac ${command.name}\\b`));
      expect(r.stdout).toContain('Examples:');
      for (const flag of Object.keys(command.flags))
        expect(r.stdout, `${command.name} --${flag}`).toContain(`--${flag}`);
      expect(r.stdout).not.toContain('Commands:'); // not the global help
    }
    const graph = await cli(['graph', '--help']);
    for (const flag of ['--svg <file>', '--collapse <n>', '--plan-file <file>']) expect(graph.stdout).toContain(flag);
    expect((await cli(['help', 'plan'])).stdout).toBe((await cli(['plan', '--help'])).stdout);
    // The global help lists every command and every flag.
    const global = await cli(['--help']);
    for (const c of COMMAND_USAGE) expect(global.stdout).toContain(`  ${c.name} `);
    for (const flag of Object.keys(FLAGS)) expect(global.stdout).toContain(`--${flag}`);
  });

  it('a flag the command does not take is an error naming it and the command’s flags', async () => {
    for (const args of [
      ['apply', 'examples/tenant.yaml', '--json'],
      ['export', '--json'],
      ['graph', 'examples/tenant.yaml', '--only', 'Role'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(
        `error: ${args[0]} does not take ${args.at(-1)?.startsWith('--') ? args.at(-1) : args.at(-2)}`,
      );
      expect(r.stderr).toMatch(new RegExp(`fix: its options: .*see \`logto-iac ${args[0]} --help\``));
    }
  });
});

describe('tenant file problems', () => {
  it('are listed in file and line order; a missing field says required; an unclosed quote points where it opened', async () => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    // A schema problem (line 5) before a reference problem (line 9): found in the other order.
    writeFileSync(
      a,
      [
        'version: 1',
        'roles:',
        '  r1:',
        '    description: one',
        '    type: Nope',
        '  r2:',
        '    description: two',
        '    type: User',
        '    scopes: [https://nowhere.example.com/read]',
        '  r3: {}',
        '',
      ].join('\n'),
    );
    writeFileSync(b, ['roles:', '  r4:', '    description: "never closed', '    type: User', ''].join('\n'));
    const r = await cli(['validate', a, b]);
    expect(r.code).toBe(1);
    const places = [...r.stderr.matchAll(/^error: [^\n]*?([ab])\.yaml:(\d+):\d+: /gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(places).toEqual(['a:5', 'a:9', 'a:10', 'b:3']);
    expect(r.stderr).toMatch(/a\.yaml:10:\d+: roles\.r3\.description: Role\.r3: required, but not set/);
    expect(r.stderr).toMatch(/fix: set this required field to a string/);
    expect(r.stderr).toMatch(/b\.yaml:3:18: this quoted string is never closed/);
  });
});

describe('environments', () => {
  it('--all-envs failure rows carry their fix; drift --all-envs works like plan --all-envs', async () => {
    const plan = await cli(['plan', FLEET, '--all-envs']);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(
      /staging +failed: environment staging: its tenant is not configured\n +fix: set LOGTO_STAGING_ENDPOINT, LOGTO_STAGING_APP_ID and LOGTO_STAGING_APP_SECRET/,
    );
    const markdown = await cli(['plan', FLEET, '--all-envs', '--format', 'markdown']);
    expect(markdown.stdout).toMatch(
      /The plan failed: <code>environment prod: its tenant is not configured<\/code>\n\nFix: <code>set LOGTO_PROD_ENDPOINT/,
    );

    const drift = await cli(['drift', FLEET, '--all-envs', '--emulator']);
    expect(drift.code, drift.stderr).toBe(2); // fresh emulators: the files' objects are missing
    expect(drift.stdout.match(/== environment (\w+) ==/g)).toEqual([
      '== environment dev ==',
      '== environment prod ==',
      '== environment staging ==',
    ]);
    expect(drift.stdout).toMatch(
      /Environments:\n {2}dev +\d+ difference\(s\)\n {2}prod +\d+ difference\(s\)\n {2}staging +\d+ difference\(s\)\n/,
    );
    const json = await cli(['drift', FLEET, '--all-envs', '--emulator', '--json']);
    expect(Object.keys(JSON.parse(json.stdout).environments)).toEqual(['dev', 'prod', 'staging']);
  }, 120_000);
});

describe('connection', () => {
  it('a refused connection is said at once, each retry shown, and the error names the endpoint', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const r = await cli(['plan', join(ROOT, 'examples', 'tenant.yaml'), '--allow-demo-secrets'], {
      env: { LOGTO_ENDPOINT: endpoint, LOGTO_APP_ID: 'app', LOGTO_APP_SECRET: 'secret' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/warning: POST \/oidc\/token: connection refused: .*; retrying \(1\/5\) in [\d.]+ s…/);
    expect(r.stderr).toMatch(/retrying \(5\/5\)/);
    expect(r.stderr).toMatch(/error: POST \/oidc\/token: connection refused: .* \(after 6 attempts\)/);
    expect(r.stderr).toContain(`fix: check that Logto is running at ${endpoint}`);
  }, 60_000);
});
