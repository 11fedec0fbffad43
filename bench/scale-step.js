/**
 * One step of scenario 6 (the scale curve), run as a child process so its peak RSS is its own:
 *
 *   node bench/scale-step.js apply <scale> <state.json>   apply the tenant of `scaledTenant(scale)` from
 *                                                        nothing, write the reconciler's state
 *   node bench/scale-step.js plan  <scale> <state.json>   plan it again from that state (must be a no-op)
 *
 * The emulator's URL and credentials come from LOGTO_ENDPOINT / LOGTO_APP_ID / LOGTO_APP_SECRET. Prints
 * one JSON line: objects, wall time of the step (without Node's start-up), peak RSS (KiB) and the summary.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createClient } from '../dist/core/client/index.js';
import { applyPlan, planTenant } from '../dist/index.js';
import { now, round } from './lib.js';
import { desiredTenant, scaledTenant } from './tenant.js';

const [mode, scale, stateFile] = process.argv.slice(2);
const desired = desiredTenant(scaledTenant(Number(scale)));
const client = createClient(
  {
    endpoint: process.env.LOGTO_ENDPOINT,
    appId: process.env.LOGTO_APP_ID,
    appSecret: process.env.LOGTO_APP_SECRET,
    requestsPerSecond: 0,
  },
  {},
);
const t0 = now();
let summary;
if (mode === 'apply') {
  const plan = await planTenant(desired, { client });
  const applied = await applyPlan(plan, { client, desired });
  const failed = applied.results.filter((r) => r.status !== 'ok');
  if (failed.length > 0) throw new Error(`apply failed: ${failed[0].address}: ${failed[0].error}`);
  writeFileSync(stateFile, JSON.stringify(applied.state), { mode: 0o600 });
  summary = applied.summary;
} else if (mode === 'plan') {
  const plan = await planTenant(desired, { client, prior: JSON.parse(readFileSync(stateFile, 'utf8')) });
  if (plan.summary.noop !== desired.length) throw new Error(`not a no-op: ${JSON.stringify(plan.summary)}`);
  summary = plan.summary;
} else throw new Error(`unknown step ${mode}`);
const ms = now() - t0;
await client.close();
process.stdout.write(
  `${JSON.stringify({ objects: desired.length, ms: round(ms), maxRssKiB: process.resourceUsage().maxRSS, summary })}\n`,
);
