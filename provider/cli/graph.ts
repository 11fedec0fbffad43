/**
 * `logto-iac graph`: the tenant the files describe as its dependency graph — each object a node, each
 * reference an edge from the object to what it refers to (an application to its roles, a role to its scopes,
 * a scope to its API resource, an organization to its just-in-time roles and connectors…). Objects are
 * grouped by kind; a kind with more objects than `collapse` is drawn as one node with its count, so a
 * tenant of hundreds of objects stays readable. With a plan, nodes are colored by action (and objects the
 * plan deletes are drawn too). Mermaid and DOT are text; SVG is rendered from the DOT by Graphviz compiled
 * to WebAssembly (`@viz-js/viz`), with no external binary.
 */
import { isRef, refsOf } from '../../core/reconcile/graph.js';
import type { Action, DesiredObject, Plan } from '../../core/reconcile/types.js';

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

/** The plan's actions in words, in the order a legend lists them. */
const LEGEND: [Action, string][] = [
  ['create', '+ create'],
  ['update', '~ update'],
  ['replace', '-/+ replace'],
  ['delete', '- delete'],
  ['noop', 'no change'],
];

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
  // A plan-coloured graph says which colour is which action.
  const used = LEGEND.filter(([action]) => graph.nodes.some((n) => n.action === action));
  if (used.length > 0) {
    lines.push('  subgraph legend [Plan]');
    for (const [action, word] of used) lines.push(`    legend_${action}[${quote(word)}]`);
    lines.push('  end');
  }
  for (const [action, color] of Object.entries(COLORS)) {
    const ids = graph.nodes.filter((n) => n.action === action).map((n) => n.id);
    if (ids.length === 0) continue;
    lines.push(`  classDef ${action} fill:${color.fill},stroke:${color.stroke}`);
    lines.push(`  class ${ids.join(',')} ${action}`);
    lines.push(`  class legend_${action} ${action}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The picture's one font: Courier, whose every character is 0.6 em wide, so the box Graphviz sizes for a
 * label is the box any monospace font the viewer substitutes fills (no key runs out of its box).
 */
export const FONT = { name: 'Courier', size: 11, titleSize: 13, edgeSize: 9, em: 0.6 } as const;

/** Text safe in a Graphviz HTML-like label. */
const html = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Kinds none of whose nodes has an edge: tenant-wide settings and stand-alone objects. */
function standAloneKinds(graph: TenantGraph): Set<string> {
  const linked = new Set(graph.edges.flatMap((e) => [e.from, e.to]));
  const out = new Set<string>();
  for (const [kind, nodes] of byKind(graph)) if (nodes.every((n) => !linked.has(n.id))) out.add(kind);
  return out;
}

/** One kind's objects as a small table: its name, then a cell per object (coloured by the plan's action). */
function kindTable(kind: string, nodes: GraphNode[]): string {
  const rows = nodes.map((node) => {
    const color = node.action ? COLORS[node.action] : undefined;
    const fill = color ? ` BGCOLOR="${color.fill}" COLOR="${color.stroke}"` : ' COLOR="#57606a"';
    return `<TR><TD BORDER="1" STYLE="rounded"${fill} CELLPADDING="4">${html(nodeText(node))}</TD></TR>`;
  });
  return `<TABLE BORDER="0" CELLSPACING="4" CELLPADDING="0"><TR><TD><B>${html(kind)}</B></TD></TR>${rows.join('')}</TABLE>`;
}

/**
 * Graphviz DOT, one cluster per kind. Kinds with no references either way (the sign-in experience, token
 * settings, phrases, templates…) would each be a cluster stacked in one tall column: they share one compact
 * "Tenant-wide settings" grid instead. A plan-coloured graph has a legend of the colours it uses.
 */
export function toDot(graph: TenantGraph): string {
  const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const font = `fontname="${FONT.name}"`;
  const lines = [
    'digraph tenant {',
    `  rankdir=LR; ${font}; fontsize=${FONT.titleSize}; labeljust=l; nodesep=0.25; ranksep=0.6;`,
    `  node [shape=box, style="rounded,filled", fillcolor="#ffffff", ${font}, fontsize=${FONT.size}, margin="0.12,0.06"];`,
    `  edge [${font}, fontsize=${FONT.edgeSize}, color="#8c959f", fontcolor="#57606a"];`,
  ];
  const standAlone = standAloneKinds(graph);
  const groups = byKind(graph);
  for (const [kind, nodes] of groups) {
    if (standAlone.has(kind)) continue;
    // Graphviz does not widen a cluster for its title when ranks run left to right: the nodes are made at
    // least as wide as the title, so the title is never cut.
    const titleWidth = (kind.length * FONT.em * FONT.titleSize + 16) / 72;
    lines.push(
      `  subgraph ${quote(`cluster_${kind}`)} {`,
      `    label=${quote(kind)}; style="rounded"; color="#d0d7de";`,
    );
    for (const node of nodes) {
      const color = node.action ? COLORS[node.action] : undefined;
      const style = color ? `, fillcolor=${quote(color.fill)}, color=${quote(color.stroke)}` : '';
      lines.push(`    ${node.id} [label=${quote(nodeText(node))}, width=${titleWidth.toFixed(2)}${style}];`);
    }
    lines.push('  }');
  }
  const settings = [...groups].filter(([kind]) => standAlone.has(kind));
  if (settings.length > 0) {
    // A grid of at most four kinds a row; a row holds kinds with as many objects each (Graphviz stretches
    // the boxes of a shorter kind to its row's height).
    const columns = Math.min(4, settings.length);
    const rows: string[] = [];
    const bySize = new Map<number, [string, GraphNode[]][]>();
    for (const entry of settings) bySize.set(entry[1].length, [...(bySize.get(entry[1].length) ?? []), entry]);
    for (const size of [...bySize.keys()].sort((a, b) => b - a)) {
      const same = bySize.get(size)!.sort((a, b) => a[0].localeCompare(b[0]));
      for (let i = 0; i < same.length; i += columns)
        rows.push(
          `<TR>${same
            .slice(i, i + columns)
            .map(([kind, nodes]) => `<TD VALIGN="TOP" ALIGN="LEFT">${kindTable(kind, nodes)}</TD>`)
            .join('')}</TR>`,
        );
    }
    lines.push(
      `  settings [shape=plain, style="", label=<<TABLE BORDER="1" STYLE="rounded" COLOR="#d0d7de" CELLBORDER="0" CELLSPACING="6" CELLPADDING="2"><TR><TD COLSPAN="${columns}" ALIGN="LEFT"><FONT POINT-SIZE="${FONT.titleSize}">Tenant-wide settings and stand-alone objects</FONT></TD></TR>${rows.join('')}</TABLE>>];`,
    );
  }
  const used = LEGEND.filter(([action]) => graph.nodes.some((n) => n.action === action));
  if (used.length > 0) {
    const cells = used
      .map(
        ([action, word]) =>
          `<TD BORDER="1" STYLE="rounded" BGCOLOR="${COLORS[action].fill}" COLOR="${COLORS[action].stroke}" CELLPADDING="4">${html(word)}</TD>`,
      )
      .join('');
    lines.push(
      `  legend [shape=plain, style="", label=<<TABLE BORDER="1" STYLE="rounded" COLOR="#d0d7de" CELLBORDER="0" CELLSPACING="6"><TR><TD>Plan:</TD>${cells}</TR></TABLE>>];`,
    );
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
