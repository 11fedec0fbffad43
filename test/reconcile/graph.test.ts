import { describe, expect, it } from 'vitest';
import { refsOf, resolveRefs, runGraph, topoOrder } from '../../core/reconcile/graph.js';
import { UNKNOWN } from '../../core/reconcile/index.js';

describe('references and ordering', () => {
  it('collects and resolves refs in fields and arrays', () => {
    const spec = { a: { $ref: 'X.a' }, b: [{ $ref: 'X.b' }, 'lit'], c: 1 };
    expect(refsOf(spec).sort()).toEqual(['X.a', 'X.b']);
    expect(resolveRefs(spec, (r) => (r.$ref === 'X.a' ? 'id-a' : undefined))).toEqual({
      a: 'id-a',
      b: [UNKNOWN, 'lit'],
      c: 1,
    });
  });

  it('orders dependencies first and names a cycle', () => {
    const objs = ['A', 'B', 'C'].map((address) => ({ address, kind: 'K', spec: {} }));
    expect(
      topoOrder(
        objs,
        new Map([
          ['A', ['B']],
          ['B', ['C']],
        ]),
      ),
    ).toEqual(['C', 'B', 'A']);
    expect(() =>
      topoOrder(
        objs,
        new Map([
          ['A', ['B']],
          ['B', ['A']],
        ]),
      ),
    ).toThrow(/cycle between A, B/);
  });

  it('runs with bounded parallelism, after dependencies, and skips dependents of failures', async () => {
    let running = 0;
    let peak = 0;
    const order: string[] = [];
    const skipped: string[] = [];
    const nodes = ['a', 'b', 'c', 'd', 'e', 'f'];
    const deps = new Map([
      ['f', ['a', 'e']],
      ['e', ['d']],
    ]);
    const outcome = await runGraph(
      nodes,
      deps,
      2,
      async (n) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setImmediate(r));
        running--;
        order.push(n);
        if (n === 'd') throw new Error('boom');
      },
      (n) => skipped.push(n),
    );
    expect(peak).toBe(2);
    expect(outcome.get('d')).toBe('failed');
    expect(skipped.sort()).toEqual(['e', 'f']);
    expect(order).not.toContain('e');
  });
});
