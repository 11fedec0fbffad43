import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type DesiredObject, planTenant } from '../../index.js';
import { CustomDomain } from '../../resources/custom-domain.js';
import { converge, expectClean } from '../support/harness.js';
import { realServerConfigured, startTarget, type Target } from '../support/target.js';
import { expectConverges, expectRefusedBeforeWrites } from './cases.js';

/** The tenant as configured (a real Logto OSS, or the emulator answering as OSS). */
let oss: Target;
/** The emulator with a hostname provider, as on Logto Cloud (custom domains are verified on the emulator only). */
let cloud: Target;
beforeAll(async () => {
  oss = await startTarget();
  cloud = await startTarget({ customDomains: true });
});
afterAll(async () => {
  await oss?.cleanup();
  await cloud?.cleanup();
});

const domain = (name: string, host: string): DesiredObject => ({
  address: `CustomDomain.${name}`,
  kind: 'CustomDomain',
  spec: { domain: host },
});

interface Row {
  id: string;
  domain: string;
  status: string;
}

describe('CustomDomain', () => {
  it('on Logto OSS: refused with an error naming Logto Cloud, nothing written, and a rerun without it converges', async () => {
    const desired = [domain('auth', `${oss.prefix}.auth.example.com`)];
    const plan = await planTenant(desired, { client: oss.client });
    const result = await applyPlan(plan, { client: oss.client, desired });
    expect(result.results.map((r) => [r.address, r.status])).toEqual([['CustomDomain.auth', 'failed']]);
    expect(JSON.stringify(result.results)).toMatch(/custom domains need Logto Cloud.*domain\.not_configured/);
    expect(await oss.client.get<Row[]>('/domains')).toEqual([]);
    await expectConverges(oss, [], result.state);
  });

  // Custom domains need Logto Cloud: verified on the emulator only (the reference Logto is OSS).
  const itCloud = realServerConfigured() ? it.skip : it;
  itCloud(
    'on Logto Cloud (emulator only; a real Logto OSS has none): created with its DNS record, adopted by domain, status refreshed, replaced and deleted',
    async () => {
      const host = `${cloud.prefix}.auth.example.com`;
      const desired = [domain('auth', host)];
      const state = await expectConverges(cloud, desired);
      const id = state.objects['CustomDomain.auth']!.id;
      const { plan } = await converge(cloud, desired, state);
      expect(plan.changes[0]).toMatchObject({ action: 'noop' });
      expect(await cloud.client.get<Row>(`/domains/${id}`)).toMatchObject({
        domain: host,
        status: 'PendingVerification',
        dnsRecords: [{ type: 'CNAME', name: host, value: 'domains.logto.app' }],
      });

      // Adopted without state; the outputs carry what Logto reports now.
      const adopt = await planTenant(desired, { client: cloud.client });
      expect(adopt.changes[0]).toMatchObject({ action: 'noop', adopted: true, id });
      (cloud.emulator!.state.tables.domains![id] as { status: string }).status = 'Active';
      await expectClean(cloud, desired, state); // outputs are not inputs: a new status is no change
      const live = await CustomDomain.read({ client: cloud.client, cache: new Map() }, id);
      expect(live?.outputs).toMatchObject({
        status: 'Active',
        errorMessage: null,
        dnsRecords: [{ type: 'CNAME', name: host, value: 'domains.logto.app' }],
      });

      // Another domain replaces it (Logto has no PATCH).
      const other = [domain('auth', `${cloud.prefix}.login.example.com`)];
      const replace = await planTenant(other, { client: cloud.client, prior: state });
      expect(replace.changes[0]).toMatchObject({ action: 'replace' });
      const next = await expectConverges(cloud, other, state);
      expect((await cloud.client.get<Row[]>('/domains')).map((d) => d.domain)).toEqual([
        `${cloud.prefix}.login.example.com`,
      ]);

      // Dropped where the kind may be deleted.
      await converge(cloud, [], next, ['CustomDomain']);
      expect(await cloud.client.get<Row[]>('/domains')).toEqual([]);
      await expectClean(cloud, [], undefined);
    },
  );

  it('refuses before any write what is not a host name', async () => {
    for (const bad of [
      'https://auth.example.com',
      'Auth.Example.com',
      'auth.example.com/login',
      'localhost',
      '10.0.0.1',
    ]) {
      const error = await expectRefusedBeforeWrites(oss, [domain('bad', bad)]);
      expect(error.issues, bad).toEqual([
        expect.objectContaining({ field: 'domain', message: expect.stringMatching(/lowercase host name/) }),
      ]);
    }
  });
});
