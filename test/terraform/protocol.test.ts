/**
 * Protocol-level tests: the bundled plugin is launched the way Terraform launches it (magic cookie, client
 * certificate), and the RPCs are called over mTLS on its unix socket with grpc-js.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status as grpcStatus, type ServiceDefinition } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeServerCertificate } from '../../provider/terraform/cert.js';
import { decodeValue, encodeValue, UNKNOWN } from '../../provider/terraform/cty.js';
import { loadServices } from '../../provider/terraform/protocol.js';
import { dataSourceSchema, resourceSchema } from '../../provider/terraform/schema.js';
import { LogtoTerraformProvider } from '../../provider/terraform/server.js';
import { catalog, getDefinition } from '../../resources/index.js';
// @ts-expect-error plain JS build script without types
import { ZOD_LEFT_OUT } from '../../scripts/bundle-terraform.mjs';
import { startTarget, type Target } from '../support/target.js';
import { call, launchPlugin, pluginBundle, type RunningPlugin, stopPlugin } from './support.js';

const role = resourceSchema(getDefinition('Role'));
const organization = resourceSchema(getDefinition('Organization'));

function attr(schema: any, name: string) {
  return schema.block.attributes.find((a: any) => a.name === name);
}

describe('terraform-provider-logto over the plugin protocol', () => {
  let plugin: RunningPlugin;

  beforeAll(async () => {
    plugin = await launchPlugin();
  }, 60_000);

  afterAll(async () => {
    if (plugin && plugin.child.exitCode === null) await stopPlugin(plugin);
  });

  it('refuses to run without the magic cookie, with a message for humans and nothing on stdout', async () => {
    const bundle = await pluginBundle();
    const env = { ...process.env };
    delete env.TF_PLUGIN_MAGIC_COOKIE;
    const r = spawnSync(process.execPath, [bundle], { env, encoding: 'utf8', timeout: 15_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/not meant to be run directly/);
    expect(r.stderr).toMatch(/terraform-install/);
  });

  it('prints one handshake line with an unpadded certificate and reports healthy', async () => {
    const parts = plugin.handshake.split('|');
    expect(parts.slice(0, 3)).toEqual(['1', '6', 'unix']);
    expect(parts[4]).toBe('grpc');
    expect(parts[5]).not.toMatch(/=/);
    const health = await call(plugin.health, 'Check', { service: 'plugin' });
    expect(health.status).toBe('SERVING');
  });

  it('serves only the client certificate Terraform passed: another certificate, or none, gets UNAUTHENTICATED', async () => {
    for (const as of [makeServerCertificate(), null]) {
      const other = plugin.connectAs(as);
      try {
        for (const [client, method, request] of [
          [other.health, 'Check', { service: 'plugin' }],
          [other.provider, 'GetProviderSchema', {}],
          [other.provider, 'GetMetadata', {}],
          [other.controller, 'Shutdown', {}],
        ] as const) {
          await expect(call(client, method, request, 5_000)).rejects.toMatchObject({
            code: grpcStatus.UNAUTHENTICATED,
            details: expect.stringMatching(/PLUGIN_CLIENT_CERT/),
          });
        }
      } finally {
        for (const c of Object.values(other)) c.close();
      }
    }
    // Still serving the right client (the refused Shutdown did not stop it).
    expect((await call(plugin.health, 'Check', { service: 'plugin' })).status).toBe('SERVING');
    expect(plugin.child.exitCode).toBeNull();
  });

  it('serves the schema generated from the catalog', async () => {
    const r = await call(plugin.provider, 'GetProviderSchema', {});
    expect(Object.keys(r.resource_schemas)).toEqual(
      expect.arrayContaining(['logto_role', 'logto_api_resource', 'logto_application', 'logto_api_resource_scope']),
    );
    expect(Object.keys(r.data_source_schemas)).toEqual(
      expect.arrayContaining([
        'logto_role',
        'logto_api_resource',
        'logto_application',
        'logto_organization_role',
        'logto_organization_scope',
      ]),
    );
    const roleSchema = r.resource_schemas.logto_role;
    expect(attr(roleSchema, 'id')).toMatchObject({ computed: true, required: false });
    expect(attr(roleSchema, 'name')).toMatchObject({ required: true, computed: false });
    expect(attr(roleSchema, 'is_default')).toMatchObject({ optional: true, computed: true });
    expect(JSON.parse(Buffer.from(attr(roleSchema, 'scope_ids').type).toString())).toEqual(['set', 'string']);
    expect(attr(r.provider, 'app_secret')).toMatchObject({ sensitive: true, optional: true });
    const secret = r.resource_schemas.logto_application.block.attributes.filter((a: any) => a.sensitive);
    expect(secret.length).toBeGreaterThan(0);
    expect(r.data_source_schemas.logto_api_resource.block.attributes.map((a: any) => a.name)).toContain('scopes');
  });

  it('answers GetProviderSchema (encoded when the bundle was built) with what the provider computes now', async () => {
    const served = await call(plugin.provider, 'GetProviderSchema', {});
    const codec = loadServices().provider.GetProviderSchema as ServiceDefinition[string];
    const computed = new LogtoTerraformProvider({ env: {}, log: () => {} }).getProviderSchema();
    expect(served).toEqual(codec.responseDeserialize(codec.responseSerialize(computed)));
  });

  it('reports a bad value with the attribute path and the fix, without calling any API', async () => {
    const config = encodeValue({ name: '', description: 'x', scope_ids: UNKNOWN }, role.type);
    const r = await call(plugin.provider, 'ValidateResourceConfig', {
      type_name: 'logto_role',
      config: { msgpack: config },
    });
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0];
    expect(d.severity).toBe('ERROR');
    expect(d.attribute.steps).toEqual([expect.objectContaining({ attribute_name: 'name' })]);
    expect(d.detail).toMatch(/Fix:/);

    const ok = await call(plugin.provider, 'ValidateResourceConfig', {
      type_name: 'logto_role',
      config: { msgpack: encodeValue({ name: 'admin', description: UNKNOWN }, role.type) },
    });
    expect(ok.diagnostics).toEqual([]);
  });

  it("explains bad values in the bundle's words exactly as the provider's modules do (zod's English messages)", async () => {
    // The core bundle carries a trimmed zod (leanZod in scripts/bundle-terraform.mjs): its messages must not change.
    const provider = new LogtoTerraformProvider({ env: {}, log: () => {} }).handlers();
    const request = {
      type_name: 'logto_role',
      config: { msgpack: encodeValue({ name: '', description: 'x'.repeat(200), type: 'Robot' }, role.type) },
    };
    const served = await call(plugin.provider, 'ValidateResourceConfig', request);
    const codec = loadServices().provider.ValidateResourceConfig as ServiceDefinition[string];
    const computed = await provider.ValidateResourceConfig!(codec.requestDeserialize(codec.requestSerialize(request)));
    expect(served.diagnostics.map((d: { detail: string }) => d.detail)).toEqual([
      expect.stringMatching(/^Too small: expected string to have >=1 characters\./),
      expect.stringMatching(/^Too big: expected string to have <=128 characters\./),
      expect.stringMatching(/^Invalid option: expected one of "User"\|"MachineToMachine"\./),
    ]);
    expect(served).toEqual(codec.responseDeserialize(codec.responseSerialize(computed)));
  });

  it('plans a create with unknowns for computed values and nulls kept as nulls', async () => {
    const config = { name: 'admin', description: 'Admins', scope_ids: UNKNOWN };
    const r = await call(plugin.provider, 'PlanResourceChange', {
      type_name: 'logto_role',
      prior_state: { msgpack: encodeValue(null, role.type) },
      proposed_new_state: { msgpack: encodeValue(config, role.type) },
      config: { msgpack: encodeValue(config, role.type) },
    });
    expect(r.diagnostics).toEqual([]);
    const bytes: Buffer = r.planned_state.msgpack;
    expect(bytes.includes(Buffer.from([0xd4, 0x00, 0x00]))).toBe(true);
    const planned = decodeValue(r.planned_state) as Record<string, unknown>;
    expect(Object.keys(planned).sort()).toEqual(Object.keys((role.type as any)[1]).sort());
    expect(planned).toMatchObject({ name: 'admin', description: 'Admins' });
    expect(planned.id).toBe(UNKNOWN);
    expect(planned.scope_ids).toBe(UNKNOWN);
    expect(planned.is_default).toBe(UNKNOWN); // optional, left out: the server decides
  });

  it('keeps stable computed values and requires replacement for immutable fields', async () => {
    const prior = { id: 'r1', name: 'admin', description: 'Admins', type: 'User', is_default: false, scope_ids: [] };
    const config = { name: 'admin', description: 'Admins', type: 'MachineToMachine' };
    const proposed = { ...prior, type: 'MachineToMachine' };
    const r = await call(plugin.provider, 'PlanResourceChange', {
      type_name: 'logto_role',
      prior_state: { msgpack: encodeValue(prior, role.type) },
      proposed_new_state: { msgpack: encodeValue(proposed, role.type) },
      config: { msgpack: encodeValue(config, role.type) },
    });
    expect(r.requires_replace).toEqual([{ steps: [expect.objectContaining({ attribute_name: 'type' })] }]);
    const planned = decodeValue(r.planned_state) as Record<string, unknown>;
    expect(planned.id).toBe('r1');
    expect(planned.is_default).toBe(false);
  });

  it('plans nested objects: set members kept, unset members unknown; JSON text kept as written', async () => {
    const config = {
      name: 'acme',
      custom_data: '{"b":1,"a":{"c":[1,2]}}',
      branding: { logo_url: 'https://acme.example/logo.png' },
    };
    const r = await call(plugin.provider, 'PlanResourceChange', {
      type_name: 'logto_organization',
      prior_state: { msgpack: encodeValue(null, organization.type) },
      proposed_new_state: { msgpack: encodeValue(config, organization.type) },
      config: { msgpack: encodeValue(config, organization.type) },
    });
    expect(r.diagnostics).toEqual([]);
    const planned = decodeValue(r.planned_state) as Record<string, any>;
    expect(planned.custom_data).toBe('{"b":1,"a":{"c":[1,2]}}');
    expect(planned.branding.logo_url).toBe('https://acme.example/logo.png');
    expect(planned.branding.dark_logo_url).toBe(UNKNOWN);
    expect(Object.keys(planned.branding).sort()).toEqual(['dark_favicon', 'dark_logo_url', 'favicon', 'logo_url']);
    expect(planned.color).toBe(UNKNOWN);
    expect(planned.created_at).toBe(UNKNOWN);
  });

  it('reports malformed JSON and bad nested values at their attribute paths', async () => {
    const bad = await call(plugin.provider, 'ValidateResourceConfig', {
      type_name: 'logto_organization',
      config: { msgpack: encodeValue({ name: 'acme', custom_data: '{not json' }, organization.type) },
    });
    expect(bad.diagnostics).toHaveLength(1);
    expect(bad.diagnostics[0].attribute.steps).toEqual([expect.objectContaining({ attribute_name: 'custom_data' })]);
    expect(bad.diagnostics[0].detail).toMatch(/jsonencode/);

    const nested = await call(plugin.provider, 'ValidateResourceConfig', {
      type_name: 'logto_organization',
      config: { msgpack: encodeValue({ name: 'acme', branding: { logo_url: 'not a url' } }, organization.type) },
    });
    expect(nested.diagnostics.length).toBeGreaterThan(0);
    expect(nested.diagnostics[0].attribute.steps.map((s: any) => s.attribute_name)).toEqual(['branding', 'logo_url']);
  });

  it('upgrades JSON state to the current schema (every attribute present)', async () => {
    const raw = { id: 'r1', name: 'admin', description: 'Admins', retired_attribute: 1 };
    const r = await call(plugin.provider, 'UpgradeResourceState', {
      type_name: 'logto_role',
      version: 0,
      raw_state: { json: Buffer.from(JSON.stringify(raw)) },
    });
    const upgraded = decodeValue(r.upgraded_state) as Record<string, unknown>;
    expect(upgraded).toEqual({
      id: 'r1',
      name: 'admin',
      description: 'Admins',
      type: null,
      is_default: null,
      scope_ids: null,
    });
  });

  it('exits on Shutdown, having written nothing to stdout but the handshake line', async () => {
    const code = await stopPlugin(plugin);
    expect(code).toBe(0);
    // Schema, validation, plans (the core is loaded by now) and state upgrades all ran above.
    expect(plugin.stdout()).toBe(`${plugin.handshake}\n`);
  });
});

describe("the plugin's core bundle", () => {
  it("uses none of zod's members that the bundle leaves out", () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    const leftOut = new RegExp(`\\bz\\.(${(ZOD_LEFT_OUT as string[]).join('|')})\\b`);
    const users = ['core', 'resources', join('provider', 'terraform')].flatMap((dir) =>
      (readdirSync(join(root, dir), { recursive: true }) as string[])
        .filter((f) => f.endsWith('.ts') && leftOut.test(readFileSync(join(root, dir, f), 'utf8')))
        .map((f) => join(dir, f)),
    );
    expect(users, 'these use a zod member that leanZod (scripts/bundle-terraform.mjs) leaves out').toEqual([]);
  });
});

describe('terraform-provider-logto against the emulator (configure, data sources)', () => {
  let plugin: RunningPlugin;
  let target: Target;

  beforeAll(async () => {
    target = await startTarget();
    plugin = await launchPlugin({ LOGTO_ENDPOINT: '', LOGTO_APP_ID: '', LOGTO_APP_SECRET: '' });
  }, 60_000);

  afterAll(async () => {
    if (plugin && plugin.child.exitCode === null) await stopPlugin(plugin);
    await target?.cleanup();
  });

  const providerType = [
    'object',
    { endpoint: 'string', app_id: 'string', app_secret: 'string', resource: 'string', requests_per_second: 'number' },
  ] as const;

  it('names each missing provider setting and its environment variable', async () => {
    const r = await call(plugin.provider, 'ConfigureProvider', {
      terraform_version: '1.11.4',
      config: { msgpack: encodeValue({ endpoint: target.url }, providerType as any) },
    });
    const paths = r.diagnostics.map((d: any) => d.attribute.steps[0].attribute_name);
    expect(paths).toEqual(['app_id', 'app_secret']);
    expect(r.diagnostics[1].detail).toMatch(/LOGTO_APP_SECRET/);
  });

  it('looks up data sources by id and by natural key', async () => {
    const config = { endpoint: target.url, app_id: target.appId, app_secret: target.appSecret };
    const configured = await call(plugin.provider, 'ConfigureProvider', {
      terraform_version: '1.11.4',
      config: { msgpack: encodeValue(config, providerType as any) },
    });
    expect(configured.diagnostics).toEqual([]);

    const appType = dataSourceSchema(getDefinition('Application'), catalog).type;
    const byId = await call(plugin.provider, 'ReadDataSource', {
      type_name: 'logto_application',
      config: { msgpack: encodeValue({ id: target.appId }, appType) },
    });
    expect(byId.diagnostics).toEqual([]);
    const app = decodeValue(byId.state) as Record<string, any>;
    expect(app.id).toBe(target.appId);
    expect(app.type).toBe('MachineToMachine');

    const byName = await call(plugin.provider, 'ReadDataSource', {
      type_name: 'logto_application',
      config: { msgpack: encodeValue({ name: app.name }, appType) },
    });
    expect((decodeValue(byName.state) as Record<string, any>).id).toBe(target.appId);

    const roleType = dataSourceSchema(getDefinition('Role'), catalog).type;
    const missing = await call(plugin.provider, 'ReadDataSource', {
      type_name: 'logto_role',
      config: { msgpack: encodeValue({ name: 'no-such-role' }, roleType) },
    });
    expect(missing.diagnostics[0].severity).toBe('ERROR');
    expect(missing.diagnostics[0].detail).toMatch(/no-such-role/);

    // A singleton's data source takes no argument; while the tenant has none configured, it says so.
    const captchaType = dataSourceSchema(getDefinition('CaptchaProvider'), catalog).type;
    const valid = await call(plugin.provider, 'ValidateDataResourceConfig', {
      type_name: 'logto_captcha_provider',
      config: { msgpack: encodeValue({}, captchaType) },
    });
    expect(valid.diagnostics).toEqual([]);
    if (target.emulator) {
      const none = await call(plugin.provider, 'ReadDataSource', {
        type_name: 'logto_captcha_provider',
        config: { msgpack: encodeValue({}, captchaType) },
      });
      expect(none.diagnostics[0].detail).toBe('the tenant has no CaptchaProvider configured yet');
    }

    const apiType = dataSourceSchema(getDefinition('ApiResource'), catalog).type;
    const api = await call(plugin.provider, 'ReadDataSource', {
      type_name: 'logto_api_resource',
      config: {
        msgpack: encodeValue({ indicator: target.emulator?.resource ?? 'https://default.logto.app/api' }, apiType),
      },
    });
    expect(api.diagnostics).toEqual([]);
    const state = decodeValue(api.state) as Record<string, any>;
    expect(state.scopes.map((s: any) => s.name)).toContain('all');
  });

  it("looks up organization scopes and roles by id and by name (with the role's scope ids)", async () => {
    const suffix = target.prefix; // run-unique, so the sweep after the run deletes what this test made
    const scope = await target.client.post<{ id: string }>('/organization-scopes', {
      name: `tf:read-${suffix}`,
      description: 'Read members',
    });
    const orgRole = await target.client.post<{ id: string }>('/organization-roles', {
      name: `tf-member-${suffix}`,
      description: 'Member',
      organizationScopeIds: [scope.id],
    });

    const scopeType = dataSourceSchema(getDefinition('OrganizationScope'), catalog).type;
    const scopeByName = await call(plugin.provider, 'ReadDataSource', {
      type_name: 'logto_organization_scope',
      config: { msgpack: encodeValue({ name: `tf:read-${suffix}` }, scopeType) },
    });
    expect(scopeByName.diagnostics).toEqual([]);
    expect(decodeValue(scopeByName.state)).toMatchObject({
      id: scope.id,
      name: `tf:read-${suffix}`,
      description: 'Read members',
    });
    const scopeById = await call(plugin.provider, 'ReadDataSource', {
      type_name: 'logto_organization_scope',
      config: { msgpack: encodeValue({ id: scope.id }, scopeType) },
    });
    expect(scopeById.diagnostics).toEqual([]);
    expect(decodeValue(scopeById.state)).toMatchObject({ id: scope.id, name: `tf:read-${suffix}` });

    const roleType = dataSourceSchema(getDefinition('OrganizationRole'), catalog).type;
    const roleByName = await call(plugin.provider, 'ReadDataSource', {
      type_name: 'logto_organization_role',
      config: { msgpack: encodeValue({ name: `tf-member-${suffix}` }, roleType) },
    });
    expect(roleByName.diagnostics).toEqual([]);
    expect(decodeValue(roleByName.state)).toMatchObject({
      id: orgRole.id,
      name: `tf-member-${suffix}`,
      description: 'Member',
      type: 'User',
      organization_scope_ids: [scope.id],
      resource_scope_ids: [],
    });
    const roleById = await call(plugin.provider, 'ReadDataSource', {
      type_name: 'logto_organization_role',
      config: { msgpack: encodeValue({ id: orgRole.id }, roleType) },
    });
    expect(roleById.diagnostics).toEqual([]);
    expect(decodeValue(roleById.state)).toMatchObject({ id: orgRole.id, organization_scope_ids: [scope.id] });

    const missing = await call(plugin.provider, 'ReadDataSource', {
      type_name: 'logto_organization_role',
      config: { msgpack: encodeValue({ name: `no-such-org-role-${suffix}` }, roleType) },
    });
    expect(missing.diagnostics[0].severity).toBe('ERROR');
    expect(missing.diagnostics[0].detail).toMatch(`no-such-org-role-${suffix}`);
  });

  it('imports an application by its adoption key (name=…), the form the docs list', async () => {
    const app = await target.client.get<{ name: string }>(`/applications/${target.appId}`);
    const r = await call(plugin.provider, 'ImportResourceState', {
      type_name: 'logto_application',
      id: `name=${app.name}`,
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.imported_resources).toHaveLength(1);
    expect(decodeValue(r.imported_resources[0].state)).toMatchObject({ id: target.appId, name: app.name });
  });

  it('exits on Shutdown, having written nothing to stdout but the handshake line', async () => {
    // Configure, API reads and imports ran above (the core and the HTTP client were loaded and used).
    const code = await stopPlugin(plugin);
    expect(code).toBe(0);
    expect(plugin.stdout()).toBe(`${plugin.handshake}\n`);
  });
});
