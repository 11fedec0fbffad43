/** The plan printer: order, symbols, alignment, redaction, colour only when asked. */
import { describe, expect, it } from 'vitest';
import { type Plan, SENSITIVE, UNKNOWN } from '../../core/reconcile/types.js';
import { driftReport, formatDrift, formatPlan, formatValue } from '../../provider/cli/printer.js';

const plan: Plan = {
  formatVersion: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  liveFingerprint: 'sha256:00',
  summary: { create: 1, update: 1, replace: 1, delete: 2, noop: 1, drift: 1 },
  drift: [{ address: 'Role.admin', kind: 'Role', id: 'r1', field: 'description', expected: 'Admins', live: 'hacked' }],
  changes: [
    {
      address: 'Role.admin',
      kind: 'Role',
      action: 'update',
      id: 'r1',
      dependsOn: [],
      changes: [
        { field: 'description', before: 'hacked', after: 'Admins' },
        { field: 'scopeIds', before: ['a'], after: ['b'], added: ['b'], removed: ['a'] },
      ],
    },
    { address: 'Role.same', kind: 'Role', action: 'noop', id: 'r2', dependsOn: [], changes: [] },
    {
      address: 'Application.web',
      kind: 'Application',
      action: 'replace',
      id: 'a1',
      reason: 'type changed from "SPA" to "Traditional" (immutable)',
      dependsOn: [],
      changes: [{ field: 'type', before: 'SPA', after: 'Traditional' }],
    },
    {
      address: 'Hook.audit',
      kind: 'Hook',
      action: 'create',
      dependsOn: [],
      changes: [
        { field: 'headers', before: undefined, after: '(sensitive)', sensitive: true },
        { field: 'name', before: undefined, after: 'Audit' },
      ],
    },
    { address: 'Role[old1]', kind: 'Role', action: 'delete', id: 'old1', key: 'old-admin', dependsOn: [], changes: [] },
    {
      address: 'ApplicationSecret[s9]',
      kind: 'ApplicationSecret',
      action: 'delete',
      id: 's9',
      dependsOn: [],
      changes: [],
    },
  ],
};

describe('formatPlan', () => {
  it('lists drift, then deletes first, with aligned fields, reasons and secrets as (sensitive)', () => {
    const text = formatPlan(plan, { color: false });
    expect(text).toBe(
      [
        'Drift: 1 field(s) changed outside logto-iac since the last apply',
        '  ~ drift  Role.admin  id r1',
        '             description: live "hacked" ≠ applied "Admins"',
        '',
        'logto-iac will perform these actions:',
        '  - delete   Role.old-admin         (id old1)',
        '  - delete   ApplicationSecret[s9]  (id s9)',
        '-/+ replace  Application.web        id a1',
        '             replaced because type changed from "SPA" to "Traditional" (immutable)',
        '             type: "SPA" → "Traditional"',
        '  + create   Hook.audit',
        '             headers: (sensitive)',
        '             name:    "Audit"',
        '  ~ update   Role.admin             id r1',
        '             description: "hacked" → "Admins" (drift)',
        '             scopeIds:    + "b", - "a"',
        '',
        'Plan: 1 to create, 1 to update, 1 to replace, 2 to delete, 1 drifted field(s).',
        '',
      ].join('\n'),
    );
  });

  it('colours only when asked, and says so when nothing changes', () => {
    expect(formatPlan(plan, { color: true })).toContain('\u001b[31m');
    expect(formatPlan(plan, { color: false })).not.toContain('\u001b[');
    const empty: Plan = {
      ...plan,
      drift: [],
      changes: [plan.changes[1]!],
      summary: { create: 0, update: 0, replace: 0, delete: 0, noop: 1, drift: 0 },
    };
    expect(formatPlan(empty, { color: false })).toBe('No changes. The live tenant matches the tenant files.\n');
  });
});

describe('drift report', () => {
  it('combines recorded drift with live ≠ file differences of existing objects, and missing objects', () => {
    const report = driftReport(plan);
    expect(report.entries.map((e) => `${e.address} ${e.field}`)).toEqual([
      'Role.admin description',
      'Role.admin scopeIds',
      'Application.web type',
      'Hook.audit (object)',
    ]);
    const text = formatDrift(report, { color: false });
    expect(text).toContain('description: live "hacked" ≠ file "Admins"');
    expect(text).toContain('(object):   live "missing" ≠ file "exists"'.replace('(object):   ', '(object): '));
  });
});

describe('values not known until apply', () => {
  const createPlan = (changes: Plan['changes'][number]['changes']): Plan => ({
    formatVersion: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    liveFingerprint: 'sha256:00',
    summary: { create: 1, update: 0, replace: 0, delete: 0, noop: 0, drift: 0 },
    drift: [],
    changes: [{ address: 'Role.reader', kind: 'Role', action: 'create', dependsOn: [], changes }],
  });

  it('shows a set of ids that are all unknown as (known after apply), not as a list of markers', () => {
    const text = formatPlan(
      createPlan([
        { field: 'name', before: null, after: 'reader' },
        { field: 'scopeIds', before: null, after: [UNKNOWN, UNKNOWN] },
      ]),
      { color: false },
    );
    expect(text).toContain('             scopeIds: (known after apply)\n');
    expect(text).not.toContain('"(known after apply)"');
    expect(text).not.toContain('[(known after apply)');
  });

  it('keeps the known members of a partly unknown list, and writes markers as words at any depth', () => {
    const text = formatPlan(
      createPlan([
        { field: 'scopeIds', before: null, after: ['s1', UNKNOWN] },
        { field: 'customData', before: null, after: { token: SENSITIVE, owner: 'ops' } },
      ]),
      { color: false },
    );
    expect(text).toContain('scopeIds:   ["s1",(known after apply)]\n');
    expect(text).toContain('customData: {"token":(sensitive),"owner":"ops"}\n');
    expect(formatValue([])).toBe('[]');
    expect(formatValue(UNKNOWN)).toBe(UNKNOWN);
  });

  it('in an update, an added member that is not created yet reads (known after apply)', () => {
    const plan: Plan = {
      ...createPlan([]),
      summary: { create: 0, update: 1, replace: 0, delete: 0, noop: 0, drift: 0 },
      changes: [
        {
          address: 'Role.reader',
          kind: 'Role',
          action: 'update',
          id: 'r1',
          dependsOn: [],
          changes: [{ field: 'scopeIds', before: ['s1'], after: ['s1', UNKNOWN], added: [UNKNOWN], removed: [] }],
        },
      ],
    };
    expect(formatPlan(plan, { color: false })).toContain('scopeIds: + (known after apply)\n');
  });
});
