#!/usr/bin/env node
/**
 * Runs Logto's own Management API integration tests (packages/integration-tests of a Logto v1.42.0 source
 * checkout, built by Logto's own tooling) against a server: a Logto you run, or a fresh embedded emulator of
 * this project. Those tests send a `development-user-id` header, which only a Logto started in integration-test
 * mode accepts; a small loopback proxy (the adapter) swaps it for a bearer token of an M2M app with Management
 * API access and forwards the request. Prints a summary and writes per-test results as JSON.
 *
 *   node conformance/logto-tests/run.mjs --logto-src <logto-checkout> --target emulator --out emulator.json
 *   node conformance/logto-tests/run.mjs --logto-src <logto-checkout> --target http://127.0.0.1:3001 \
 *     --app-id … --app-secret … --out real.json          (or LOGTO_APP_ID / LOGTO_APP_SECRET)
 *
 * Needs `npm run build` (the emulator comes from dist/). Nothing here is Logto's code: it only runs it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** The Management API test files (routes a client of the Management API uses; no experience/account flows). */
export const MANAGEMENT_TESTS = [
  'tests/api/application/',
  'tests/api/organization/organization.test',
  'tests/api/organization/organization-role.test',
  'tests/api/organization/organization-scope.test',
  'tests/api/organization/organization-jit.test',
  'tests/api/organization/organization-application.test',
  'tests/api/sso-connectors/sso-connectors.test',
  'tests/api/hook/hook.test',
  'tests/api/resource.test',
  'tests/api/resource.scope.test',
  'tests/api/role.test',
  'tests/api/role.scope.test',
  'tests/api/role.application.test',
  'tests/api/role.is-default.test',
  'tests/api/custom-profile-fields.test',
  'tests/api/custom-phrase.test',
  'tests/api/sign-in-experience.test',
  'tests/api/logto-config.test',
  'tests/api/logto-config.id-token.test',
  'tests/api/account-center.test',
  'tests/api/captcha-provider.test',
  'tests/api/connector.test',
  'tests/api/domains.test',
  'tests/api/email-templates/index.test',
];

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
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

function runJest(testsDir, adapterUrl, files, outFile) {
  const jest = join(testsDir, 'node_modules', 'jest', 'bin', 'jest.js');
  const args = ['--experimental-vm-modules', jest, '-i', '--json', `--outputFile=${outFile}`, '--testTimeout=30000'];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...args, ...files.map((f) => `lib/${f}`)], {
      cwd: testsDir,
      env: {
        ...process.env,
        INTEGRATION_TESTS_LOGTO_URL: adapterUrl,
        INTEGRATION_TESTS_LOGTO_CONSOLE_URL: adapterUrl,
        NODE_OPTIONS: '--experimental-vm-modules',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Terminal colour codes in jest's messages (ESC `[` … `m`). */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

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
    console.error('usage: run.mjs --logto-src DIR --target emulator|URL --out FILE [--app-id ID --app-secret SECRET]');
    return 2;
  }
  const testsDir = join(values['logto-src'], 'packages', 'integration-tests');
  let target;
  let appId;
  let appSecret;
  let emulator;
  if (values.target === 'emulator') {
    const { startEmulator } = await import(new URL('../../dist/emulator/index.js', import.meta.url).href);
    emulator = await startEmulator({ port: 0 });
    ({ url: target, appId, appSecret } = emulator);
  } else {
    target = values.target.replace(/\/+$/, '');
    appId = values['app-id'] ?? process.env.LOGTO_APP_ID;
    appSecret = values['app-secret'] ?? process.env.LOGTO_APP_SECRET;
  }
  const adapter = await startAdapter(target, () => token(target, appId, appSecret));
  try {
    const jestOut = `${values.out}.jest.json`;
    const { code } = await runJest(testsDir, adapter.url, MANAGEMENT_TESTS, jestOut);
    const report = JSON.parse(readFileSync(jestOut, 'utf8'));
    const tests = {};
    for (const file of report.testResults) {
      const name = file.name.slice(file.name.indexOf('/lib/tests/') + 5);
      if (file.assertionResults.length === 0) tests[`${name} (file)`] = file.status === 'passed' ? 'passed' : 'failed';
      for (const a of file.assertionResults) {
        // The first line of the failure (jest's message), without colour codes: enough to group causes.
        const why = (a.failureMessages?.[0] ?? '').replace(ANSI_COLOUR, '').split('\n')[0].slice(0, 300);
        tests[`${name} › ${a.fullName}`] = why ? `${a.status}: ${why}` : a.status;
      }
    }
    const counts = {};
    for (const status of Object.values(tests)) {
      const key = status.split(':')[0];
      counts[key] = (counts[key] ?? 0) + 1;
    }
    const { writeFileSync } = await import('node:fs');
    writeFileSync(values.out, `${JSON.stringify({ target: values.target, counts, tests }, null, 1)}\n`);
    console.log(`logto-tests: ${values.target}: ${JSON.stringify(counts)} (jest exit ${code})`);
    return 0;
  } finally {
    await adapter.close();
    await emulator?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
