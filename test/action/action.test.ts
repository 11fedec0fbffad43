/**
 * The GitHub Action's step script (action/run.mjs) run as the runner runs it: INPUT_* variables, a pull
 * request event, $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY files, the project's node_modules/.bin/logto-iac
 * (this build), and a fake `gh` on PATH that records the comment it was asked to post. The tenant is the
 * emulator (or a real Logto with LOGTO_E2E_*). action.yml itself is checked to map every input the script reads.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTarget, type Target } from '../support/target.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'action', 'run.mjs');

let target: Target;
let work: string;
let project: string;
let ghLog: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'provider', 'cli', 'main.js')))
    throw new Error('dist/ is missing: run `npm run build` before this test');
  target = await startTarget();
  work = mkdtempSync(join(tmpdir(), 'logto-iac-action-'));
  project = join(work, 'repo');
  mkdirSync(join(project, 'logto'), { recursive: true });
  mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(join(ROOT, 'bin', 'logto-iac.js'), join(project, 'node_modules', '.bin', 'logto-iac'));
  // A fake gh: records its arguments and the body it was given.
  mkdirSync(join(work, 'bin'));
  ghLog = join(work, 'gh.log');
  const gh = join(work, 'bin', 'gh');
  writeFileSync(
    gh,
    `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
const body = fs.readFileSync(args[args.indexOf('--body-file') + 1], 'utf8');
fs.appendFileSync(${JSON.stringify(ghLog)}, JSON.stringify({ args, body, token: process.env.GH_TOKEN }) + '\\n');
if (process.env.FAKE_GH_FAIL) { process.stderr.write('HTTP 403: Resource not accessible by integration'); process.exit(1); }
`,
  );
  chmodSync(gh, 0o755);
  writeFileSync(join(work, 'event.json'), JSON.stringify({ pull_request: { number: 42 } }));
}, 60_000);

afterAll(async () => {
  await target?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

const tenant = (description: string) => `roles:
  ${target.prefix}-reader:
    description: ${description}
`;

interface Step {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  comments: { args: string[]; body: string; token: string }[];
}

async function step(inputs: Record<string, string>, extra: Record<string, string> = {}): Promise<Step> {
  const run = mkdtempSync(join(work, 'step-'));
  const files = { output: join(run, 'output'), summary: join(run, 'summary') };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  rmSync(ghLog, { force: true });
  const env: NodeJS.ProcessEnv = {
    PATH: `${join(work, 'bin')}:${process.env.PATH}`,
    HOME: work,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(work, 'event.json'),
    GITHUB_REPOSITORY: 'acme/infra',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '1001',
    RUNNER_TEMP: run,
    GH_TOKEN: 'ghs_test',
    LOGTO_ENDPOINT: target.url,
    LOGTO_APP_ID: target.appId,
    LOGTO_APP_SECRET: target.appSecret,
    INPUT_WORKING_DIRECTORY: project,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k}`, v])),
    ...extra,
  };
  const child = spawn(process.execPath, [SCRIPT], { cwd: work, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const outputs = Object.fromEntries(
    readFileSync(files.output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const comments = existsSync(ghLog)
    ? readFileSync(ghLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
  return { code, stdout, stderr, outputs, summary: readFileSync(files.summary, 'utf8'), comments };
}

describe('the GitHub Action step (action/run.mjs)', () => {
  it('plan with changes: passes, comments the markdown plan on the pull request, has-changes=true', async () => {
    writeFileSync(join(project, 'logto', 'tenant.yaml'), tenant('Reads orders'));
    const r = await step({ COMMAND: 'plan', PATH: 'logto' });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.outputs['has-changes']).toBe('true');
    expect(r.comments).toHaveLength(1);
    const [posted] = r.comments;
    expect(posted?.args).toEqual([
      'pr',
      'comment',
      '42',
      '--repo',
      'acme/infra',
      '--body-file',
      r.outputs['comment-file'],
      '--edit-last',
      '--create-if-none',
    ]);
    expect(posted?.token).toBe('ghs_test');
    expect(posted?.body).toMatch(/^### logto-iac plan/);
    expect(posted?.body).toContain(`<code>Role.${target.prefix}-reader</code>`);
    expect(r.summary).toContain(posted?.body);
    const plan = JSON.parse(readFileSync(r.outputs['plan-file'] as string, 'utf8')) as {
      changes: { action: string; kind: string }[];
    };
    expect(plan.changes.map((c) => [c.action, c.kind])).toEqual([['create', 'Role']]);
  });

  it('apply writes the tenant; the next plan has no changes and says so in the comment', async () => {
    const apply = await step({ COMMAND: 'apply', PATH: 'logto' }, { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: '' });
    expect(apply.code).toBe(0);
    expect(apply.outputs['exit-code']).toBe('0');
    expect(apply.comments).toEqual([]);
    expect(apply.stdout).toContain('Apply complete! 1 created');

    const plan = await step({ COMMAND: 'plan', PATH: 'logto' });
    expect(plan.code).toBe(0);
    expect(plan.outputs['exit-code']).toBe('0');
    expect(plan.outputs['has-changes']).toBe('false');
    expect(plan.comments[0]?.body).toMatch(/No changes/);
  });

  it('plan that fails (a reference to nothing): the step fails and the comment shows the error', async () => {
    writeFileSync(
      join(project, 'logto', 'tenant.yaml'),
      `${tenant('Reads orders')}    scopes: [{ ref: ApiResourceScope.nowhere }]\n`,
    );
    const r = await step({ COMMAND: 'plan', PATH: 'logto' });
    expect(r.code).toBe(1);
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.outputs['has-changes']).toBe('false');
    expect(r.comments[0]?.body).toMatch(/^### logto-iac plan failed/);
    expect(r.comments[0]?.body).toContain('nowhere');
    expect(r.comments[0]?.body).not.toContain(target.appSecret);
  });

  it('bad inputs fail before anything runs, naming the input', async () => {
    const wrong = await step({ COMMAND: 'destroy', PATH: 'logto' });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('::error title=logto-iac::input "command" must be plan or apply, got "destroy"');
    const both = await step({ COMMAND: 'plan', PATH: 'logto', ENV: 'prod', ALL_ENVS: 'true' });
    expect(both.stdout).toContain('set either input "env" or "all-envs"');
    const missing = await step({ COMMAND: 'plan', PATH: 'nowhere' });
    expect(missing.stdout).toContain('input "path": nowhere does not exist');
    for (const r of [wrong, both, missing]) {
      expect(r.comments).toEqual([]);
      expect(r.outputs).toEqual({});
    }
  });

  it('a comment gh cannot post fails the step with the fix', async () => {
    writeFileSync(join(project, 'logto', 'tenant.yaml'), tenant('Reads orders'));
    const r = await step({ COMMAND: 'plan', PATH: 'logto' }, { FAKE_GH_FAIL: '1' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('permissions: pull-requests: write');
  });

  it('comment: false posts nothing', async () => {
    const r = await step({ COMMAND: 'plan', PATH: 'logto', COMMENT: 'false' });
    expect(r.code).toBe(0);
    expect(r.comments).toEqual([]);
  });
});

describe('action.yml', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: { id?: string; run?: string; env?: Record<string, string>; uses?: string }[] };
  };

  it('is a composite action whose run step passes every input the script reads', () => {
    expect(action.runs.using).toBe('composite');
    const run = action.runs.steps.find((s) => s.id === 'run');
    expect(run?.run).toContain('action/run.mjs');
    const script = readFileSync(SCRIPT, 'utf8');
    const read = new Set([...script.matchAll(/(?:input|flag)\('([A-Z_]+)'/g)].map((m) => m[1]));
    for (const name of read) expect(Object.keys(run?.env ?? {}), name).toContain(`INPUT_${name}`);
    for (const [key, value] of Object.entries(run?.env ?? {}))
      if (key.startsWith('INPUT_') && key !== 'INPUT_VERSION')
        expect(value).toBe(`\${{ inputs.${key.slice(6).toLowerCase().replace(/_/g, '-')} }}`);
    for (const name of [
      'command',
      'path',
      'env',
      'all-envs',
      'working-directory',
      'comment',
      'github-token',
      'version',
    ])
      expect(Object.keys(action.inputs)).toContain(name);
    for (const name of ['exit-code', 'has-changes', 'plan-file', 'comment-file'])
      expect(action.outputs[name]?.value).toBe(`\${{ steps.run.outputs.${name} }}`);
  });
});
