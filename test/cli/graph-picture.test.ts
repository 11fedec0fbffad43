/**
 * The tenant picture as a person sees it (`graph --svg`): every label inside its box and inside the canvas,
 * one font, the stand-alone kinds in one compact group instead of a tall column, and a legend when a plan
 * colours it. The check reads the SVG Graphviz wrote: a label's width is its characters × 0.6 em, exact for
 * the monospace font the picture uses (Courier, or the viewer's monospace), so no browser is needed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FONT } from '../../provider/cli/graph.js';
import { cli, ensureBuilt, ROOT } from './helpers.js';

interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

interface Label {
  text: string;
  box: Box;
  font: string;
}

interface Group {
  id: string;
  kind: string;
  shapes: Box[];
  labels: Label[];
}

const decode = (text: string) =>
  text
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** The bounding box of a list of numbers read as x,y pairs. */
function boxOf(numbers: number[]): Box {
  const xs = numbers.filter((_, i) => i % 2 === 0);
  const ys = numbers.filter((_, i) => i % 2 === 1);
  return { x1: Math.min(...xs), y1: Math.min(...ys), x2: Math.max(...xs), y2: Math.max(...ys) };
}

const numbersIn = (text: string) => [...text.matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));

/** Every node, cluster and edge group of a Graphviz SVG, with its shapes and its texts' extents. */
function parse(svg: string): { canvas: Box; groups: Group[] } {
  const background = /<polygon fill="white" stroke="none" points="([^"]+)"/.exec(svg);
  if (!background) throw new Error('no canvas polygon');
  const canvas = boxOf(numbersIn(background[1]!));
  const groups: Group[] = [];
  for (const part of svg.split(/<g id="/).slice(1)) {
    const head = /^([^"]+)" class="(\w+)"/.exec(part);
    if (!head) continue;
    const body = part.slice(0, part.indexOf('</g>'));
    const shapes = [
      ...[...body.matchAll(/<polygon[^>]* points="([^"]+)"/g)].map((m) => boxOf(numbersIn(m[1]!))),
      ...[...body.matchAll(/<path[^>]* d="([^"]+)"/g)].map((m) => boxOf(numbersIn(m[1]!))),
    ];
    const labels: Label[] = [];
    for (const m of body.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)) {
      const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(m[1]!)?.[1];
      const text = decode(m[2]!);
      const size = Number(attr('font-size'));
      const x = Number(attr('x'));
      const y = Number(attr('y'));
      const width = text.length * FONT.em * size;
      const anchor = attr('text-anchor') ?? 'start';
      const x1 = anchor === 'middle' ? x - width / 2 : anchor === 'end' ? x - width : x;
      labels.push({
        text,
        font: attr('font-family') ?? '',
        box: { x1, x2: x1 + width, y1: y - 0.8 * size, y2: y + 0.2 * size },
      });
    }
    groups.push({ id: head[1]!, kind: head[2]!, shapes, labels });
  }
  return { canvas, groups };
}

const inside = (inner: Box, outer: Box, slack = 0.5) =>
  inner.x1 >= outer.x1 - slack &&
  inner.x2 <= outer.x2 + slack &&
  inner.y1 >= outer.y1 - slack &&
  inner.y2 <= outer.y2 + slack;

const area = (b: Box) => (b.x2 - b.x1) * (b.y2 - b.y1);

/** Where a picture's labels leave their boxes or the canvas, in words (empty: none). */
function overflows(svg: string): string[] {
  const { canvas, groups } = parse(svg);
  const out: string[] = [];
  for (const group of groups) {
    for (const label of group.labels) {
      if (!inside(label.box, canvas)) out.push(`${group.id}: "${label.text}" leaves the canvas`);
      if (group.kind === 'edge') continue;
      // The smallest shape of its group around the label's middle is its box (a node, a table cell, a cluster).
      const mid = { x: (label.box.x1 + label.box.x2) / 2, y: (label.box.y1 + label.box.y2) / 2 };
      const around = group.shapes
        .filter((s) => s.x1 <= mid.x && mid.x <= s.x2 && s.y1 <= mid.y && mid.y <= s.y2)
        .sort((a, b) => area(a) - area(b));
      // Titles of HTML tables sit in cells drawn without a border: the enclosing table is their box.
      if (!around.some((s) => inside(label.box, s))) out.push(`${group.id}: "${label.text}" overflows its box`);
    }
  }
  return out;
}

let dir: string;
let plain: string;
let coloured: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'logto-graph-picture-'));
  const planFile = join(dir, 'plan.json');
  const plan = await cli(['plan', 'examples/tenant.yaml', '--emulator', '--out', planFile]);
  expect(plan.code, plan.stderr).toBe(2);
  const r = await cli(['graph', 'examples/tenant.yaml', '--plan-file', planFile, '--svg', join(dir, 'plan.svg')]);
  expect(r.code, r.stderr).toBe(0);
  coloured = readFileSync(join(dir, 'plan.svg'), 'utf8');
  plain = readFileSync(join(ROOT, 'docs', 'images', 'tenant-graph.svg'), 'utf8');
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the tenant picture', () => {
  it('keeps every label inside its box and the canvas (the README’s picture and a plan-coloured one)', () => {
    for (const svg of [plain, coloured]) {
      const { groups } = parse(svg);
      expect(groups.flatMap((g) => g.labels).length).toBeGreaterThan(80);
      expect(overflows(svg)).toEqual([]);
    }
  });

  it('the check finds a label wider than its box, and one past the canvas', () => {
    const widened = plain.replace('>storefront</text>', '>storefront-with-a-much-longer-key-than-its-box</text>');
    expect(overflows(widened).some((line) => line.includes('overflows its box'))).toBe(true);
    const moved = plain.replace(/(<text[^>]*x=")[\d.-]+("[^>]*>OrganizationRole<\/text>)/, '$1-40$2');
    expect(overflows(moved).some((line) => line.includes('leaves the canvas'))).toBe(true);
  });

  it('uses one font, groups the stand-alone kinds, and has a legend only when a plan colours it', () => {
    for (const svg of [plain, coloured]) {
      const fonts = new Set(parse(svg).groups.flatMap((g) => g.labels.map((l) => l.font)));
      expect([...fonts]).toEqual(['Courier,monospace']);
    }
    const settings = parse(plain).groups.find((g) => g.labels.some((l) => l.text.startsWith('Tenant-wide settings')));
    const titles = settings?.labels.map((l) => l.text) ?? [];
    for (const kind of ['SignInExperience', 'OidcSessionConfig', 'IdTokenConfig', 'AccountCenter', 'Hook', 'Connector'])
      expect(titles).toContain(kind);
    // Compact: the group is wider than tall, not one column of eleven clusters.
    const box = settings!.shapes.sort((a, b) => area(b) - area(a))[0]!;
    expect(box.x2 - box.x1).toBeGreaterThan(box.y2 - box.y1);
    const legend = (svg: string) => parse(svg).groups.find((g) => g.labels.some((l) => l.text === 'Plan:'));
    expect(legend(plain)).toBeUndefined();
    expect(legend(coloured)?.labels.map((l) => l.text)).toEqual(['Plan:', '+ create', '~ update']);
  });
});
