/**
 * A fleet of tenants from one repository (issue 15, item 1): shared files plus environments/<name>/ overlays,
 * `--env`, `--all-envs` and `validate` of every environment, on examples/fleet against embedded emulators.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildLayout } from '../../provider/cli/layout.js';
import { buildOverlaySchema } from '../../provider/cli/schema.js';
import { Collector, readTenantFiles } from '../../provider/cli/tenant-file.js';
import { catalog } from '../../resources/index.js';
import { cli } from './helpers.js';

const FLEET = 'examples/fleet';

describe('environments', () => {
  it('overlays merge maps key by key, replace lists and values, remove with null, and add objects', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logto-overlay-'));
    writeFileSync(
      join(dir, 'base.yaml'),
      'applications:\n  web: { type: SPA, description: Shop, redirectUris: [https://a.example/cb], customData: { team: shop, tier: 1 } }\n  tool: { type: SPA }\n',
    );
    writeFileSync(
      join(dir, 'prod.yaml'),
      'applications:\n  web: { redirectUris: [https://b.example/cb], description: null, customData: { tier: 2 } }\n  tool: null\n  api: { type: MachineToMachine }\n',
    );
    const out = new Collector();
    const read = readTenantFiles([join(dir, 'base.yaml')], buildLayout(catalog), {}, out, [join(dir, 'prod.yaml')]);
    expect(out.problems).toEqual([]);
    expect(Object.fromEntries(read.entries.map((e) => [e.key, e.body]))).toEqual({
      web: { type: 'SPA', redirectUris: ['https://b.example/cb'], customData: { team: 'shop', tier: 2 } },
      api: { type: 'MachineToMachine' },
    });
  });

  it('validate checks every environment; plan without --env names them; --env picks one', async () => {
    const validate = await cli(['validate', FLEET]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout.match(/== environment (\w+) ==/g)).toEqual([
      '== environment dev ==',
      '== environment prod ==',
      '== environment staging ==',
    ]);
    const none = await cli(['plan', FLEET, '--emulator']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/define environments \(dev, prod, staging\).*\n.*--env <name>, or --all-envs/);
    const typo = await cli(['plan', FLEET, '--env', 'stagin', '--emulator']);
    expect(typo.stderr).toMatch(/unknown environment "stagin".*\n.*did you mean staging\?/);

    const prod = await cli(['plan', FLEET, '--env', 'prod', '--emulator', '--json']);
    expect(prod.code, prod.stderr).toBe(2);
    const changes = JSON.parse(prod.stdout).changes as {
      address: string;
      changes: { field: string; after: unknown }[];
    }[];
    const addresses = changes.map((c) => c.address);
    expect(addresses).toContain('Hook.audit');
    expect(addresses).not.toContain('Application.debug-console');
    const storefront = changes.find((c) => c.address === 'Application.storefront')!;
    expect(Object.fromEntries(storefront.changes.map((c) => [c.field, c.after]))).toMatchObject({
      redirectUris: ['https://shop.acme.example/callback'],
      refreshTokenTtlInDays: 14,
      description: 'The customer-facing single-page shop',
    });
  });

  it('an environment’s tenant comes from its own variables, never from LOGTO_* of another', async () => {
    const r = await cli(['plan', FLEET, '--env', 'prod'], {
      env: { LOGTO_ENDPOINT: 'http://127.0.0.1:9', LOGTO_APP_ID: 'a', LOGTO_APP_SECRET: 's' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/environment prod: its tenant is not configured/);
    expect(r.stderr).toMatch(/set LOGTO_PROD_ENDPOINT, LOGTO_PROD_APP_ID and LOGTO_PROD_APP_SECRET/);
  });

  it('plan --all-envs plans every environment against its own tenant, with one summary and one exit code', async () => {
    const text = await cli(['plan', FLEET, '--all-envs', '--emulator']);
    expect(text.code, text.stderr).toBe(2);
    expect(text.stdout).toMatch(/Environments:\n {2}dev {14}Plan: 6 to create/);
    const saved = join(mkdtempSync(join(tmpdir(), 'logto-fleet-')), 'plan.json');
    const md = await cli(['plan', FLEET, '--all-envs', '--emulator', '--format', 'markdown', '--out', saved]);
    expect(md.code).toBe(2);
    expect(Object.keys(JSON.parse(readFileSync(saved, 'utf8')).environments)).toEqual(['dev', 'prod', 'staging']);
    for (const env of ['dev', 'prod', 'staging'])
      expect(md.stdout).toContain(`| <code>${env}</code> | 6 | 1 | 0 | 0 | 0 |`);
    // One environment failing is reported in its row, and the exit code says so.
    const broken = await cli(['plan', FLEET, '--all-envs'], { env: { LOGTO_DEV_ENDPOINT: 'http://127.0.0.1:9' } });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/dev {14}failed: environment dev: its tenant is not configured/);
  });

  it('the overlay schema accepts the example overlays and an overlay without required fields or with null', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(buildOverlaySchema(catalog));
    for (const env of ['dev', 'staging', 'prod']) {
      const doc = parse(readFileSync(join(FLEET, 'environments', env, 'tenant.yaml'), 'utf8'));
      expect(validate(doc), `${env}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate({ applications: { web: { redirectUris: null } }, roles: { admin: null } })).toBe(true);
    expect(validate({ applications: { web: { type: 'Desktop' } } })).toBe(false);
  });
});
