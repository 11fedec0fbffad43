/**
 * `logto-iac graph`: the tenant the files describe as its dependency graph — each object a node, each
 * reference an edge from the object to what it refers to (an application to its roles, a role to its scopes,
 * a scope to its API resource, an organization to its just-in-time roles and connectors…). Objects are
 * grouped by kind; a kind with more objects than `collapse` is drawn as one node with its count, so a
 * tenant of hundreds of objects stays readable. With a plan, nodes are colored by action (and objects the
 * plan deletes are drawn too). Mermaid and DOT are text; SVG is rendered from the DOT by Graphviz compiled
 * to WebAssembly (`@viz-js/viz`), with no external binary.
 */
import { isRef, refsOf } from '../reconcile/graph.js';
import type { Action, DesiredObject, Plan } from '../reconcile/types.js';

export interface GraphNode {
  id: string;
  kind: string;
  label: string;
  action?: Action;
  /** Objects this node stands for (more than one for a collapsed kind). */
  count: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  label: string;
}

export interface TenantGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface GraphOptions {
  /** Kinds with more objects than this are one node. Default 25; 0 never collapses. */
  collapse?: number;
  plan?: Plan;
  /**
   * Kinds that only link their parent to other objects (an application's role assignment): drawn as edges
   * from the parent (labelled `label`) instead of nodes. `parent` and `field` are spec fields.
   */
  links?: Map<string, { parent: string; field: string; label: string }>;
  /** Child kinds' parent field (`ApiResourceScope` → `resourceId`): children are labelled by their own key. */
  parents?: Map<string, string>;
}

const COLORS: Record<Action, { fill: string; stroke: string }> = {
  create: { fill: '#d4f7dc', stroke: '#1a7f37' },
  update: { fill: '#fff4c2', stroke: '#9a6700' },
  replace: { fill: '#f5d9ff', stroke: '#8250df' },
  delete: { fill: '#ffd8d3', stroke: '#cf222e' },
  noop: { fill: '#f0f0f0', stroke: '#8c959f' },
};

/** Every reference in a spec, with the spec field it sits in. */
function fieldRefs(spec: Record<string, unknown>): { field: string; address: string }[] {
  return Object.entries(spec).flatMap(([field, value]) =>
    refsOf({ [field]: value }).map((address) => ({ field, address })),
  );
}

/** `Kind.key` → the key part. */
const keyOf = (address: string, kind: string) =>
  address.startsWith(`${kind}.`) ? address.slice(kind.length + 1) : address;

/** An object's key; a child's without its parent's (`read:orders`, not `https://api…/orders/read:orders`). */
function labelOf(o: { address: string; kind: string; spec: Record<string, unknown> }, parents?: Map<string, string>) {
  const key = keyOf(o.address, o.kind);
  const field = parents?.get(o.kind);
  const parent = field ? o.spec[field] : undefined;
  if (!isRef(parent)) return key;
  const parentKey = parent.$ref.slice(parent.$ref.indexOf('.') + 1);
  return key.startsWith(`${parentKey}/`) ? key.slice(parentKey.length + 1) : key;
}

