/**
 * The runner of Logto's own tests (conformance/logto-tests) must not flatter: Jest's report is read whole (every
 * test under its own key, repeated names included), a suite that did not run as asked is reported, the null
 * servers serve nothing, and the comparison gives the agreement with and without null-server passes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../conformance/logto-tests');

interface Collected {
  files: Record<string, { ran: boolean; tests: number; passed: number; failed: number; error?: string }>;
  tests: Record<string, { status: string; failure?: string }>;
  problems: string[];
}
interface Runner {
  collect(report: unknown, files: string[]): Collected;
  startNullServer(kind: 'null-404' | 'null-200'): Promise<{ url: string; close(): Promise<void> }>;
  MANAGEMENT_TESTS: string[];
}
const runner = (await import(pathToFileURL(join(dir, 'run.mjs')).href)) as Runner;

const ESC = String.fromCharCode(27);
const assertion = (fullName: string, status: string, failure?: string) => ({
  fullName,
  status,
  failureMessages: failure ? [failure] : [],
});
const fileResult = (file: string, assertionResults: unknown[], extra: Record<string, unknown> = {}) => ({
  name: `/somewhere/packages/integration-tests/lib/tests/${file}`,
  assertionResults,
  ...extra,
});

describe('run.mjs collect()', () => {
  it('keys every test by file and full name, numbering repeated names, and keeps whole failures', () => {
    const failure = `${ESC}[31mError: expected 403${ESC}[39m\n    at line 1\n    at line 2`;
    const report = {
      numTotalTests: 4,
      testResults: [
        fileResult('api/a.test.js', [
          assertion('same name', 'passed'),
          assertion('same name', 'failed', failure),
          assertion('other', 'passed'),
        ]),
        fileResult('api/b.test.js', [assertion('same name', 'passed')]),
      ],
    };
    const { tests, files, problems } = runner.collect(report, ['tests/api/a.test.js', 'tests/api/b.test.js']);
    expect(problems).toEqual([]);
    expect(tests).toEqual({
      'tests/api/a.test.js › same name [#1]': { status: 'passed' },
      'tests/api/a.test.js › same name [#2]': {
        status: 'failed',
        failure: 'Error: expected 403\n    at line 1\n    at line 2',
      },
      'tests/api/a.test.js › other': { status: 'passed' },
      'tests/api/b.test.js › same name': { status: 'passed' },
    });
    expect(files['tests/api/a.test.js']).toEqual({ ran: true, tests: 3, passed: 2, failed: 1, other: 0 });
  });

  it('reports a file that is missing, failed to load or was not asked for, and counts that disagree', () => {
    const report = {
      numTotalTests: 5,
      testResults: [
        fileResult('api/broken.test.js', [], { testExecError: { message: 'Cannot find module x\n  at y' } }),
        fileResult('api/extra.test.js', [assertion('t', 'passed')]),
      ],
    };
    const { problems, files } = runner.collect(report, ['tests/api/broken.test.js', 'tests/api/missing.test.js']);
    expect(problems).toEqual([
      'tests/api/broken.test.js: did not run: Cannot find module x',
      "tests/api/missing.test.js: not in Jest's report",
      'tests/api/extra.test.js: ran but was not asked for',
      'Jest counted 5 tests, its report holds 0',
    ]);
    expect(files['tests/api/broken.test.js']).toMatchObject({ ran: false, error: 'Cannot find module x\n  at y' });
  });

  it('lists files as exact paths, none twice', () => {
    expect(new Set(runner.MANAGEMENT_TESTS).size).toBe(runner.MANAGEMENT_TESTS.length);
    for (const f of runner.MANAGEMENT_TESTS) expect(f).toMatch(/^tests\/api\/[\w./-]+\.test\.js$/);
  });
});

describe('null servers', () => {
  it('null-404 answers every request 404 Not Found as text; null-200 answers 200 {}', async () => {
    for (const [kind, status, type, text] of [
      ['null-404', 404, 'text/plain', 'Not Found'],
      ['null-200', 200, 'application/json', '{}'],
    ] as const) {
      const server = await runner.startNullServer(kind);
      try {
        for (const [method, body] of [
          ['GET', undefined],
          ['POST', '{"a":1}'],
          ['DELETE', undefined],
        ] as const) {
          const res = await fetch(`${server.url}/api/anything/at/all?x=1`, { method, body });
          expect([kind, method, res.status, await res.text()]).toEqual([kind, method, status, text]);
          expect(res.headers.get('content-type')).toContain(type);
        }
      } finally {
        await server.close();
      }
    }
  });
});

describe('compare.mjs', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'logto-tests-compare-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, target: string, statuses: Record<string, string>, problems: string[] = []) => {
    const path = join(tmp, name);
    const tests = Object.fromEntries(Object.entries(statuses).map(([k, status]) => [k, { status }]));
    const file = { ran: true, tests: 4, passed: 0, failed: 0, other: 0 };
    writeFileSync(path, JSON.stringify({ target, problems, files: { 'f.test.js': file }, tests }));
    return path;
  };
  const compare = (...args: string[]) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [join(dir, 'compare.mjs'), ...args], (error, stdout) => {
        resolve({ code: error ? Number(error.code) : 0, stdout });
      });
    });
  const keys = ['f.test.js › a', 'f.test.js › b', 'f.test.js › c', 'f.test.js › d'];
  const runOf = (passing: string[]) =>
    Object.fromEntries(keys.map((k) => [k, passing.includes(k.slice(-1)) ? 'passed' : 'failed']));

  it('gives the agreement with and without null-server passes and lists the differences', async () => {
    const real = write('real.json', 'http://real', runOf(['a', 'b', 'c']));
    const emulator = write('emu.json', 'emulator', runOf(['a', 'b', 'd']));
    const null404 = write('n404.json', 'null-404', runOf(['a']));
    const null200 = write('n200.json', 'null-200', runOf([]));
    const out = await compare(real, emulator, '--null', null404, '--null', null200, '--list');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('agreement: 2 of the 3 that pass on the reference: 66.7 %');
    expect(out.stdout).toContain('agreement without them: 1 of 2: 50.0 %');
    expect(out.stdout).toContain('  ✗ f.test.js › c');
    expect(out.stdout).toContain('pass on the candidate only: 1');
    expect(out.stdout).toContain('  + f.test.js › d');
  });

  it('exits 1 for a run whose suite did not run as asked, for other tests, and (--same) for other passes', async () => {
    const real = write('real2.json', 'http://real', runOf(['a']));
    const broken = write('broken.json', 'emulator', runOf(['a']), ['x.test.js: did not run: boom']);
    expect((await compare(real, broken)).code).toBe(1);
    const fewer = write('fewer.json', 'emulator', { 'f.test.js › a': 'passed' });
    expect((await compare(real, fewer)).code).toBe(1);
    const again = write('again.json', 'http://real', runOf(['a']));
    expect((await compare('--same', real, again)).code).toBe(0);
    const other = write('other.json', 'http://real', runOf(['a', 'b']));
    const differs = await compare('--same', real, other);
    expect(differs.code).toBe(1);
    expect(differs.stdout).toContain('passes only in');
  });
});
