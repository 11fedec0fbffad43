/**
 * Pulumi lookups (`logto.getRole({ name })`…, the Pulumi side of the Terraform data sources), in a program
 * run by Pulumi's runtime (mocked engine, fresh process): they read the tenant (the emulator, or a real Logto
 * through `LOGTO_E2E_*`) with the program's `logto:*` config, their results feed resources, and secret
 * outputs stay secret.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type Target } from '../support/target.js';
import { makeProject, type ProgramRun, type Project, repoRoot, runProgram, SECRET_SIG } from './harness.js';

let target: Target;
let project: Project;
let result: ProgramRun;
const made: Record<string, string> = {};

const PROGRAM = (p: string) => `
import * as pulumi from '@pulumi/pulumi';
import * as logto from 'logto-iac/pulumi';

const api = logto.getApiResource({ indicator: 'https://${p}.lookup.example.com' });
const reader = logto.getRole({ name: '${p}-reader' });
const worker = logto.getApplication({ name: '${p} worker' });
const scope = logto.getOrganizationScope({ name: '${p}:members' });

// Looked-up objects feed resources like any output.
new logto.ApplicationRoleAssignment('worker-roles', {
  applicationId: worker.then((a) => a.id),
  roleIds: [reader.then((r) => r.id)],
});
new logto.OrganizationRole('auditor', {
  name: '${p}-auditor',
  organizationScopeIds: [scope.then((s) => s.id)],
});

export const apiName = pulumi.output(api).apply((a) => a.name);
export const readerScopes = pulumi.output(reader).apply((r) => r.scopeIds);
const github = logto.getConnector({ connectorId: 'github-universal', target: 'github' });
export const githubConfig = pulumi.output(github).apply((g) => g.config);
export const githubType = pulumi.output(github.then((g) => g.type)); // a plain field stays plain
export const missing = pulumi.output(
  logto.getRole({ name: '${p}-nosuch' }).then(
    () => 'found',
    (e) => String(e.message),
  ),
);
`;

beforeAll(async () => {
  target = await startTarget();
  const p = target.prefix;
  const c = target.client;
  const api = await c.post<{ id: string }>('/resources', {
    name: `${p} api`,
    indicator: `https://${p}.lookup.example.com`,
  });
  const scope = await c.post<{ id: string }>(`/resources/${api.id}/scopes`, { name: 'read' });
  const role = await c.post<{ id: string }>('/roles', {
    name: `${p}-reader`,
    description: 'Reads',
    type: 'MachineToMachine',
    scopeIds: [scope.id],
  });
  const app = await c.post<{ id: string }>('/applications', { name: `${p} worker`, type: 'MachineToMachine' });
  const orgScope = await c.post<{ id: string }>('/organization-scopes', { name: `${p}:members` });
  await c.post('/connectors', {
    connectorId: 'github-universal',
    config: { clientId: `${p}-client`, clientSecret: 'canary-lookup-secret' },
  });
  Object.assign(made, { api: api.id, scope: scope.id, role: role.id, app: app.id, orgScope: orgScope.id });

  project = makeProject();
  copyFileSync(join(repoRoot, 'examples/pulumi/tsconfig.json'), join(project.dir, 'tsconfig.json'));
  writeFileSync(join(project.dir, 'index.ts'), PROGRAM(p));
  result = await runProgram(project, {
    ...process.env,
    PULUMI_TEST_PROJECT: 'logto-lookups',
    PULUMI_CONFIG: JSON.stringify({
      'logto:endpoint': target.url,
      'logto:appId': target.appId,
      'logto:appSecret': target.appSecret,
    }),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(['logto:appSecret']),
    LOGTO_ENDPOINT: '',
    LOGTO_APP_ID: '',
    LOGTO_APP_SECRET: '',
  });
}, 180_000);

afterAll(async () => {
  project?.cleanup();
  await target?.cleanup();
});

describe('Pulumi lookups', () => {
  it('read existing objects by key with the program’s logto:* config, and feed resources', () => {
    const assignment = result.registrations.find(
      (r) => r.type === 'pulumi-nodejs:dynamic/logto:ApplicationRoleAssignment',
    );
    expect(assignment?.object).toMatchObject({ applicationId: made.app, roleIds: [made.role] });
    const role = result.registrations.find((r) => r.type === 'pulumi-nodejs:dynamic/logto:OrganizationRole');
    expect(role?.object).toMatchObject({ organizationScopeIds: [made.orgScope] });
    expect(result.outputs.apiName).toEqual({ value: `${target.prefix} api`, secret: false });
    expect(result.outputs.readerScopes).toEqual({ value: [made.scope], secret: false });
  });

  it('keep secret fields secret (a connector’s config), and say what did not match', () => {
    expect(result.outputs.githubConfig).toEqual({
      value: { clientId: `${target.prefix}-client`, clientSecret: 'canary-lookup-secret' },
      secret: true,
    });
    expect(result.outputs.githubType).toEqual({ value: 'Social', secret: false });
    expect(result.warnings).not.toContain('canary-lookup-secret');
    expect(result.outputs.missing?.value).toMatch(/logto\.getRole: Role with name=.*-nosuch does not exist/);
    expect(JSON.stringify(result)).not.toContain(SECRET_SIG + target.appSecret);
    expect(result.warnings).not.toContain(target.appSecret);
  });
});
