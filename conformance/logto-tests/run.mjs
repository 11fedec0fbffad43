#!/usr/bin/env node
/**
 * Runs Logto's own Management API integration tests (packages/integration-tests of a Logto v1.42.0 source checkout, built by Logto's own tooling) against
 * one target and writes every test's result as JSON:
 *
 *   - a real Logto (`--target URL --app-id … --app-secret …`, or LOGTO_APP_ID / LOGTO_APP_SECRET),
 *   - a fresh embedded emulator of this project (`--target emulator`; needs `npm run build`: it comes from dist/),
 *   - a null server that serves nothing (`--target null-404`: `404 Not Found`, plain text, for every request;
 *     `--target null-200`: `200 {}` for every request). A test that passes there says nothing about a server, so
 *     compare.mjs reports the agreement with and without those tests. (The harness's per-file setup goes to a
 *     sink that answers `200 {}`, so that the tests run at all; see main.)
 *
 * Logto's tests send a `development-user-id` header, which only a Logto started in integration-test mode accepts;
 * a loopback proxy (the adapter) swaps it for a bearer token of an M2M app with Management API access and forwards
 * the request (for a null server it forwards a placeholder token: there is no token endpoint to ask).
 *
 * Every file of MANAGEMENT_TESTS is passed to Jest as an exact path (`--runTestsByPath`), never as a pattern.
 * Results are keyed by file and full test name; a name that occurs more than once in a file (unlabelled
 * `it.each` cases, two tests with one title) gets ` [#n]`, its position among them, on every occurrence.
 * Failures are kept whole (colour codes removed); Jest's stderr is saved next to the output (`OUT.stderr.log`).
 *
 * Exit code: 0 when every listed file ran (each test passing or failing), 1 when the suite did not run as asked
 * (Jest wrote no report, a file is missing from it or failed to load, Jest's counts disagree with the results),
 * 2 on bad usage.
 *
 *   node conformance/logto-tests/run.mjs --logto-src DIR --target emulator --out emulator.json
 *
 * Nothing here is Logto's code: it only runs it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * The Management API test files, relative to the integration tests' built `lib/` (routes a client of the
 * Management API uses; no experience/account flows, no mock connectors, no admin tenant).
 */
export const MANAGEMENT_TESTS = [
  'tests/api/application/application-custom-data.test.js',
  'tests/api/application/application-sign-in-experience.test.js',
  'tests/api/application/application-user-consent-organization.test.js',
  'tests/api/application/application-user-consent-scope.test.js',
  'tests/api/application/application.max-allowed-grants.test.js',
  'tests/api/application/application.organization.test.js',
  'tests/api/application/application.roles.test.js',
  'tests/api/application/application.secrets.test.js',
  'tests/api/application/application.test.js',
  'tests/api/application/saml-application.test.js',
  'tests/api/organization/organization.test.js',
  'tests/api/organization/organization-role.test.js',
  'tests/api/organization/organization-scope.test.js',
  'tests/api/organization/organization-jit.test.js',
  'tests/api/organization/organization-application.test.js',
  'tests/api/sso-connectors/sso-connectors.test.js',
  'tests/api/hook/hook.test.js',
  'tests/api/hook/hook.testing.test.js',
  'tests/api/resource.test.js',
  'tests/api/resource.scope.test.js',
  'tests/api/role.test.js',
  'tests/api/role.scope.test.js',
  'tests/api/role.application.test.js',
  'tests/api/role.is-default.test.js',
  'tests/api/custom-profile-fields.test.js',
  'tests/api/custom-phrase.test.js',
  'tests/api/sign-in-experience.test.js',
  'tests/api/logto-config.test.js',
  'tests/api/logto-config.id-token.test.js',
  'tests/api/account-center.test.js',
  'tests/api/captcha-provider.test.js',
  'tests/api/connector.test.js',
  'tests/api/domains.test.js',
  'tests/api/email-templates/index.test.js',
];

