/** The pure parts of apply's phases: the order deletions run in, and the summary. */
import { describe, expect, it } from 'vitest';
import { type Deletion, deletionBatches, summarize } from '../../core/reconcile/apply.js';
import type { ObjectResult, Plan } from '../../core/reconcile/types.js';
import { catalog, getDefinition } from '../../resources/index.js';

const deletion = (kind: string, id: string): Deletion => ({
  address: `${kind}[${id}]`,
  definition: getDefinition(kind),
  id,
});

describe('deletion phase order', () => {
  it('deletes children before their parents, kind by kind, at most `concurrency` at once', () => {
    const deletions = [
      deletion('ApiResource', 'api1'),
      deletion('ApiResourceScope', 's1'),
      deletion('Application', 'app1'),
      deletion('ApiResourceScope', 's2'),
      deletion('ApplicationSecret', 'sec1'),
      deletion('ApiResourceScope', 's3'),
      deletion('OrganizationUser', 'ou1'),
      deletion('Organization', 'org1'),
    ];
    const batches = deletionBatches(deletions, catalog, 2);
    expect(batches.map((b) => b.map((d) => d.id))).toEqual([
      ['ou1'],
      ['org1'],
      ['sec1'],
      ['app1'],
      ['s1', 's2'],
      ['s3'],
      ['api1'],
    ]);
    // Every object is deleted exactly once.
    expect(batches.flat()).toHaveLength(deletions.length);
  });

  it('keeps one kind in one batch when concurrency allows, in the order given', () => {
    const deletions = ['r3', 'r1', 'r2'].map((id) => deletion('Role', id));
    expect(deletionBatches(deletions, catalog, 8).map((b) => b.map((d) => d.id))).toEqual([['r3', 'r1', 'r2']]);
    expect(deletionBatches([], catalog, 8)).toEqual([]);
  });
});

describe('summary phase', () => {
  it('lists results in plan order and counts failures and skips apart from the actions', () => {
    const change = (address: string, action: Plan['changes'][number]['action']) => ({
      address,
      kind: 'Role',
      action,
      changes: [],
      dependsOn: [],
    });
    const plan: Plan = {
      formatVersion: 1,
      createdAt: '2026-01-01T00:00:00.000Z',
      changes: [
        change('Role.a', 'create'),
        change('Role.b', 'update'),
        change('Role.c', 'replace'),
        change('Role.d', 'delete'),
        change('Role.e', 'create'),
        change('Role.f', 'update'),
        change('Role.g', 'noop'),
      ],
      drift: [],
      summary: { create: 2, update: 2, replace: 1, delete: 1, noop: 1, drift: 0 },
      liveFingerprint: 'sha256:x',
    };
    const result = (address: string, action: ObjectResult['action'], status: ObjectResult['status']) =>
      [address, { address, kind: 'Role', action, status }] as const;
    const results = new Map([
      result('Role.g', 'noop', 'ok'),
      result('Role.f', 'update', 'skipped'),
      result('Role.e', 'create', 'failed'),
      result('Role.d', 'delete', 'ok'),
      result('Role.c', 'replace', 'ok'),
      result('Role.b', 'update', 'ok'),
      result('Role.a', 'create', 'ok'),
    ]);
    const { results: ordered, summary } = summarize(plan, results);
    expect(ordered.map((r) => r.address)).toEqual(plan.changes.map((c) => c.address));
    expect(summary).toEqual({ created: 1, updated: 1, replaced: 1, deleted: 1, failed: 1, skipped: 1 });
  });
});
