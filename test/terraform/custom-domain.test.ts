/**
 * `logto_custom_domain` through real `terraform`: on Logto Cloud (the emulator's Cloud mode; custom domains
 * are verified on the emulator only) the DNS records come out as a list of objects; on Logto OSS the apply
 * fails with an error naming Logto Cloud and writes nothing.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../support/process.js';
import { realServerConfigured, startTarget, type Target } from '../support/target.js';
import { terraformEnv } from './support.js';

const config = (host: string) =>
  [
    'terraform {\n  required_providers {\n    logto = { source = "logto-io/logto" }\n  }\n}\n',
    `resource "logto_custom_domain" "auth" {\n  domain = "${host}"\n}\n`,
    'output "records" {\n  value = logto_custom_domain.auth.dns_records\n}\n',
    'output "status" {\n  value = logto_custom_domain.auth.status\n}\n',
  ].join('\n');

async function workspace(target: Target, name: string) {
  const root = mkdtempSync(join(tmpdir(), `logto-tf-${name}-`));
  const work = join(root, 'work');
  mkdirSync(work, { recursive: true });
  const env = await terraformEnv(root, target);
  writeFileSync(join(work, 'main.tf'), config(`${target.prefix}.auth.example.com`));
  const terraform = (...args: string[]) =>
    exec('terraform', [...args, '-no-color'], { cwd: work, env, timeoutMs: 180_000 });
  expect((await terraform('init', '-input=false')).code).toBe(0);
  return { terraform, work };
}

describe('terraform: logto_custom_domain', () => {
  let oss: Target;
  let cloud: Target;
  beforeAll(async () => {
    oss = await startTarget();
    cloud = await startTarget({ customDomains: true });
  }, 120_000);
  afterAll(async () => {
    await oss?.cleanup();
    await cloud?.cleanup();
  });

  const itCloud = realServerConfigured() ? it.skip : it;
  itCloud(
    'on Logto Cloud (emulator only): the DNS record as a list of objects, then no changes',
    async () => {
      const { terraform, work } = await workspace(cloud, 'domain-cloud');
      const apply = await terraform('apply', '-auto-approve', '-input=false');
      expect(apply.code, apply.out).toBe(0);
      const out = JSON.parse((await terraform('output', '-json')).out);
      expect(out.records.value).toEqual([
        { type: 'CNAME', name: `${cloud.prefix}.auth.example.com`, value: 'domains.logto.app' },
      ]);
      expect(out.status.value).toBe('PendingVerification');
      const plan = await terraform('plan', '-detailed-exitcode', '-input=false');
      expect(plan.code, plan.out).toBe(0);

      // The data source finds a domain by name, e.g. to create its DNS record with another provider.
      writeFileSync(
        join(work, 'lookup.tf'),
        `data "logto_custom_domain" "auth" {\n  domain = "${cloud.prefix}.auth.example.com"\n}\n` +
          'output "looked_up" {\n  value = data.logto_custom_domain.auth.dns_records[0].value\n}\n',
      );
      const lookup = await terraform('apply', '-auto-approve', '-input=false');
      expect(lookup.code, lookup.out).toBe(0);
      expect(JSON.parse((await terraform('output', '-json')).out).looked_up.value).toBe('domains.logto.app');
    },
    240_000,
  );

  it('on Logto OSS: the apply fails naming Logto Cloud, and nothing is written', async () => {
    const { terraform } = await workspace(oss, 'domain-oss');
    const apply = await terraform('apply', '-auto-approve', '-input=false');
    expect(apply.code).toBe(1);
    expect(apply.out.replace(/\s+/g, ' ')).toMatch(/custom domains need Logto Cloud/);
    expect(await oss.client.get<unknown[]>('/domains')).toEqual([]);
  }, 240_000);
});