/** The null servers: what each answers to every request. */
export const NULL_SERVERS = {
  'null-404': { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Not Found' },
  'null-200': { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{}' },
};

export async function token(target, appId, appSecret) {
  const res = await fetch(`${target}/oidc/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${appId}:${appSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      resource: 'https://default.logto.app/api',
      scope: 'all',
    }),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return (await res.json()).access_token;
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}

/** A server that answers every request the same way (NULL_SERVERS), after reading the request's body. */
export async function startNullServer(kind) {
  const answer = NULL_SERVERS[kind];
  return listen(
    createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      });
    }),
  );
}

/**
 * The adapter: `development-user-id` → `Authorization: Bearer …`, everything else passed through. The token is
 * fetched again once when an answer is 401 (Logto's tests rotate the OIDC signing keys, which ends every
 * token issued before).
 */
export async function startAdapter(target, getToken) {
  let bearer = await getToken();
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const authed = Boolean(req.headers['development-user-id']);
    const send = () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v !== 'string' || ['host', 'connection', 'content-length', 'development-user-id'].includes(k))
          continue;
        headers.set(k, v);
      }
      if (authed) headers.set('authorization', `Bearer ${bearer}`);
      return fetch(`${target}${req.url}`, { method: req.method, headers, body, redirect: 'manual' });
    };
    try {
      let answer = await send();
      if (authed && answer.status === 401) {
        bearer = await getToken();
        answer = await send();
      }
      const out = {};
      answer.headers.forEach((v, k) => {
        if (!['content-encoding', 'transfer-encoding', 'connection', 'content-length'].includes(k)) out[k] = v;
      });
      res.writeHead(answer.status, out);
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      res.writeHead(502);
      res.end(String(error));
    }
  });
  return listen(server);
}

function runJest(testsDir, adapterUrl, consoleUrl, files, outFile, stderrFile) {
  const jest = join(testsDir, 'node_modules', 'jest', 'bin', 'jest.js');
  const args = [
    '--experimental-vm-modules',
    jest,
    '-i',
    '--ci',
    '--json',
    `--outputFile=${outFile}`,
    '--testTimeout=30000',
    '--runTestsByPath',
    ...files.map((f) => join('lib', f)),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: testsDir,
      env: {
        ...process.env,
        INTEGRATION_TESTS_LOGTO_URL: adapterUrl,
        INTEGRATION_TESTS_LOGTO_CONSOLE_URL: consoleUrl,
        NODE_OPTIONS: '--experimental-vm-modules',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const chunks = [];
    child.stderr.on('data', (d) => chunks.push(d));
    child.on('close', (code, signal) => {
      const stderr = Buffer.concat(chunks).toString('utf8');
      writeFileSync(stderrFile, stderr);
      resolve({ code, signal, stderr });
    });
  });
}

/** Terminal colour codes in jest's messages (ESC `[` … `m`). */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const plain = (text) => (text ?? '').replace(ANSI_COLOUR, '');

/**
 * Jest's JSON report → this runner's: per file (as listed) and per test, keyed `FILE › FULL NAME` (+ ` [#n]` for a
 * name that occurs more than once in its file). `problems` lists why the suite did not run as asked.
 */
export function collect(report, files) {
  const problems = [];
  const byFile = new Map();
  for (const result of report.testResults ?? []) {
    const at = result.name.lastIndexOf('/lib/tests/');
    byFile.set(at >= 0 ? result.name.slice(at + 5) : result.name, result);
  }
  const fileSummaries = {};
  const tests = {};
  let assertions = 0;
  for (const file of files) {
    const result = byFile.get(file);
    byFile.delete(file);
    if (!result) {
      problems.push(`${file}: not in Jest's report`);
      fileSummaries[file] = { ran: false, tests: 0, passed: 0, failed: 0, other: 0 };
      continue;
    }
    const summary = { ran: true, tests: 0, passed: 0, failed: 0, other: 0 };
    const loadError = plain(
      result.testExecError?.message ?? (result.assertionResults.length === 0 ? result.message : ''),
    );
    if (loadError || result.assertionResults.length === 0) {
      summary.ran = false;
      summary.error = loadError || 'no tests';
      problems.push(`${file}: did not run: ${(loadError || 'no tests').split('\n')[0]}`);
    }
    const seen = new Map();
    for (const a of result.assertionResults) seen.set(a.fullName, (seen.get(a.fullName) ?? 0) + 1);
    const position = new Map();
    for (const a of result.assertionResults) {
      assertions++;
      let key = `${file} › ${a.fullName}`;
      if (seen.get(a.fullName) > 1) {
        const n = (position.get(a.fullName) ?? 0) + 1;
        position.set(a.fullName, n);
        key += ` [#${n}]`;
      }
      const failure = (a.failureMessages ?? []).map(plain).join('\n');
      tests[key] = failure ? { status: a.status, failure } : { status: a.status };
      summary.tests++;
      if (a.status === 'passed') summary.passed++;
      else if (a.status === 'failed') summary.failed++;
      else summary.other++;
    }
    fileSummaries[file] = summary;
  }
  for (const extra of byFile.keys()) problems.push(`${extra}: ran but was not asked for`);
  if (typeof report.numTotalTests === 'number' && report.numTotalTests !== assertions)
    problems.push(`Jest counted ${report.numTotalTests} tests, its report holds ${assertions}`);
  if (Object.keys(tests).length !== assertions) problems.push('two results share a key');
  return { files: fileSummaries, tests, problems };
}

export function countStatuses(tests) {
  const counts = {};
  for (const { status } of Object.values(tests)) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

async function main() {
  const { values } = parseArgs({
    options: {
      'logto-src': { type: 'string' },
      target: { type: 'string' },
      'app-id': { type: 'string' },
      'app-secret': { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (!values['logto-src'] || !values.target || !values.out) {
    console.error(
      'usage: run.mjs --logto-src DIR --target emulator|null-404|null-200|URL --out FILE [--app-id ID --app-secret SECRET]',
    );
    return 2;
  }
  const testsDir = join(values['logto-src'], 'packages', 'integration-tests');
  const missing = MANAGEMENT_TESTS.filter((f) => !existsSync(join(testsDir, 'lib', f)));
  if (!existsSync(join(testsDir, 'node_modules', 'jest', 'bin', 'jest.js')) || missing.length > 0) {
    console.error(
      `run.mjs: ${testsDir} is not a built checkout of Logto's integration tests (missing: ${
        missing.length > 0 ? missing.join(', ') : 'node_modules/jest'
      })`,
    );
    return 2;
  }
  let target;
  let getToken;
  let server;
  // Logto's harness starts every file by resetting the sign-in experience through the console URL
  // (jest.setup.api.js); no test of MANAGEMENT_TESTS uses that URL. Against a null server that setup would fail
  // and no test would run, so there it goes to a sink that answers `200 {}`: every test request still reaches
  // the null server.
  let setupSink;
  if (values.target === 'emulator') {
    const { startEmulator } = await import(new URL('../../dist/emulator/index.js', import.meta.url).href);
    server = await startEmulator({ port: 0 });
    target = server.url;
    getToken = () => token(target, server.appId, server.appSecret);
  } else if (values.target in NULL_SERVERS) {
    server = await startNullServer(values.target);
    setupSink = await startNullServer('null-200');
    target = server.url;
    getToken = async () => 'null-server';
  } else {
    target = values.target.replace(/\/+$/, '');
    const appId = values['app-id'] ?? process.env.LOGTO_APP_ID;
    const appSecret = values['app-secret'] ?? process.env.LOGTO_APP_SECRET;
    if (!appId || !appSecret) {
      console.error('run.mjs: a URL target needs --app-id and --app-secret (or LOGTO_APP_ID / LOGTO_APP_SECRET)');
      return 2;
    }
    getToken = () => token(target, appId, appSecret);
  }
  const adapter = await startAdapter(target, getToken);
  try {
    const jestOut = `${values.out}.jest.json`;
    const stderrFile = `${values.out}.stderr.log`;
    writeFileSync(jestOut, '');
    const started = new Date();
    const { code, signal, stderr } = await runJest(
      testsDir,
      adapter.url,
      setupSink?.url ?? adapter.url,
      MANAGEMENT_TESTS,
      jestOut,
      stderrFile,
    );
    let report;
    try {
      report = JSON.parse(readFileSync(jestOut, 'utf8'));
    } catch {
      console.error(`run.mjs: Jest wrote no report (exit ${code ?? signal}); its stderr ends:`);
      console.error(stderr.split('\n').slice(-40).join('\n'));
      return 1;
    }
    const { files, tests, problems } = collect(report, MANAGEMENT_TESTS);
    const counts = countStatuses(tests);
    writeFileSync(
      values.out,
      `${JSON.stringify(
        {
          target: values.target,
          startedAt: started.toISOString(),
          jest: { exitCode: code, numTotalTests: report.numTotalTests, stderr: stderrFile },
          counts,
          problems,
          files,
          tests,
        },
        null,
        1,
      )}\n`,
    );
    console.log(
      `logto-tests: ${values.target}: ${Object.keys(files).length} files, ${Object.keys(tests).length} tests, ${JSON.stringify(counts)} (jest exit ${code ?? signal}) → ${values.out}`,
    );
    if (problems.length > 0) {
      console.error(`run.mjs: the suite did not run as asked (Jest's stderr: ${stderrFile}):`);
      for (const p of problems) console.error(`  ${p}`);
      return 1;
    }
    return 0;
  } finally {
    await adapter.close();
    await server?.close();
    await setupSink?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
