/** `logto-iac graph` (issue 15, item 3): the tenant as a dependency graph in Mermaid, DOT and SVG. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

function tenant(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'logto-graph-')), 'tenant.yaml');
  writeFileSync(path, text);
  return path;
}

const SMALL = [
  'apiResources:',
  '  https://api.example.com:',
  '    name: API',
  '    scopes: { read: {} }',
  'roles:',
  '  bot: { type: MachineToMachine, description: Bots, scopes: [https://api.example.com/read] }',
  'applications:',
  '  worker: { type: MachineToMachine, roles: [bot] }',
].join('\n');

describe('graph', () => {
  it('draws objects grouped by kind, references as labelled edges, an app’s roles as edges from the app', async () => {
    const r = await cli(['graph', tenant(SMALL)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'flowchart LR',
        '  subgraph ApiResource',
        '    n0["https://api.example.com"]',
        '  end',
        '  subgraph ApiResourceScope',
        '    n1["read"]',
        '  end',
        '  subgraph Role',
        '    n2["bot"]',
        '  end',
        '  subgraph Application',
        '    n3["worker"]',
        '  end',
        '  n1 -->|resource| n0',
        '  n2 -->|scope| n1',
        '  n3 -->|roles| n2',
        '',
      ].join('\n'),
    );
    const dot = await cli(['graph', tenant(SMALL), '--format', 'dot']);
    expect(dot.stdout).toMatch(/^digraph tenant \{/);
    expect(dot.stdout).toContain('subgraph "cluster_Role" {');
    expect(dot.stdout).toContain('n3 -> n2 [label="roles"];');
  });

  it('colors a saved plan’s actions and draws what it deletes', async () => {
    const plan = {
      formatVersion: 1,
      changes: [
        { address: 'Role.bot', kind: 'Role', action: 'update', changes: [] },
        { address: 'Application.worker', kind: 'Application', action: 'create', changes: [] },
        { address: 'Role[r9]', kind: 'Role', action: 'delete', id: 'r9', changes: [] },
      ],
      drift: [],
    };
    const planFile = join(mkdtempSync(join(tmpdir(), 'logto-graph-plan-')), 'plan.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const r = await cli(['graph', tenant(SMALL), '--plan-file', planFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('    n4["Role[r9]"]');
    expect(r.stdout).toMatch(/classDef create fill:#d4f7dc,stroke:#1a7f37\n {2}class n3 create/);
    expect(r.stdout).toMatch(/class n2 update/);
    expect(r.stdout).toMatch(/class n4 delete/);
    // A legend says which colour is which action (only the actions the plan has).
    expect(r.stdout).toContain(
      '  subgraph legend [Plan]\n    legend_create["+ create"]\n    legend_update["~ update"]\n    legend_delete["- delete"]\n  end',
    );
    expect(r.stdout).not.toContain('legend_replace');
  });

  it('stays readable at hundreds of objects: a kind with more than --collapse objects is one node', async () => {
    const roles = Array.from(
      { length: 120 },
      (_, i) => `  r${i}: { description: R, scopes: [https://api.example.com/read] }`,
    );
    const big = [
      'apiResources:',
      '  https://api.example.com: { name: API, scopes: { read: {} } }',
      'roles:',
      ...roles,
    ].join('\n');
    const r = await cli(['graph', tenant(big)]);
    expect(r.stdout).toContain('    kind_Role["Role ×120"]');
    expect(r.stdout.match(/-->/g)).toHaveLength(2); // the roles' 120 scope edges become one
    const all = await cli(['graph', tenant(big), '--collapse', '0']);
    expect(all.stdout.match(/-->/g)).toHaveLength(121);
  });

  it('--svg renders the picture without an external binary; the README’s picture is the example’s graph', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'logto-graph-svg-')), 'tenant.svg');
    const r = await cli(['graph', 'examples/tenant.yaml', '--svg', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Wrote .*tenant\.svg: \d+ node\(s\), \d+ edge\(s\)\./);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/<svg[\s\S]*<\/svg>\s*$/);
    expect(svg).toContain('storefront');
    expect(svg).not.toContain('demo-'); // values, secrets included, are never drawn
    // Regenerate with: node bin/logto-iac.js graph examples/tenant.yaml --svg docs/images/tenant-graph.svg
    expect(readFileSync('docs/images/tenant-graph.svg', 'utf8')).toBe(svg);
    const bad = await cli(['graph', 'examples/tenant.yaml', '--format', 'png']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/graph writes mermaid or dot/);
  });
});
