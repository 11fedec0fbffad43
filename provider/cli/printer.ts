/**
 * Plan, drift and apply summaries as text, in the way `terraform plan` users read them: one line per object
 * with its action symbol (`+` create, `~` update, `-/+` replace, `-` delete), field changes aligned under it
 * (`before → after`), secrets as `(sensitive)`, deletes listed first, drift in its own block before the
 * changes. Colours only when the output is a terminal (and NO_COLOR is unset).
 */
import type { ApplyResult, DriftEntry, FieldChange, Plan, PlannedChange } from '../../core/reconcile/types.js';
import { SENSITIVE, UNKNOWN } from '../../core/reconcile/types.js';
import { type Problem, sortProblems } from './source.js';

export interface Style {
  color: boolean;
}

const CODES = {
  green: [32, 39],
  yellow: [33, 39],
  red: [31, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  bold: [1, 22],
  dim: [2, 22],
} as const;
export type Paint = keyof typeof CODES;

export function paint(style: Style, color: Paint, text: string): string {
  if (!style.color) return text;
  const [open, close] = CODES[color];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

export function colorFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return { color: false };
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return { color: true };
  return { color: stream.isTTY === true };
}

const SYMBOL: Record<string, { symbol: string; word: string; color: Paint }> = {
  delete: { symbol: '-', word: 'delete', color: 'red' },
  replace: { symbol: '-/+', word: 'replace', color: 'magenta' },
  create: { symbol: '+', word: 'create', color: 'green' },
  update: { symbol: '~', word: 'update', color: 'yellow' },
};

const ORDER: Record<string, number> = { delete: 0, replace: 1, create: 2, update: 3, noop: 4 };

/** A value not known before apply: the marker itself, or a non-empty list of nothing but markers. */
function whollyUnknown(value: unknown): boolean {
  return value === UNKNOWN || (Array.isArray(value) && value.length > 0 && value.every((v) => v === UNKNOWN));
}

/** JSON, except that the SENSITIVE and UNKNOWN markers are written as words (unquoted) at any depth. */
function render(value: unknown): string {
  if (value === SENSITIVE || value === UNKNOWN) return value;
  if (Array.isArray(value)) return `[${value.map((v) => render(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${render(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

/**
 * A value as the plan shows it: JSON, but secrets and unknowns in words. A list whose members are all unknown
 * until apply (the ids of objects still to be created) is `(known after apply)` as a whole; a list with some
 * known members keeps them: `["r1",(known after apply)]`.
 */
export function formatValue(value: unknown, max = 200): string {
  if (value === undefined) return '(unset)';
  if (whollyUnknown(value)) return UNKNOWN;
  const text = render(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A reference field's value as `shown` gives it (`ApiResourceScope https://x/read:orders`): names without
 * JSON quotes, lists in brackets.
 */
export function formatShown(value: unknown, max = 400): string {
  if (value === undefined) return '(unset)';
  const text = Array.isArray(value)
    ? `[${value.map((v) => formatShown(v, Infinity)).join(', ')}]`
    : typeof value === 'string'
      ? value
      : formatValue(value, Infinity);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A field change's values as people read them: a reference field's `shown` values, else the raw ones. */
export function displayed(change: FieldChange): {
  before: string;
  after: string;
  added: string[];
  removed: string[];
} {
  const shown = change.shown;
  if (shown)
    return {
      before: formatShown(shown.before ?? change.before),
      after: whollyUnknown(change.after) && shown.after === undefined ? UNKNOWN : formatShown(shown.after),
      added: (shown.added ?? []).map((v) => formatShown(v)),
      removed: (shown.removed ?? []).map((v) => formatShown(v)),
    };
  return {
    before: formatValue(change.before),
    after: whollyUnknown(change.after) ? UNKNOWN : formatValue(change.after),
    added: (change.added ?? []).map((v) => formatValue(v)),
    removed: (change.removed ?? []).map((v) => formatValue(v)),
  };
}

function fieldLine(style: Style, change: FieldChange, width: number, action: string, drifted: boolean): string {
  const name = `${change.field}:`.padEnd(width + 1);
  const shown = displayed(change);
  const tag = drifted ? ` ${paint(style, 'cyan', '(drift)')}` : '';
  if (change.sensitive) {
    const what = action === 'create' ? SENSITIVE : `${SENSITIVE} → ${SENSITIVE}`;
    return `${name} ${paint(style, 'dim', what)}${tag}`;
  }
  if ((change.added?.length ?? 0) + (change.removed?.length ?? 0) > 0 && action !== 'create') {
    const parts = [
      ...shown.added.map((v) => paint(style, 'green', `+ ${v}`)),
      ...shown.removed.map((v) => paint(style, 'red', `- ${v}`)),
    ];
    return `${name} ${parts.join(', ')}${tag}`;
  }
  const after = shown.after === UNKNOWN ? paint(style, 'dim', UNKNOWN) : shown.after;
  if (action === 'create') return `${name} ${after}`;
  return `${name} ${shown.before} ${paint(style, 'dim', '→')} ${after}${tag}`;
}

/** A drift entry's value as people read it. */
function driftValue(
  entry: { shown?: { expected?: unknown; live?: unknown } },
  which: 'expected' | 'live',
  value: unknown,
) {
  return entry.shown ? formatShown(entry.shown[which] ?? value) : formatValue(value);
}

function driftBlock(style: Style, drift: DriftEntry[]): string[] {
  if (drift.length === 0) return [];
  const lines = [
    paint(style, 'bold', `Drift: ${drift.length} field(s) changed outside logto-iac since the last apply`),
  ];
  const byAddress = groupBy(drift, (d) => d.address);
  for (const [address, entries] of byAddress) {
    lines.push(
      `  ${paint(style, 'cyan', '~ drift')}  ${paint(style, 'bold', address)}  ${paint(style, 'dim', `id ${entries[0]!.id}`)}`,
    );
    const width = Math.max(...entries.map((e) => e.field.length));
    for (const e of entries) {
      const name = `${e.field}:`.padEnd(width + 1);
      const value = e.sensitive
        ? `${SENSITIVE} (changed)`
        : `live ${driftValue(e, 'live', e.live)} ${paint(style, 'dim', '≠')} applied ${driftValue(e, 'expected', e.expected)}`;
      lines.push(`             ${name} ${value}`);
    }
  }
  lines.push('');
  return lines;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Changes that do something, deletes first, then replace, create, update (stable within a group). */
export function actionable(plan: Plan): PlannedChange[] {
  return plan.changes
    .map((change, index) => ({ change, index }))
    .filter(({ change }) => change.action !== 'noop')
    .sort((a, b) => (ORDER[a.change.action] ?? 9) - (ORDER[b.change.action] ?? 9) || a.index - b.index)
    .map(({ change }) => change);
}

export function hasChanges(plan: Plan): boolean {
  return plan.drift.length > 0 || plan.changes.some((c) => c.action !== 'noop');
}

export function formatPlan(plan: Plan, style: Style): string {
  const lines: string[] = [];
  lines.push(...driftBlock(style, plan.drift));
  const changes = actionable(plan);
  if (changes.length === 0) {
    lines.push(
      paint(
        style,
        'green',
        plan.drift.length > 0
          ? 'No changes planned, but the tenant drifted (see above).'
          : 'No changes. The live tenant matches the tenant files.',
      ),
    );
    return `${lines.join('\n')}\n`;
  }
  const drifted = new Set(plan.drift.map((d) => `${d.address}\u0000${d.field}`));
  lines.push(paint(style, 'bold', 'logto-iac will perform these actions:'));
  const addrWidth = Math.min(60, Math.max(...changes.map((c) => displayAddress(c).length)));
  for (const change of changes) {
    const s = SYMBOL[change.action]!;
    const address = displayAddress(change);
    const head = `${paint(style, s.color, s.symbol.padStart(3))} ${paint(style, s.color, s.word.padEnd(7))}  ${paint(style, 'bold', address)}`;
    const notes: string[] = [];
    if (change.id) {
      if (change.action === 'delete') notes.push(`(id ${change.id})`);
      else notes.push(change.adopted ? `adopts existing id ${change.id}` : `id ${change.id}`);
    }
    const pad = ' '.repeat(Math.max(0, addrWidth - address.length));
    lines.push(notes.length > 0 ? `${head}${pad}  ${paint(style, 'dim', notes.join(', '))}` : head);
    if (change.action === 'replace' && change.reason)
      lines.push(`             ${paint(style, 'magenta', `replaced because ${change.reason}`)}`);
    if (change.action === 'delete') continue;
    const width = Math.max(0, ...change.changes.map((c) => c.field.length));
    for (const field of change.changes) {
      lines.push(
        `             ${fieldLine(style, field, width, change.action, drifted.has(`${change.address}\u0000${field.field}`))}`,
      );
    }
  }
  lines.push('');
  lines.push(summaryLine(plan, style));
  return `${lines.join('\n')}\n`;
}

/**
 * How an object is named in the plan: its address, except for a delete the files do not name (`Role[<id>]`),
 * which shows as `Role.<key>` when the reconciler knows the live object's key or name.
 */
export function displayAddress(change: PlannedChange): string {
  if (change.action === 'delete' && change.key && change.address === `${change.kind}[${change.id}]`)
    return `${change.kind}.${change.key}`;
  return change.address;
}

export function summaryLine(plan: Plan, style: Style): string {
  const s = plan.summary;
  const parts = [
    paint(style, 'green', `${s.create} to create`),
    paint(style, 'yellow', `${s.update} to update`),
    paint(style, 'magenta', `${s.replace} to replace`),
    paint(style, 'red', `${s.delete} to delete`),
  ];
  const drift = s.drift > 0 ? `, ${paint(style, 'cyan', `${s.drift} drifted field(s)`)}` : '';
  return `${paint(style, 'bold', 'Plan:')} ${parts.join(', ')}${drift}.`;
}

/** `drift` command: live ≠ files on managed fields (recorded drift, updates and replaces, missing objects). */
export interface DriftReport {
  entries: {
    address: string;
    kind: string;
    id?: string;
    field: string;
    live: unknown;
    expected: unknown;
    sensitive?: boolean;
    /** Reference fields: the values with ids as the objects they point at. */
    shown?: { expected?: unknown; live?: unknown };
  }[];
}

export function driftReport(plan: Plan): DriftReport {
  const entries: DriftReport['entries'] = [];
  const seen = new Set<string>();
  for (const d of plan.drift) {
    seen.add(`${d.address}\u0000${d.field}`);
    entries.push({
      address: d.address,
      kind: d.kind,
      id: d.id,
      field: d.field,
      live: d.live,
      expected: d.expected,
      ...(d.sensitive ? { sensitive: true } : {}),
      ...(d.shown ? { shown: d.shown } : {}),
    });
  }
  for (const change of plan.changes) {
    if (change.action === 'create' && !change.id) {
      // Present in the files, absent from the tenant.
      entries.push({
        address: change.address,
        kind: change.kind,
        field: '(object)',
        live: 'missing',
        expected: 'exists',
      });
      continue;
    }
    if (change.action !== 'update' && change.action !== 'replace') continue;
    for (const f of change.changes) {
      if (seen.has(`${change.address}\u0000${f.field}`)) continue;
      entries.push({
        address: change.address,
        kind: change.kind,
        id: change.id,
        field: f.field,
        live: f.before,
        expected: f.after,
        ...(f.sensitive ? { sensitive: true } : {}),
        ...(f.shown ? { shown: { live: f.shown.before, expected: f.shown.after } } : {}),
      });
    }
  }
  return { entries };
}

export function formatDrift(report: DriftReport, style: Style): string {
  if (report.entries.length === 0)
    return `${paint(style, 'green', 'No drift. The live tenant matches the tenant files.')}\n`;
  const lines = [
    paint(style, 'bold', `Drift: ${report.entries.length} difference(s) between the live tenant and the files`),
  ];
  for (const [address, entries] of groupBy(report.entries, (e) => e.address)) {
    const id = entries[0]!.id;
    lines.push(
      `  ${paint(style, 'cyan', '~ drift')}  ${paint(style, 'bold', address)}${id ? `  ${paint(style, 'dim', `id ${id}`)}` : ''}`,
    );
    const width = Math.max(...entries.map((e) => e.field.length));
    for (const e of entries) {
      const name = `${e.field}:`.padEnd(width + 1);
      const value = e.sensitive
        ? `${SENSITIVE} (differs)`
        : `live ${driftValue(e, 'live', e.live)} ${paint(style, 'dim', '≠')} file ${driftValue(e, 'expected', e.expected)}`;
      lines.push(`             ${name} ${value}`);
    }
  }
  lines.push('', `Run ${paint(style, 'bold', 'logto-iac apply')} to restore the files' values.`);
  return `${lines.join('\n')}\n`;
}

export function formatApplySummary(result: ApplyResult, style: Style): string {
  const s = result.summary;
  const lines: string[] = [];
  for (const r of result.results) {
    if (r.status === 'failed')
      lines.push(`${paint(style, 'red', '✗ failed')}  ${r.address} (${r.action}): ${r.error ?? 'unknown error'}`);
    else if (r.note) lines.push(`${paint(style, 'yellow', 'note')}  ${r.address}: ${r.note}`);
  }
  const skipped = s.skipped > 0 ? `, ${s.skipped} skipped` : '';
  const head =
    s.failed > 0 ? paint(style, 'red', 'Apply finished with errors:') : paint(style, 'green', 'Apply complete!');
  lines.push(
    `${paint(style, 'bold', head)} ${s.created} created, ${s.updated} updated, ${s.replaced} replaced, ${s.deleted} deleted, ${s.failed} failed${skipped}.`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatProblems(problems: Problem[], style: Style, cwd = process.cwd()): string {
  const lines: string[] = [];
  for (const p of sortProblems(problems)) {
    const file = p.file ? (p.file.startsWith(`${cwd}/`) ? p.file.slice(cwd.length + 1) : p.file) : '';
    const where = [
      file,
      p.line !== undefined ? String(p.line) : undefined,
      p.line !== undefined && p.column !== undefined ? String(p.column) : undefined,
    ]
      .filter(Boolean)
      .join(':');
    const label = p.severity === 'error' ? paint(style, 'red', 'error') : paint(style, 'yellow', 'warning');
    lines.push(
      `${label}: ${where ? `${where}: ` : ''}${p.field ? `${paint(style, 'bold', p.field)}: ` : ''}${p.message}`,
    );
    if (p.fix) lines.push(`  ${paint(style, 'dim', 'fix:')} ${p.fix}`);
  }
  return `${lines.join('\n')}\n`;
}
