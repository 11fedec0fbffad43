#!/usr/bin/env node
/**
 * Agreement between two runs of Logto's Management API tests (run.mjs): of the tests that pass on the
 * reference (a real Logto), how many pass on the candidate (the emulator) too — overall and per test file —
 * and which do not, with the candidate's failure.
 *
 *   node conformance/logto-tests/compare.mjs real.json emulator.json [--list]
 */
import { readFileSync } from 'node:fs';

const [referencePath, candidatePath, flag] = process.argv.slice(2);
if (!referencePath || !candidatePath) {
  console.error('usage: compare.mjs REFERENCE.json CANDIDATE.json [--list]');
  process.exit(2);
}
const reference = JSON.parse(readFileSync(referencePath, 'utf8')).tests;
const candidate = JSON.parse(readFileSync(candidatePath, 'utf8')).tests;
const passed = (status) => status === 'passed';

const byFile = new Map();
const differing = [];
for (const [name, status] of Object.entries(reference)) {
  if (!passed(status)) continue;
  const file = name.split(' › ')[0];
  const entry = byFile.get(file) ?? { total: 0, agree: 0 };
  entry.total++;
  if (passed(candidate[name] ?? 'missing')) entry.agree++;
  else differing.push(`${name}\n      ${candidate[name] ?? 'missing'}`);
  byFile.set(file, entry);
}
let total = 0;
let agree = 0;
for (const [file, e] of [...byFile].sort()) {
  total += e.total;
  agree += e.agree;
  console.log(`${String(e.agree).padStart(4)}/${String(e.total).padEnd(4)} ${file}`);
}
const referenceTotal = Object.keys(reference).length;
console.log(
  `agreement: ${agree} of the ${total} tests that pass on the reference (of ${referenceTotal} run) pass on the candidate: ${((100 * agree) / Math.max(total, 1)).toFixed(1)} %`,
);
if (flag === '--list') for (const line of differing) console.log(`  ✗ ${line}`);
