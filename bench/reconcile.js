/**
 * Scenario 1 (no-op plan of a ~1,000-object tenant under 20 ms latency) and scenario 2 (500 creates under
 * Logto Cloud's rate limit with the budget a Cloud endpoint gets by default), both through the real reconciler and client
 * against the in-process emulator over HTTP.
 */

import { CLOUD_REQUESTS_PER_SECOND } from '../dist/core/client/config.js';
import { createClient } from '../dist/core/client/index.js';
import { startEmulator } from '../dist/emulator/index.js';
import { applyPlan, planTenant } from '../dist/index.js';
import { apiCounts, figure, judged, mapLimit, now, RawApi, round } from './lib.js';
import { desiredTenant, minimumPlanRequests, perObjectReads } from './tenant.js';

const LATENCY_MS = 20;

function clientFor(emulator, options = {}) {
  // Explicit env object: LOGTO_* variables of the shell running the bench must not change the figures.
  return createClient({ endpoint: emulator.url, appId: emulator.appId, appSecret: emulator.appSecret, ...options }, {});
}

function failedResults(result) {
  return result.results.filter((r) => r.status !== 'ok');
}

export async function noopPlan(log) {
  const S = '1 no-op plan';
  const emulator = await startEmulator({ port: 0, seed: 'bench-plan' });
  try {
    const desired = desiredTenant();
    log(`seeding ${desired.length} desired objects through plan + apply (unlimited budget)…`);
    const seeder = clientFor(emulator, { requestsPerSecond: 0, maxConcurrency: 16 });
    const t0 = now();
    const first = await planTenant(desired, { client: seeder });
    const applied = await applyPlan(first, { client: seeder, desired, concurrency: 16 });
    const failed = failedResults(applied);
    if (failed.length > 0)
      throw new Error(
        `seeding apply failed: ${failed
          .slice(0, 3)
          .map((r) => `${r.address}: ${r.error}`)
          .join('; ')}`,
      );
    const live = {
      resources: (await seeder.list('/resources')).length,
      roles: (await seeder.list('/roles')).length,
      applications: (await seeder.list('/applications')).length,
      organizationScopes: (await seeder.list('/organization-scopes')).length,
      organizationRoles: (await seeder.list('/organization-roles')).length,
      organizations: (await seeder.list('/organizations')).length,
      hooks: (await seeder.list('/hooks')).length,
    };
    await seeder.close();
    log(`seeded in ${round((now() - t0) / 1000, 1)} s; planning with ${LATENCY_MS} ms latency per request…`);

    emulator.setFaults([{ route: '*', latencyMs: LATENCY_MS }]);
    const minimum = minimumPlanRequests(desired, live);

    // The plan, with the same (unlimited) rate as the baseline: the comparison is about request count and
    // parallelism, not the client's politeness budget (measured separately below).
    emulator.resetStats();
    const client = clientFor(emulator, { requestsPerSecond: 0 });
    const p0 = now();
    const plan = await planTenant(desired, { client, prior: applied.state });
    const planMs = now() - p0;
    const planStats = emulator.stats();
    const counts = apiCounts(planStats);
    const maxConcurrency = client.budget?.stats?.().settings?.maxConcurrency;
    await client.close();
    const noop = plan.summary.noop;
    if (noop !== desired.length || plan.summary.drift !== 0) {
      throw new Error(`the plan is not a no-op: ${JSON.stringify(plan.summary)}`);
    }

    // Baseline: one object at a time (its GET, then its relation GETs), 10 objects in parallel.
    log('baseline: one GET per object at parallelism 10…');
    const raw = await new RawApi(emulator, 10).authenticate();
    emulator.resetStats();
    const reads = perObjectReads(applied.state);
    const b0 = now();
    await mapLimit(reads, 10, async (paths) => {
      for (const path of paths) await raw.get(path);
    });
    const baselineMs = now() - b0;
    const baselineRequests = apiCounts(emulator.stats()).api;
    await raw.close();

    // The same plan with Logto Cloud's default budget (20 requests/s), as a Cloud user gets it out of the box.
    log("the same plan with Logto Cloud's default budget (20 req/s)…");
    emulator.resetStats();
    const politeClient = clientFor(emulator, { requestsPerSecond: CLOUD_REQUESTS_PER_SECOND });
    const d0 = now();
    const politePlan = await planTenant(desired, { client: politeClient, prior: applied.state });
    const politeMs = now() - d0;
    const politeRequests = apiCounts(emulator.stats()).api;
    await politeClient.close();
    if (politePlan.summary.noop !== desired.length) throw new Error('the default-budget plan is not a no-op');

    const topRoutes = Object.entries(planStats.byRoute)
      .sort((a, b) => b[1] - a[1])
      .map(([route, n]) => `${route}=${n}`);
    return {
      figures: [
        figure(S, 'objects in the tenant (planned no-op)', noop, 'objects'),
        figure(S, 'API requests made by the plan', counts.api, 'requests', {
          note: `+${counts.token} token request(s)`,
        }),
        figure(S, 'minimum the API allows', minimum.total, 'requests', {
          note: 'list pages per type + relation reads without a bulk form (see details)',
        }),
        judged(S, 'requests ÷ minimum', round(counts.api / minimum.total, 3), '×', { op: '<=', value: 1.2 }),
        figure(S, 'plan wall time (20 ms latency, unlimited rate)', round(planMs), 'ms', {
          note: `client maxConcurrency ${maxConcurrency ?? 8}, reconciler concurrency 8`,
        }),
        figure(S, 'baseline: per-object GETs at parallelism 10', round(baselineMs), 'ms', {
          note: `${baselineRequests} requests`,
        }),
        figure(S, 'speed-up over the baseline', round(baselineMs / planMs), '×'),
        figure(S, "plan wall time with Logto Cloud's default budget (20 req/s)", round(politeMs), 'ms', {
          note: `${politeRequests} requests; floor = requests ÷ 20 = ${round(politeRequests / 20, 1)} s`,
        }),
      ],
      details: { minimum, planRequestsByRoute: topRoutes, liveCounts: live },
    };
  } finally {
    await emulator.close();
  }
}

