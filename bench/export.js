/**
 * Scenario 4: `logto-iac export` of a 5,000-object tenant, run as a child process of the real CLI bin, with
 * its wall time and peak RSS (from `/usr/bin/time -v` when present, else from a preload that reports
 * `process.resourceUsage().maxRSS` at exit).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../dist/emulator/index.js';
import { apiCounts, figure, judged, now, RawApi, round, withTimeout } from './lib.js';
import { exportTenantSize, seedLargeTenant } from './tenant.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TIME = '/usr/bin/time';

function runChild(command, args, env, timeoutMs) {
  let child;
  return withTimeout(
    new Promise((resolve, reject) => {
      child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stdout, stderr, child }));
    }),
    timeoutMs,
    `${command} ${args.join(' ')}`,
  ).catch((error) => {
    // A stuck export must not outlive the bench.
    child?.kill('SIGKILL');
    throw error;
  });
}

export async function exportLarge(log) {
  const S = '4 export';
  const emulator = await startEmulator({ port: 0, seed: 'bench-export' });
  const work = mkdtempSync(join(tmpdir(), 'logto-bench-export-'));
  try {
    const size = exportTenantSize();
    log(`seeding ${size} objects straight through HTTP…`);
    const api = await new RawApi(emulator, 32).authenticate();
    const s0 = now();
    await seedLargeTenant(api, 32);
    await api.close();
    log(`seeded in ${round((now() - s0) / 1000, 1)} s; exporting in a child process…`);

    const out = join(work, 'tenant.yaml');
    const rssFile = join(work, 'rss.json');
    const useTime = existsSync(TIME);
    const env = {
      PATH: process.env.PATH,
      HOME: work,
      LOGTO_ENDPOINT: emulator.url,
      LOGTO_APP_ID: emulator.appId,
      LOGTO_APP_SECRET: emulator.appSecret,
      // The export reads every object's relations one by one: at Logto Cloud's 20 req/s it is bounded by the
      // budget, not by our code. Measure the code (the request count below gives the budgeted time).
      LOGTO_REQUESTS_PER_SECOND: '0',
      NO_COLOR: '1',
      ...(useTime
        ? {}
        : { NODE_OPTIONS: `--require ${join(root, 'bench', 'rss-report.cjs')}`, BENCH_RSS_FILE: rssFile }),
    };
    const cli = [join(root, 'bin', 'logto-iac.js'), 'export', '--out', out];
    const args = useTime ? ['-v', process.execPath, ...cli] : cli;
    emulator.resetStats();
    const t0 = now();
    const r = await runChild(useTime ? TIME : process.execPath, args, env, 170_000);
    const ms = now() - t0;
    if (r.code !== 0) throw new Error(`export exited ${r.code}: ${r.stderr.slice(-800)}`);
    const exported = Number(/Exported (\d+) object/.exec(r.stderr)?.[1] ?? Number.NaN);
    let maxRssKiB;
    if (useTime) maxRssKiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
    else maxRssKiB = JSON.parse(readFileSync(rssFile, 'utf8')).maxRSS;
    if (!Number.isFinite(maxRssKiB))
      throw new Error(`could not read the peak RSS of the export: ${r.stderr.slice(-500)}`);
    const counts = apiCounts(emulator.stats());
    const rssMiB = maxRssKiB / 1024;
    return {
      figures: [
        figure(S, 'objects in the tenant', size, 'objects', {
          note: `the CLI reported "Exported ${exported} object(s)" (app default secrets and role sets count as objects; built-ins are left out)`,
        }),
        figure(S, 'export wall time (child process)', round(ms), 'ms', {
          note: `incl. Node start-up; LOGTO_REQUESTS_PER_SECOND=0; file ${round(statSync(out).size / 1024 / 1024)} MiB`,
        }),
        figure(S, 'API requests made by the export', counts.api, 'requests', {
          note: `at Logto Cloud's default 20 req/s budget ≥ ${round(counts.api / 20)} s`,
        }),
        judged(S, 'peak RSS of the export process', round(rssMiB, 1), 'MiB', { op: '<=', value: 200 }),
      ],
      details: {
        rssSource: useTime ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS',
        exportStderrTail: r.stderr
          .split('\n')
          .filter((l) => !l.startsWith('\t'))
          .slice(-5),
      },
    };
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}
