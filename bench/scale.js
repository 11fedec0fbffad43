/**
 * Scenario 6: the scale curve. The scenario-1 tenant at 100, 1,000 and 10,000 objects (`scaledTenant`),
 * each on a fresh emulator: apply from nothing, a no-op plan from the saved state, and `logto-iac export`,
 * each step a child process (its own peak RSS) with the emulator in this process counting the requests.
 * No latency and no rate budget, so the figures are about our code. For every step the ratio to the
 * previous size is divided by the ratio of objects: growth is linear or better when that stays ≤ 1.1.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../dist/emulator/index.js';
import { apiCounts, figure, judged, now, round, runChild } from './lib.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCALES = [0.1, 1, 10];
const LINEAR = 1.1;

/** A node child process that must exit 0 within `timeoutMs`. */
async function run(args, env, timeoutMs) {
  const r = await runChild(process.execPath, args, { env, timeoutMs });
  if (r.timedOut) throw new Error(`timed out after ${timeoutMs} ms: ${args.join(' ')}`);
  if (r.code !== 0) throw new Error(`${args[0]} exited ${r.code}: ${r.stderr.slice(-600)}`);
  return r;
}

async function measureScale(scale, log) {
  const emulator = await startEmulator({ port: 0, seed: `bench-scale-${scale}` });
  const work = mkdtempSync(join(tmpdir(), 'logto-bench-scale-'));
  const env = {
    PATH: process.env.PATH,
    HOME: work,
    LOGTO_ENDPOINT: emulator.url,
    LOGTO_APP_ID: emulator.appId,
    LOGTO_APP_SECRET: emulator.appSecret,
    LOGTO_REQUESTS_PER_SECOND: '0',
    NO_COLOR: '1',
  };
  const state = join(work, 'state.json');
  const step = async (name, args, extraEnv = {}) => {
    emulator.resetStats();
    const t0 = now();
    const r = await run(args, { ...env, ...extraEnv }, 600_000);
    const wallMs = now() - t0;
    const requests = apiCounts(emulator.stats()).api;
    return { name, wallMs: round(wallMs), requests, r };
  };
  try {
    const steps = [];
    const script = join(root, 'bench', 'scale-step.js');
    for (const mode of ['apply', 'plan']) {
      log(`scale ${scale}: ${mode}…`);
      const s = await step(mode, [script, mode, String(scale), state]);
      const out = JSON.parse(s.r.stdout.trim().split('\n').pop());
      steps.push({
        name: mode,
        objects: out.objects,
        wallMs: s.wallMs,
        requests: s.requests,
        rssMiB: round(out.maxRssKiB / 1024, 1),
      });
    }
    log(`scale ${scale}: export…`);
    const rssFile = join(work, 'rss.json');
    const e = await step('export', [join(root, 'bin', 'logto-iac.js'), 'export', '--out', join(work, 'tenant.yaml')], {
      NODE_OPTIONS: `--require ${join(root, 'bench', 'rss-report.cjs')}`,
      BENCH_RSS_FILE: rssFile,
    });
    const rss = JSON.parse(readFileSync(rssFile, 'utf8')).maxRSS;
    steps.push({
      name: 'export',
      objects: steps[0].objects,
      wallMs: e.wallMs,
      requests: e.requests,
      rssMiB: round(rss / 1024, 1),
    });
    return steps;
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}

export async function scaleCurve(log) {
  const S = '6 scale curve';
  const curve = [];
  for (const scale of SCALES) curve.push(...(await measureScale(scale, log)).map((s) => ({ scale, ...s })));
  const figures = [];
  for (const name of ['apply', 'plan', 'export']) {
    const rows = curve.filter((c) => c.name === name);
    rows.forEach((row, i) => {
      figures.push(
        figure(S, `${name}, ${row.objects.toLocaleString('en-US')} objects`, row.wallMs, 'ms', {
          note: `${row.requests} requests, peak RSS ${row.rssMiB} MiB (child process, incl. Node start-up)`,
        }),
      );
      if (i === 0) return;
      const prev = rows[i - 1];
      const growth = row.objects / prev.objects;
      const per = (key) => round(row[key] / prev[key] / growth, 3);
      const label = `${prev.objects.toLocaleString('en-US')} → ${row.objects.toLocaleString('en-US')}`;
      figures.push(
        judged(S, `${name} ${label}: requests growth ÷ objects growth`, per('requests'), '×', {
          op: '<=',
          value: LINEAR,
        }),
        judged(S, `${name} ${label}: time growth ÷ objects growth`, per('wallMs'), '×', { op: '<=', value: LINEAR }),
        judged(S, `${name} ${label}: peak RSS growth ÷ objects growth`, per('rssMiB'), '×', {
          op: '<=',
          value: LINEAR,
        }),
      );
    });
  }
  return { figures, details: { curve } };
}
