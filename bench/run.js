#!/usr/bin/env node
/**
 * `npm run bench`: the performance figures of logto-iac, measured in one run against the in-process
 * emulator (and the real `terraform` for scenario 3). Prints a table, writes bench/results.json.
 *
 *   node bench/run.js            all scenarios: 1–7 and pkg (after `npm run build`)
 *   node bench/run.js 1 3        only some of them (the other scenarios' entries in results.json are kept,
 *                                each entry says when it was measured)
 *
 * No figure here is asserted by a test; the targets are judged in the table and in results.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulatorThroughput } from './emulator.js';
import { exportLarge } from './export.js';
import { machine, now, round, withTimeout } from './lib.js';
import { packageSize } from './package.js';
import { cloudApply, noopPlan } from './reconcile.js';
import { scaleCurve } from './scale.js';
import { soak } from './soak.js';
import { terraformStartup } from './terraform.js';

const here = dirname(fileURLToPath(import.meta.url));

const SCENARIOS = [
  { id: '1', title: 'No-op plan of a 1,000-object tenant (20 ms latency)', run: noopPlan, timeoutMs: 150_000 },
  { id: '2', title: 'Apply of 500 creates under the Logto Cloud rate limit', run: cloudApply, timeoutMs: 120_000 },
  { id: '3', title: 'Terraform plugin start-up and terraform plan', run: terraformStartup, timeoutMs: 240_000 },
  { id: '4', title: 'Export of a 5,000-object tenant', run: exportLarge, timeoutMs: 180_000 },
  { id: '5', title: 'Emulator throughput', run: emulatorThroughput, timeoutMs: 60_000 },
  {
    id: '6',
    title: 'Scale curve: apply, no-op plan and export at 100 / 1,000 / 10,000 objects',
    run: scaleCurve,
    timeoutMs: 900_000,
  },
  {
    id: '7',
    title: 'Soak: faults and SIGKILL mid-apply until converged (CLI and terraform)',
    run: soak,
    timeoutMs: 900_000,
  },
  { id: 'pkg', title: 'npm package size (npm pack --dry-run)', run: packageSize, timeoutMs: 60_000 },
];

function log(line) {
  process.stderr.write(`  · ${line}\n`);
}

function formatValue(f) {
  const v =
    typeof f.value === 'number' ? f.value.toLocaleString('en-US', { maximumFractionDigits: 3 }) : String(f.value);
  return `${v} ${f.unit}`.trim();
}

function table(figures) {
  const rows = figures.map((f) => [
    f.scenario,
    f.name,
    formatValue(f),
    f.target ? `${f.target}` : '',
    f.pass === undefined ? '' : f.pass ? 'PASS' : 'FAIL',
    f.note ?? '',
  ]);
  const head = ['scenario', 'figure', 'value', 'target', '', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main() {
  const wanted = process.argv.slice(2);
  const selected = wanted.length > 0 ? SCENARIOS.filter((s) => wanted.includes(s.id)) : SCENARIOS;
  const info = machine();
  process.stderr.write(
    `logto-iac bench on ${info.cpuModel} (${info.cores} cores, ${info.memoryMiB} MiB), Node ${info.node}\n`,
  );
  const results = {
    command: 'npm run bench',
    startedAt: new Date().toISOString(),
    machine: info,
    scenarios: [],
  };
  const figures = [];
  const started = now();
  for (const scenario of selected) {
    process.stderr.write(`scenario ${scenario.id}: ${scenario.title}\n`);
    const s0 = now();
    const entry = { id: scenario.id, title: scenario.title, measuredAt: new Date().toISOString() };
    try {
      const out = await withTimeout(scenario.run(log), scenario.timeoutMs, `scenario ${scenario.id}`);
      entry.figures = out.figures;
      if (out.details) entry.details = out.details;
      figures.push(...out.figures);
    } catch (error) {
      entry.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`  ✗ scenario ${scenario.id} failed: ${error instanceof Error ? error.message : error}\n`);
      figures.push({
        scenario: scenario.id,
        name: 'ERROR',
        value: String(error instanceof Error ? error.message : error).slice(0, 100),
        unit: '',
        pass: false,
      });
    }
    entry.seconds = round((now() - s0) / 1000, 1);
    results.scenarios.push(entry);
  }
  results.totalSeconds = round((now() - started) / 1000, 1);
  const resultsFile = join(here, 'results.json');
  if (wanted.length > 0 && existsSync(resultsFile)) {
    // A partial run updates its scenarios and keeps the others from the previous results.
    const previous = JSON.parse(readFileSync(resultsFile, 'utf8'));
    const ran = new Set(results.scenarios.map((s) => s.id));
    const kept = (previous.scenarios ?? []).filter((s) => !ran.has(s.id));
    if (kept.length > 0) {
      results.command = `node bench/run.js ${wanted.join(' ')} (other scenarios from an earlier run)`;
      results.scenarios = [...kept, ...results.scenarios].sort((a, b) => a.id.localeCompare(b.id));
    }
  }
  const allFigures = [
    ...results.scenarios.flatMap((s) => s.figures ?? []),
    ...figures.filter((f) => f.name === 'ERROR'),
  ];
  const judgedFigures = allFigures.filter((f) => f.pass !== undefined);
  results.summary = {
    targets: judgedFigures.length,
    passed: judgedFigures.filter((f) => f.pass).length,
    failed: judgedFigures.filter((f) => !f.pass).map((f) => `${f.scenario}: ${f.name}`),
  };
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${table(figures)}\n\n`);
  process.stdout.write(
    `${results.summary.passed}/${results.summary.targets} targets met in ${results.totalSeconds} s; details in bench/results.json\n`,
  );
  // A missed target is a finding, not a failure of the bench; a scenario that could not run is.
  // (Exit explicitly: handles of finished scenarios must not keep the process alive.)
  process.exit(results.scenarios.some((s) => s.error) ? 1 : 0);
}

await main();