export function buildGraph(desired: DesiredObject[], options: GraphOptions = {}): TenantGraph {
  const collapse = options.collapse ?? 25;
  const actions = new Map((options.plan?.changes ?? []).map((c) => [c.address, c.action]));
  const links = options.links ?? new Map();
  const all = desired.map((o) => ({ address: o.address, kind: o.kind, spec: o.spec ?? {} }));
  const objects = all.filter((o) => !links.has(o.kind));
  // Objects the plan deletes are not in the files: drawn without edges.
  for (const change of options.plan?.changes ?? [])
    if (change.action === 'delete') objects.push({ address: change.address, kind: change.kind, spec: {} });

  const perKind = new Map<string, number>();
  for (const o of objects) perKind.set(o.kind, (perKind.get(o.kind) ?? 0) + 1);
  const collapsed = (kind: string) => collapse > 0 && (perKind.get(kind) ?? 0) > collapse;

  const nodes = new Map<string, GraphNode>();
  const nodeOf = new Map<string, string>();
  let next = 0;
  for (const o of objects) {
    const groupId = `kind_${o.kind}`;
    if (collapsed(o.kind)) {
      nodeOf.set(o.address, groupId);
      const group = nodes.get(groupId) ?? { id: groupId, kind: o.kind, label: o.kind, count: 0 };
      group.count++;
      nodes.set(groupId, group);
      continue;
    }
    const id = `n${next++}`;
    nodeOf.set(o.address, id);
    const action = actions.get(o.address);
    nodes.set(id, { id, kind: o.kind, label: labelOf(o, options.parents), count: 1, ...(action ? { action } : {}) });
  }
  // A collapsed kind takes the "strongest" action of its objects.
  const rank: Action[] = ['delete', 'replace', 'create', 'update', 'noop'];
  for (const o of objects) {
    const id = nodeOf.get(o.address)!;
    const node = nodes.get(id)!;
    const action = actions.get(o.address);
    if (node.count > 1 && action && (!node.action || rank.indexOf(action) < rank.indexOf(node.action)))
      node.action = action;
  }

  const edges = new Map<string, GraphEdge>();
  for (const o of objects) {
    const from = nodeOf.get(o.address)!;
    for (const { field, address } of fieldRefs(o.spec)) {
      const to = nodeOf.get(address);
      if (!to || to === from) continue;
      const label = field.replace(/Ids?$/, '');
      edges.set(`${from}>${to}>${label}`, { from, to, label });
    }
  }
  for (const o of all) {
    const link = links.get(o.kind);
    if (!link) continue;
    const parent = o.spec[link.parent];
    const from = isRef(parent) ? nodeOf.get(parent.$ref) : undefined;
    if (!from) continue;
    for (const address of refsOf({ [link.field]: o.spec[link.field] })) {
      const to = nodeOf.get(address);
      if (to && to !== from) edges.set(`${from}>${to}>${link.label}`, { from, to, label: link.label });
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

const byKind = (graph: TenantGraph) => {
  const groups = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) groups.set(node.kind, [...(groups.get(node.kind) ?? []), node]);
  return groups;
};

const nodeText = (node: GraphNode) => (node.count > 1 ? `${node.kind} ×${node.count}` : node.label);

/** Mermaid (`flowchart LR`), one subgraph per kind; GitHub renders it in Markdown. */
export function toMermaid(graph: TenantGraph): string {
  const quote = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;
  const lines = ['flowchart LR'];
  for (const [kind, nodes] of byKind(graph)) {
    lines.push(`  subgraph ${kind}`);
    for (const node of nodes) lines.push(`    ${node.id}[${quote(nodeText(node))}]`);
    lines.push('  end');
  }
  for (const edge of graph.edges) lines.push(`  ${edge.from} -->|${edge.label}| ${edge.to}`);
  for (const [action, color] of Object.entries(COLORS)) {
    const ids = graph.nodes.filter((n) => n.action === action).map((n) => n.id);
    if (ids.length === 0) continue;
    lines.push(`  classDef ${action} fill:${color.fill},stroke:${color.stroke}`);
    lines.push(`  class ${ids.join(',')} ${action}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Graphviz DOT, one cluster per kind. */
export function toDot(graph: TenantGraph): string {
  const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = [
    'digraph tenant {',
    '  rankdir=LR;',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9, color="#8c959f"];',
  ];
  for (const [kind, nodes] of byKind(graph)) {
    lines.push(
      `  subgraph ${quote(`cluster_${kind}`)} {`,
      `    label=${quote(kind)}; style="rounded"; color="#d0d7de";`,
    );
    for (const node of nodes) {
      const color = node.action ? COLORS[node.action] : undefined;
      const style = color ? `, fillcolor=${quote(color.fill)}, color=${quote(color.stroke)}` : '';
      lines.push(`    ${node.id} [label=${quote(nodeText(node))}${style}];`);
    }
    lines.push('  }');
  }
  for (const edge of graph.edges) lines.push(`  ${edge.from} -> ${edge.to} [label=${quote(edge.label)}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** SVG rendered from the DOT (Graphviz in WebAssembly). */
export async function toSvg(graph: TenantGraph): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  return (await instance()).renderString(toDot(graph), { format: 'svg' });
}