export const CLOUD_CREATES = { roles: 300, organizationScopes: 200 };

export async function cloudApply(log) {
  const S = '2 apply under Cloud limit';
  const LIMIT_RPS = 200 / 10;
  const emulator = await startEmulator({ port: 0, seed: 'bench-cloud', cloudRateLimit: true });
  try {
    const desired = [
      ...Array.from({ length: CLOUD_CREATES.roles }, (_, i) => ({
        address: `Role.cloud${i}`,
        kind: 'Role',
        spec: { name: `cloud-role-${i}`, description: `Cloud role ${i}` },
      })),
      ...Array.from({ length: CLOUD_CREATES.organizationScopes }, (_, i) => ({
        address: `OrganizationScope.cloud${i}`,
        kind: 'OrganizationScope',
        spec: { name: `cloud:scope:${i}`, description: `Cloud scope ${i}` },
      })),
    ];
    // The budget a Logto Cloud endpoint (`*.logto.app`) gets by default; the emulator listens on loopback.
    const client = clientFor(emulator, { requestsPerSecond: CLOUD_REQUESTS_PER_SECOND });
    const settings = client.budget?.stats?.().settings;
    const plan = await planTenant(desired, { client });
    if (plan.summary.create !== desired.length)
      throw new Error(`expected ${desired.length} creates: ${JSON.stringify(plan.summary)}`);
    log(
      `applying ${desired.length} creates with Logto Cloud's default budget (≈${round(desired.length / LIMIT_RPS)} s at the limit)…`,
    );
    emulator.resetStats();
    const before = client.stats();
    const a0 = now();
    const result = await applyPlan(plan, { client, desired });
    const applyMs = now() - a0;
    const after = client.stats();
    const counts = apiCounts(emulator.stats());
    await client.close();
    const failed = failedResults(result);
    if (failed.length > 0)
      throw new Error(
        `apply failed: ${failed
          .slice(0, 3)
          .map((r) => `${r.address}: ${r.error}`)
          .join('; ')}`,
      );
    const rps = counts.api / (applyMs / 1000);
    return {
      figures: [
        figure(S, 'creates applied', result.summary.created, 'objects'),
        figure(S, 'API requests during apply', counts.api, 'requests'),
        figure(S, 'apply wall time', round(applyMs), 'ms'),
        figure(S, 'achieved request rate', round(rps), 'req/s', {
          note: `limit ${LIMIT_RPS} req/s (200 / 10 s); client budget ${settings ? `${settings.requestsPerSecond} req/s, burst ${settings.burst}, concurrency ${settings.maxConcurrency}` : 'default'}`,
        }),
        judged(S, 'achieved rate ÷ limit', round(rps / LIMIT_RPS, 3), '×', { op: '>=', value: 0.9 }),
        judged(S, '429 responses received', counts.tooMany, 'responses', { op: '<=', value: 0 }),
        figure(S, 'client retries', after.retries - before.retries, 'retries'),
      ],
    };
  } finally {
    await emulator.close();
  }
}
