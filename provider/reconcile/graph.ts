/** References between desired objects, dependency order and a bounded-parallel graph runner. */
import type { Spec } from '../../resources/contract.js';
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
 */
export async function runGraph(
  nodes: string[],
  deps: Map<string, string[]>,
  concurrency: number,
  work: (node: string) => Promise<void>,
  onSkip: (node: string, because: string) => void,
): Promise<Map<string, NodeOutcome>> {
  const outcome = new Map<string, NodeOutcome>();
  const nodeSet = new Set(nodes);
  const pending = new Set(nodes);
  const running = new Set<Promise<void>>();
  const limit = Math.max(1, concurrency);
  for (;;) {
    let progressed = false;
    for (const node of [...pending]) {
      const d = (deps.get(node) ?? []).filter((x) => nodeSet.has(x));
      const bad = d.find((x) => outcome.get(x) === 'failed' || outcome.get(x) === 'skipped');
      if (bad) {
        pending.delete(node);
        outcome.set(node, 'skipped');
        onSkip(node, bad);
        progressed = true;
        continue;
      }
      if (running.size >= limit) continue;
      if (!d.every((x) => outcome.get(x) === 'ok')) continue;
      pending.delete(node);
      progressed = true;
      const p: Promise<void> = work(node).then(
        () => {
          outcome.set(node, 'ok');
        },
        () => {
          outcome.set(node, 'failed');
        },
      );
      const tracked = p.finally(() => running.delete(tracked));
      running.add(tracked);
    }
    if (pending.size === 0 && running.size === 0) break;
    if (!progressed) {
      if (running.size === 0) {
        // Only unreachable nodes remain (cycle): skip them.
        for (const node of pending) {
          outcome.set(node, 'skipped');
          onSkip(node, 'a dependency cycle');
        }
        break;
      }
      await Promise.race(running);
    }
  }
  return outcome;
}
