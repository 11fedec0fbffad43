/**
 * A plan as a pull-request comment (`plan --format markdown`): a summary table with one row per tenant
 * (environment), then each object's changes in a collapsible block, drift marked, secrets as `(sensitive)`
 * (the plan is already redacted). GitHub refuses comments over 65,536 characters: past `maxChars` the
 * blocks that do not fit are left out and the comment says how many, pointing at the full plan.
 */
import type { FieldChange, Plan, PlannedChange } from '../../core/reconcile/types.js';
import { actionable, displayAddress, displayed, formatShown, formatValue } from './printer.js';

/** One tenant's plan, or why it could not be made. */
export interface PlanSection {
  name: string;
  plan?: Plan;
  error?: string;
  /** How to fix what failed. */
  fix?: string;
}

export interface MarkdownOptions {
  /** Length limit of the whole comment. Default 60,000 (GitHub's limit is 65,536). */
  maxChars?: number;
  /** Where the full plan is (a CI run or artifact URL), for the note when blocks are left out. */
  detailsUrl?: string;
}

const WORD: Record<string, string> = {
  create: '+ create',
  update: '~ update',
  replace: '-/+ replace',
  delete: '- delete',
};

/** Text safe inside an HTML `<code>` in a table cell. */
function code(text: string): string {
  const escaped = text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/\n/g, ' ');
  return `<code>${escaped}</code>`;
}

function counts(plan: Plan): string[] {
  const s = plan.summary;
  return [s.create, s.update, s.replace, s.delete, s.drift].map(String);
}

function summaryTable(sections: PlanSection[]): string[] {
  const lines = ['| Tenant | Create | Update | Replace | Delete | Drift |', '|---|--:|--:|--:|--:|--:|'];
  for (const section of sections) {
    const cells = section.plan ? counts(section.plan) : ['—', '—', '—', '—', '—'];
    const name = section.error ? `${code(section.name)} ⚠ failed` : code(section.name);
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  return lines;
}

function fieldRow(field: FieldChange, action: string, drifted: boolean): string {
  const shown = displayed(field);
  const before = action === 'create' ? '' : code(shown.before);
  const after = code(shown.after);
  return `| ${code(field.field)}${drifted ? ' **drift**' : ''} | ${before} | ${after} |`;
}

/** One object's collapsible block. */
function objectBlock(plan: Plan, change: PlannedChange): string {
  const drifted = new Set(plan.drift.filter((d) => d.address === change.address).map((d) => d.field));
  const marks = drifted.size > 0 ? ' — <b>drift</b>' : '';
  const lines = [
    `<details><summary>${code(WORD[change.action] ?? change.action)} ${code(displayAddress(change))}${marks}</summary>`,
    '',
  ];
  if (change.action === 'replace' && change.reason) lines.push(`Replaced because ${change.reason}.`, '');
  if (change.action === 'delete') lines.push(`Deletes${change.id ? ` id ${code(change.id)}` : ''}.`, '');
  else if (change.changes.length > 0) {
    lines.push('| Field | Before | After |', '|---|---|---|');
    for (const field of change.changes) lines.push(fieldRow(field, change.action, drifted.has(field.field)));
    lines.push('');
  }
  lines.push('</details>');
  return lines.join('\n');
}

/** Drift on objects the plan does not change (recorded for review, nothing to apply). */
function driftOnlyBlock(plan: Plan, changed: Set<string>): string | undefined {
  const rest = plan.drift.filter((d) => !changed.has(d.address));
  if (rest.length === 0) return undefined;
  const lines = ['<details><summary><b>Drift</b> outside the planned changes</summary>', ''];
  lines.push('| Object | Field | Expected | Live |', '|---|---|---|---|');
  for (const d of rest)
    lines.push(
      `| ${code(d.address)} | ${code(d.field)} | ${code(d.shown ? formatShown(d.shown.expected ?? d.expected) : formatValue(d.expected))} | ${code(d.shown ? formatShown(d.shown.live ?? d.live) : formatValue(d.live))} |`,
    );
  lines.push('', '</details>');
  return lines.join('\n');
}

export function formatPlanMarkdown(sections: PlanSection[], options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? 60_000;
  const head = ['### logto-iac plan', '', ...summaryTable(sections), ''];
  const blocks: { section: string; text: string }[] = [];
  for (const section of sections) {
    if (section.error) {
      blocks.push({
        section: section.name,
        text: `#### ${code(section.name)}\n\nThe plan failed: ${code(section.error)}${section.fix ? `\n\nFix: ${code(section.fix)}` : ''}`,
      });
      continue;
    }
    const plan = section.plan!;
    const changes = actionable(plan);
    const drift = driftOnlyBlock(plan, new Set(changes.map((c) => c.address)));
    const title = `#### ${code(section.name)}`;
    if (changes.length === 0 && !drift) {
      blocks.push({ section: section.name, text: `${title}\n\nNo changes.` });
      continue;
    }
    blocks.push({ section: section.name, text: title });
    for (const change of changes) blocks.push({ section: section.name, text: objectBlock(plan, change) });
    if (drift) blocks.push({ section: section.name, text: drift });
  }

  const where = options.detailsUrl ? `the full plan: ${options.detailsUrl}` : 'the full plan: `logto-iac plan --json`';
  const note = (left: number) =>
    `_${left} more block(s) are not shown to keep this comment under GitHub's size limit; ${where}._`;
  const out = [...head];
  let length = out.join('\n').length;
  const reserve = note(blocks.length).length + 2;
  for (let i = 0; i < blocks.length; i++) {
    const text = blocks[i]!.text;
    if (length + text.length + 2 + reserve > maxChars) {
      out.push(note(blocks.length - i));
      break;
    }
    out.push(text, '');
    length += text.length + 2;
  }
  return `${out.join('\n').trimEnd()}\n`;
}
