#!/usr/bin/env node
/**
 * The logic of the logto-iac GitHub Action (action.yml at the repository root): run `logto-iac plan` or
 * `apply` on the tenant files, post the markdown plan as the pull request's comment, set the step's outputs.
 * One file with no dependencies, so test/action/action.test.ts runs it as the runner would (with a fake `gh`).
 *
 * Inputs come as INPUT_* variables (action.yml maps them): COMMAND (plan|apply), PATH, ENV, ALL_ENVS,
 * WORKING_DIRECTORY, COMMENT, VERSION, DETAILS_URL; GH_TOKEN for `gh`. Outputs (to $GITHUB_OUTPUT):
 * exit-code (the CLI's: 0 no changes, 2 changes or drift, 1 error), has-changes, plan-file, comment-file.
 * The step fails only on an error (exit 1): a plan with changes is what a pull request is for.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const env = process.env;
const input = (name, fallback = '') => (env[`INPUT_${name}`] ?? '').trim() || fallback;
const flag = (name, fallback) => {
  const value = input(name, String(fallback)).toLowerCase();
  if (value !== 'true' && value !== 'false')
    fail(`input "${name.toLowerCase().replace(/_/g, '-')}" must be true or false, got "${value}"`);
  return value === 'true';
};

function fail(message) {
  process.stdout.write(`::error title=logto-iac::${message}\n`);
  process.exit(1);
}

function setOutput(name, value) {
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${name}=${value}\n`);
}

const command = input('COMMAND', 'plan');
if (command !== 'plan' && command !== 'apply') fail(`input "command" must be plan or apply, got "${command}"`);
const path = input('PATH', 'logto');
const environment = input('ENV');
const allEnvs = flag('ALL_ENVS', false);
const comment = flag('COMMENT', true);
const cwd = resolve(input('WORKING_DIRECTORY', '.'));
if (allEnvs && environment) fail('set either input "env" or "all-envs", not both');
if (allEnvs && command === 'apply')
  fail('input "all-envs" is for plan only: apply one environment per job (a matrix over "env")');
if (!existsSync(resolve(cwd, path))) fail(`input "path": ${path} does not exist in ${cwd}`);

/** The project's own logto-iac (locked by its package-lock.json) when installed, else npx of `version`. */
function cli() {
  const local = join(cwd, 'node_modules', '.bin', process.platform === 'win32' ? 'logto-iac.cmd' : 'logto-iac');
  if (existsSync(local)) return [local, []];
  const version = input('VERSION', 'latest');
  return ['npx', ['--yes', `logto-iac@${version}`]];
}

const out = mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), 'logto-iac-'));
const planFile = join(out, 'plan.json');
const commentFile = join(out, 'plan.md');
const target = allEnvs ? ['--all-envs'] : environment ? ['--env', environment] : [];
const args =
  command === 'plan'
    ? [path, ...target, '--format', 'markdown', '--out', planFile]
    : [path, ...target, '--auto-approve', '--no-color'];
const detailsUrl =
  input('DETAILS_URL') ||
  (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
    ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
    : '');
if (command === 'plan' && detailsUrl) args.push('--details-url', detailsUrl);

const [bin, pre] = cli();
process.stdout.write(`::group::logto-iac ${command} ${args.join(' ')}\n`);
const run = spawnSync(bin, [...pre, command, ...args], {
  cwd,
  env: { ...env, NO_COLOR: '1' },
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
  maxBuffer: 256 * 1024 * 1024,
  shell: process.platform === 'win32',
});
process.stderr.write(run.stderr ?? '');
if (command === 'apply') process.stdout.write(run.stdout ?? '');
process.stdout.write('::endgroup::\n');
const code = run.status ?? 1;
if (run.error) process.stdout.write(`::error title=logto-iac::could not run logto-iac: ${run.error.message}\n`);

setOutput('exit-code', String(code));
setOutput('has-changes', String(code === 2));

if (command === 'plan') {
  // The CLI prints errors on stderr and the whole plan (or nothing) on stdout.
  const body =
    code === 1
      ? [
          '### logto-iac plan failed',
          '',
          'Nothing was applied. The error:',
          '',
          '```text',
          (run.stderr || run.error?.message || '').trim().slice(-60_000),
          '```',
          ...(detailsUrl ? ['', `[Run log](${detailsUrl})`] : []),
          '',
        ].join('\n')
      : run.stdout;
  writeFileSync(commentFile, body);
  setOutput('comment-file', commentFile);
  if (existsSync(planFile)) setOutput('plan-file', planFile);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${body}\n`);

  const event = env.GITHUB_EVENT_PATH && existsSync(env.GITHUB_EVENT_PATH) ? readJson(env.GITHUB_EVENT_PATH) : {};
  const pr = event.pull_request?.number;
  if (comment && pr) {
    // One comment per pull request, updated on every push (the last one this token wrote).
    const gh = spawnSync(
      'gh',
      [
        'pr',
        'comment',
        String(pr),
        ...(env.GITHUB_REPOSITORY ? ['--repo', env.GITHUB_REPOSITORY] : []),
        '--body-file',
        commentFile,
        '--edit-last',
        '--create-if-none',
      ],
      { cwd, env, encoding: 'utf8', shell: process.platform === 'win32' },
    );
    if (gh.status !== 0)
      fail(
        `posting the plan comment failed (${(gh.stderr || gh.error?.message || '').trim()}). Fix: give the job "permissions: pull-requests: write", or set input "comment" to false`,
      );
  }
}

process.exit(code === 2 ? 0 : code);

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}
