/**
 * References in a plan as a reviewer reads them (golden file): a role's scopes, a scope's API resource, in the
 * plan text, the pull-request comment and the drift report, are the referenced objects' keys, never ids, also
 * for an object the files no longer list (read from Logto) and one this plan creates. Runs against the
 * emulator, or a real Logto with `LOGTO_E2E_*` (names carry the run's prefix, which the golden file hides).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type Target } from '../support/target.js';
import { cli, ensureBuilt } from './helpers.js';

const GOLDEN = join(import.meta.dirname, 'fixtures', 'plan-references.txt');

let t: Target;
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  t = await startTarget();
  dir = mkdtempSync(join(tmpdir(), 'logto-iac-refs-'));
}, 300_000);

afterAll(async () => {
  await t?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function tenant(roleScopes: string[], scopes: string[]): string {
  const api = `https://${t.prefix}.example.com/orders`;
  return [
    'version: 1',
    'apiResources:',
    `  ${api}:`,
    `    name: ${t.prefix} Orders`,
    '    scopes:',
    ...scopes.map((s) => `      ${s}: { description: ${s} }`),
    'roles:',
    `  ${t.prefix}-clerk:`,
    '    description: Clerks',
    `    scopes: [${roleScopes.map((s) => `${api}/${s}`).join(', ')}]`,
    '',
  ].join('\n');
}

/** The output with the run's prefix and every Logto id (21 lowercase letters and digits) made constant. */
function normalized(text: string): string {
  return text.replaceAll(t.prefix, 'RUN').replace(/\b[a-z0-9]{21}\b/g, '<id>');
}

describe('plan references by key', () => {
  it('shows a role’s scopes and a scope’s resource by key in the plan, the comment and the drift report', async () => {
    const run = (args: string[]) => cli(args, { connection: { url: t.url, appId: t.appId, appSecret: t.appSecret } });
    const state = join(dir, 'state.json');
    const file = join(dir, 'tenant.yaml');
    // Applied with state: the role has read and write.
    writeFileSync(file, tenant(['read:orders', 'write:orders'], ['read:orders', 'write:orders']));
    expect((await run(['apply', file, '--state', state, '--auto-approve'])).code).toBe(0);
    // Changed in Logto since then (an apply without the state): an audit scope added to the role.
    const byHand = join(dir, 'by-hand.yaml');
    writeFileSync(byHand, tenant(['read:orders', 'write:orders', 'audit'], ['read:orders', 'write:orders', 'audit']));
    expect((await run(['apply', byHand, '--auto-approve'])).code).toBe(0);
    // Now the files: write:orders stays an object but leaves the role, audit is gone from the files, refund is new.
    writeFileSync(file, tenant(['read:orders', 'refund'], ['read:orders', 'write:orders', 'refund']));
    const plan = await run(['plan', file, '--state', state]);
    expect(plan.code, plan.stderr).toBe(2);
    const markdown = await run(['plan', file, '--state', state, '--format', 'markdown']);
    expect(markdown.code, markdown.stderr).toBe(2);
    const drift = await run(['drift', file, '--state', state]);
    expect(drift.code, drift.stderr).toBe(2);

    // No reference field shows an id.
    for (const text of [plan.stdout, markdown.stdout, drift.stdout]) {
      for (const line of text.split('\n').filter((l) => /scopeIds|resourceId/.test(l)))
        expect(line).not.toMatch(/"[a-z0-9]{21}"/);
    }
    const text = normalized(
      [
        '$ logto-iac plan tenant.yaml --state state.json',
        plan.stdout,
        '$ logto-iac drift tenant.yaml --state state.json',
        drift.stdout,
        '$ logto-iac plan tenant.yaml --state state.json --format markdown',
        markdown.stdout,
      ].join('\n'),
    )
      .replace(/\| <code>[^<]*<\/code> \| 1 \|/, '| <code>TENANT</code> | 1 |')
      .replace(/#### <code>[^<]*<\/code>/, '#### <code>TENANT</code>');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  }, 180_000);
});
