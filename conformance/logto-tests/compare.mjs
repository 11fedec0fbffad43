#!/usr/bin/env node
/**
 * The report on runs of Logto's Management API tests (run.mjs): tests run per file, how many pass on the
 * reference (a real Logto) and on the candidate (the emulator), the agreement (of the tests that pass on the
 * reference, how many pass on the candidate too) with and without the tests that a null server passes, and the
 * list of differences with the candidate's failure.
 *
 *   node conformance/logto-tests/compare.mjs real.json emulator.json [--null null-404.json --null null-200.json]
 *     [--list] [--json report.json]
 *   node conformance/logto-tests/compare.mjs --same run1.json run2.json     (two runs of one side: same results?)
 *
 * Exit code 1 when an input records that its suite did not run as asked, when the two runs did not run the same
 * tests, or (--same) when their pass sets differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    null: { type: 'string', multiple: true, default: [] },
    list: { type: 'boolean', default: false },
    json: { type: 'string' },
    same: { type: 'boolean', default: false },
  },
});
const [referencePath, candidatePath] = positionals;
if (!referencePath || !candidatePath) {
  console.error(
    'usage: compare.mjs REAL.json EMULATOR.json [--null NULL.json …] [--list] [--json OUT]\n       compare.mjs --same RUN1.json RUN2.json',
  );
  process.exit(2);
}

const load = (path) => {
  const run = JSON.parse(readFileSync(path, 'utf8'));
  if (!run.tests || !run.files) {
    console.error(`${path}: not a run.mjs output of this version (no files/tests)`);
    process.exit(2);
  }
  return { path, ...run };
};
const passes = (run) => new Set(Object.entries(run.tests).flatMap(([k, t]) => (t.status === 'passed' ? [k] : [])));
const pct = (a, b) => `${((100 * a) / Math.max(b, 1)).toFixed(1)} %`;
const firstLines = (text, n) =>
  (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, n)
    .join(' ⏎ ')
    .slice(0, 400);

let exitCode = 0;
const reference = load(referencePath);
const candidate = load(candidatePath);
const nulls = values.null.map(load);
for (const run of [reference, candidate, ...nulls]) {
  if (run.problems?.length > 0) {
    console.error(`${run.path}: its suite did not run as asked: ${run.problems.join('; ')}`);
    exitCode = 1;
  }
}
const sameKeys = (a, b) => {
  const ka = Object.keys(a.tests);
  const kb = new Set(Object.keys(b.tests));
  const onlyA = ka.filter((k) => !kb.has(k));
  const inA = new Set(ka);
  const onlyB = [...kb].filter((k) => !inA.has(k));
  if (onlyA.length + onlyB.length > 0) {
    console.error(`${a.path} and ${b.path} did not run the same tests:`);
    for (const k of onlyA) console.error(`  only in ${a.path}: ${k}`);
    for (const k of onlyB) console.error(`  only in ${b.path}: ${k}`);
    exitCode = 1;
  }
};
for (const run of [candidate, ...nulls]) sameKeys(reference, run);

const realPass = passes(reference);
const emuPass = passes(candidate);

if (values.same) {
  const gained = [...emuPass].filter((k) => !realPass.has(k));
  const lost = [...realPass].filter((k) => !emuPass.has(k));
  console.log(
    `${referencePath}: ${realPass.size} pass; ${candidatePath}: ${emuPass.size} pass; ${gained.length + lost.length === 0 ? 'identical pass sets' : 'pass sets differ'}`,
  );
  for (const k of lost) console.log(`  passes only in ${referencePath}: ${k}`);
  for (const k of gained) console.log(`  passes only in ${candidatePath}: ${k}`);
  process.exit(gained.length + lost.length > 0 ? 1 : exitCode);
}

const nullPass = new Set(nulls.flatMap((run) => [...passes(run)]));
const fileOf = (key) => key.split(' › ')[0];
const rows = [];
for (const [file, summary] of Object.entries(reference.files)) {
  const keys = Object.keys(reference.tests).filter((k) => fileOf(k) === file);
  const real = keys.filter((k) => realPass.has(k));
  rows.push({
    file,
    run: summary.tests,
    real: real.length,
    emulator: keys.filter((k) => emuPass.has(k)).length,
    agree: real.filter((k) => emuPass.has(k)).length,
    nullPass: real.filter((k) => nullPass.has(k)).length,
  });
}
const sum = (field) => rows.reduce((n, r) => n + r[field], 0);
const agree = [...realPass].filter((k) => emuPass.has(k));
const meaningful = [...realPass].filter((k) => !nullPass.has(k));
const meaningfulAgree = meaningful.filter((k) => emuPass.has(k));
const differences = [...realPass]
  .filter((k) => !emuPass.has(k))
  .map((k) => ({
    test: k,
    nullPass: nullPass.has(k),
    emulator: candidate.tests[k]?.status ?? 'missing',
    failure: candidate.tests[k]?.failure ?? '',
  }));
const emulatorOnly = [...emuPass].filter((k) => !realPass.has(k));

console.log('  run  real   emu agree null  file');
for (const r of rows) {
  console.log(
    `${String(r.run).padStart(5)} ${String(r.real).padStart(5)} ${String(r.emulator).padStart(5)} ${String(r.agree).padStart(5)} ${String(r.nullPass).padStart(4)}  ${r.file}`,
  );
}
console.log(
  `${String(sum('run')).padStart(5)} ${String(sum('real')).padStart(5)} ${String(sum('emulator')).padStart(5)} ${String(sum('agree')).padStart(5)} ${String(sum('nullPass')).padStart(4)}  all ${rows.length} files`,
);
console.log(
  `tests run: ${Object.keys(reference.tests).length}; pass on the reference: ${realPass.size}; on the candidate: ${emuPass.size}`,
);
console.log(
  `agreement: ${agree.length} of the ${realPass.size} that pass on the reference: ${pct(agree.length, realPass.size)}`,
);
if (nulls.length > 0) {
  console.log(
    `null servers (${nulls.map((n) => n.target).join(', ')}) pass ${nullPass.size} tests, ${[...realPass].filter((k) => nullPass.has(k)).length} of them among the reference's passes`,
  );
  console.log(
    `agreement without them: ${meaningfulAgree.length} of ${meaningful.length}: ${pct(meaningfulAgree.length, meaningful.length)}`,
  );
} else {
  console.log('(no null-server runs given: --null FILE; the agreement above counts tests a null server passes)');
}
console.log(`differences (pass on the reference, not on the candidate): ${differences.length}`);
if (values.list) {
  for (const d of differences)
    console.log(
      `  ✗ ${d.test}${d.nullPass ? ' (a null server passes it)' : ''}\n      ${d.emulator}: ${firstLines(d.failure, 3)}`,
    );
}
console.log(`pass on the candidate only: ${emulatorOnly.length}`);
if (values.list) for (const k of emulatorOnly) console.log(`  + ${k}`);
if (values.json) {
  writeFileSync(
    values.json,
    `${JSON.stringify(
      {
        reference: referencePath,
        candidate: candidatePath,
        nulls: nulls.map((n) => n.path),
        files: rows,
        run: Object.keys(reference.tests).length,
        passReference: realPass.size,
        passCandidate: emuPass.size,
        agree: agree.length,
        nullPasses: [...nullPass].sort(),
        agreeWithoutNullPasses: meaningfulAgree.length,
        passReferenceWithoutNullPasses: meaningful.length,
        differences,
        candidateOnly: emulatorOnly,
      },
      null,
      1,
    )}\n`,
  );
}
process.exit(exitCode);
