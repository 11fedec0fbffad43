/** `plan --format markdown`: the pull-request comment (golden file), its size cap, and the CLI flag. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../core/reconcile/types.js';
import { SENSITIVE, UNKNOWN } from '../../core/reconcile/types.js';
import { formatPlanMarkdown } from '../../provider/cli/markdown.js';
import { cli } from './helpers.js';

const GOLDEN = join(import.meta.dirname, 'fixtures', 'plan.md');

function plan(): Plan {
  return {
    formatVersion: 1,
    createdAt: '2026-12-05T12:00:00.000Z',
    liveFingerprint: 'x',
    changes: [
      {
        address: 'Role.admin',
        kind: 'Role',
        action: 'create',
        changes: [
          { field: 'name', before: undefined, after: 'admin' },
          { field: 'scopeIds', before: undefined, after: [UNKNOWN] },
        ],
      },
      {
        address: 'Hook.audit',
        kind: 'Hook',
        action: 'update',
        id: 'h1',
        changes: [
          { field: 'url', before: 'https://old.example/a|b', after: 'https://new.example/<a>' },
          { field: 'headers', before: SENSITIVE, after: SENSITIVE, sensitive: true },
        ],
      },
      {
        address: 'ApiResource.https://api.example.com',
        kind: 'ApiResource',
        action: 'replace',
        id: 'r1',
        reason: 'indicator changed (immutable)',
        changes: [{ field: 'indicator', before: 'https://old.example.com', after: 'https://api.example.com' }],
      },
      { address: 'Role[r9]', kind: 'Role', action: 'delete', id: 'r9', key: 'legacy', changes: [] },
      { address: 'Role.viewer', kind: 'Role', action: 'noop', id: 'r2', changes: [] },
    ],
    drift: [
      { address: 'Hook.audit', kind: 'Hook', id: 'h1', field: 'url', expected: 'https://new.example/<a>', live: 'x' },
      { address: 'Role.viewer', kind: 'Role', id: 'r2', field: 'description', expected: 'Views', live: 'Edited' },
    ],
    summary: { create: 1, update: 1, replace: 1, delete: 1, noop: 1, drift: 2 },
  } as Plan;
}

describe('plan --format markdown', () => {
  it('matches the golden file: summary table, collapsible changes, drift marked, secrets redacted', () => {
    const text = formatPlanMarkdown([
      { name: 'staging.example.com', plan: plan() },
      { name: 'prod.example.com', error: 'connect ECONNREFUSED' },
    ]);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
    // Values never break the table or the HTML: pipes and angle brackets are escaped.
    expect(text).toContain('https://old.example/a&#124;b');
    expect(text).toContain('https://new.example/&lt;a&gt;');
  });

  it('stays under the size limit by leaving out blocks, and says where the full plan is', () => {
    const big = plan();
    big.changes = Array.from({ length: 400 }, (_, i) => ({
      address: `Role.r${i}`,
      kind: 'Role',
      action: 'create' as const,
      dependsOn: [],
      changes: [{ field: 'description', before: undefined, after: 'x'.repeat(300) }],
    }));
    const text = formatPlanMarkdown([{ name: 'prod', plan: big }], {
      maxChars: 20_000,
      detailsUrl: 'https://ci.example/run/1',
    });
    expect(text.length).toBeLessThanOrEqual(20_000);
    expect(text).toContain('| <code>prod</code> | 1 | 1 | 1 | 1 | 2 |');
    expect(text).toMatch(/_\d+ more block\(s\) are not shown .*the full plan: https:\/\/ci\.example\/run\/1\._\n$/);
    const shown = (text.match(/<details>/g) ?? []).length;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(400);
  });

  it('the CLI writes it for the tenant it plans (exit 2 with changes), and refuses an unknown format', async () => {
    const r = await cli(['plan', 'examples/tenant.yaml', '--emulator', '--format', 'markdown']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/^### logto-iac plan\n\n\| Tenant \| Create/);
    expect(r.stdout).toMatch(/\| <code>embedded emulator<\/code> \| \d+ \| 4 \| 0 \| 0 \| 0 \|/);
    expect(r.stdout).not.toContain('demo-'); // the example's demo secrets never appear
    const bad = await cli(['plan', 'examples/tenant.yaml', '--emulator', '--format', 'html']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--format: unknown format "html"/);
  });
});
