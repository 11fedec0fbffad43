/** References between desired objects, dependency order and a bounded-parallel graph runner. */
import type { Spec } from '../contract.js';
import { type DesiredObject, type Ref, UNKNOWN } from './types.js';

export function isRef(value: unknown): value is Ref {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { $ref?: unknown }).$ref === 'string'
  );
}

/** Addresses a spec refers to (top-level fields and arrays of refs). */
export function refsOf(spec: Spec): string[] {
  const out = new Set<string>();
  for (const value of Object.values(spec)) {
    if (isRef(value)) out.add(value.$ref);
    else if (Array.isArray(value)) for (const item of value) if (isRef(item)) out.add(item.$ref);
  }
  return [...out];
}

/** Replace refs by values from `lookup`; unknown values become `(known after apply)`. */
export function resolveRefs(spec: Spec, lookup: (ref: Ref) => unknown): Spec {
  const resolve = (ref: Ref) => {
    const value = lookup(ref);
    return value === undefined ? UNKNOWN : value;
  };
  const out: Spec = {};
  for (const [key, value] of Object.entries(spec)) {
    if (isRef(value)) out[key] = resolve(value);
    else if (Array.isArray(value)) out[key] = value.map((item) => (isRef(item) ? resolve(item) : item));
    else out[key] = value;
  }
  return out;
}

/** Replace refs with a placeholder of the right type so the schema can check the rest of the spec. */
export function placeholderRefs(spec: Spec): Spec {
  return resolveRefs(spec, () => 'placeholderref0000000');
}

export function hasUnknown(spec: Spec): boolean {
  return Object.values(spec).some((v) => v === UNKNOWN || (Array.isArray(v) && v.includes(UNKNOWN)));
}

/** Addresses in dependency order (Kahn); throws on a cycle, naming its members. */
export function topoOrder(objects: DesiredObject[], deps: Map<string, string[]>): string[] {
  const remaining = new Map(objects.map((o) => [o.address, new Set(deps.get(o.address) ?? [])]));
  const order: string[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining].filter(([, d]) => [...d].every((x) => !remaining.has(x))).map(([a]) => a);
    if (ready.length === 0) throw new Error(`Reference cycle between ${[...remaining.keys()].join(', ')}`);
    for (const address of ready.sort()) {
      order.push(address);
      remaining.delete(address);
    }
  }
  return order;
}

export type NodeOutcome = 'ok' | 'failed' | 'skipped';

/**
 * Run `work` for every node once all its dependencies finished, at most `concurrency` at a time. A node
 * whose dependency failed or was skipped is skipped (reported through `onSkip`).
 *
 * Event-driven: each node counts its unfinished dependencies and a finished node releases its dependents,
 * so scheduling costs O(nodes + edges). (Rescanning every pending node after each completion was
 * quadratic: ~0.3 s of pure scheduling for 1,000 objects, ~11 s for 5,000.)
 */
export async function runGraph(
  nodes: string[],
  deps: Map<string, string[]>,
  concurrency: number,
  work: (node: string) => Promise<void>,
  onSkip: (node: string, because: string) => void,
): Promise<Map<string, NodeOutcome>> {
  const outcome = new Map<string, NodeOutcome>();
  const known = new Set(nodes);
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const node of nodes) {
    const d = [...new Set((deps.get(node) ?? []).filter((x) => known.has(x)))];
    waiting.set(node, d.length);
    for (const x of d) {
      const list = dependents.get(x);
      if (list) list.push(node);
      else dependents.set(x, [node]);
    }
  }
  // Nodes start in the order given (a topological order) as they become ready.
  const ready = nodes.filter((n) => waiting.get(n) === 0);
  const limit = Math.max(1, concurrency);
  let running = 0;
  const skip = (node: string, because: string): void => {
    if (outcome.has(node)) return;
    outcome.set(node, 'skipped');
    onSkip(node, because);
    for (const next of dependents.get(node) ?? []) skip(next, node);
  };
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (running < limit && ready.length > 0) {
        const node = ready.shift()!;
        if (outcome.has(node)) continue;
        running++;
        work(node)
          .then(
            (): NodeOutcome => 'ok',
            (): NodeOutcome => 'failed',
          )
          .then((result) => {
            running--;
            outcome.set(node, result);
            for (const next of dependents.get(node) ?? []) {
              if (result !== 'ok') skip(next, node);
              else {
                const left = (waiting.get(next) ?? 1) - 1;
                waiting.set(next, left);
                if (left === 0 && !outcome.has(next)) ready.push(next);
              }
            }
            pump();
          });
      }
      if (running === 0 && ready.length === 0) {
        // Only unreachable nodes remain (cycle): skip them.
        for (const node of nodes) if (!outcome.has(node)) skip(node, 'a dependency cycle');
        resolve();
      }
    };
    pump();
  });
  return outcome;
}
