/**
 * The documentation's connection settings agree with the one table the front ends are made from
 * (core/client/settings.ts): README.md's "Configuration" table row by row (variable, Terraform attribute
 * and its sensitivity, Pulumi config key and its secret-ness, CLI flag, meaning), the CLI README's
 * "Connecting" table (flag and variable) and the Pulumi README's `pulumi config set` lines. A setting added,
 * renamed or made secret in one place and not the other fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONNECTION_SETTINGS } from '../../core/client/settings.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The rows of the first markdown table under a heading, as trimmed cells (header and rule left out). */
function tableUnder(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  expect(start, `${heading} is missing`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows.slice(2);
}

describe('the connection settings in the docs', () => {
  it('README.md "Configuration" lists every setting as the settings table has it', () => {
    const expected = CONNECTION_SETTINGS.map((s) => [
      `\`${s.envDoc ?? s.env}\``,
      s.terraform ? `\`${s.terraform.name}\`${s.terraform.sensitive ? ' (sensitive)' : ''}` : '',
      s.pulumi ? `\`logto:${s.pulumi.key}\`${s.pulumi.secret ? ' (secret)' : ''}` : '',
      s.cli ? `\`--${s.cli.flag}\`` : '',
      s.doc ?? '',
    ]);
    expect(tableUnder(read('README.md'), '## Configuration')).toEqual(expected);
  });

  it("the CLI README's connection flags are the settings' flags, with their variables", () => {
    const documented = tableUnder(read('provider/cli/README.md'), '## Connecting')
      .filter(([, env]) => env !== '')
      .map(([flag, env]) => [flag, env]);
    const expected = CONNECTION_SETTINGS.filter((s) => s.cli?.arg).map((s) => [`\`--${s.cli!.flag}\``, `\`${s.env}\``]);
    expect(documented).toEqual(expected);
  });

  it("the Pulumi README sets every config key, secrets with --secret, and names each key's variable", () => {
    const readme = read('provider/pulumi/README.md');
    for (const s of CONNECTION_SETTINGS.filter((setting) => setting.pulumi)) {
      const key = `logto:${s.pulumi!.key}`;
      const set = readme
        .split('\n')
        .find((line) => line.includes(`pulumi config set ${key} `) || line.includes(`--secret ${key} `));
      expect(set, `no \`pulumi config set ${key}\` line`).toBeDefined();
      expect(set!.includes('--secret'), `${key} secret`).toBe(s.pulumi!.secret);
      expect(readme).toContain(`\`${s.env}\``);
    }
  });
});
