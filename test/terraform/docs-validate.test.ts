/**
 * Every provider docs page (docs/index.md, docs/resources/*.md, docs/data-sources/*.md, where the Terraform
 * and OpenTofu registries read them) shows HCL a reader can paste alone: each page's ```hcl blocks together
 * (the example and the import block that names its resource) pass `terraform validate` against the real
 * plugin, with nothing but a `required_providers` block added when the page has none.
 *
 * The plugin comes through `dev_overrides`, so no directory needs `terraform init`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terraformInstall } from '../../provider/terraform/install.js';
import { pluginBundle } from './support.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DOCS = join(ROOT, 'docs');

const pages = [
  'index.md',
  ...['resources', 'data-sources'].flatMap((dir) =>
    readdirSync(join(DOCS, dir))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `${dir}/${f}`),
  ),
];

const REQUIRED_PROVIDERS = `terraform {
  required_providers {
    logto = { source = "logto-io/logto" }
  }
}
`;

/** The page's ```hcl / ```terraform blocks, joined. */
function hclOf(page: string): string {
  const text = readFileSync(join(DOCS, page), 'utf8');
  return [...text.matchAll(/^```(?:hcl|terraform)\n([\s\S]*?)^```$/gm)].map((m) => m[1]).join('\n');
}

interface Diagnostic {
  severity: string;
  summary: string;
  detail?: string;
}

let home: string;
const results = new Map<string, { valid: boolean; errors: string[] }>();

function validate(dir: string, env: NodeJS.ProcessEnv): Promise<{ valid: boolean; errors: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', ['validate', '-json', '-no-color'], { cwd: dir, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      err += String(d);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      try {
        const doc = JSON.parse(out) as { valid: boolean; diagnostics: Diagnostic[] };
        const errors = doc.diagnostics
          .filter((d) => d.severity === 'error')
          .map((d) => `${d.summary}: ${d.detail ?? ''}`);
        resolve({ valid: doc.valid, errors });
      } catch {
        resolve({ valid: false, errors: [`terraform validate printed no JSON: ${out}${err}`] });
      }
    });
  });
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'logto-docs-validate-'));
  const installed = terraformInstall(join(home, 'mirror'), { bundle: await pluginBundle() });
  const rc = join(home, 'terraform.rc');
  writeFileSync(
    rc,
    `provider_installation {\n  dev_overrides {\n    "logto-io/logto" = ${JSON.stringify(installed.providerDir)}\n  }\n  direct {}\n}\n`,
  );
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    TF_CLI_CONFIG_FILE: rc,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
  };
  const queue = [...pages];
  const worker = async () => {
    for (let page = queue.shift(); page !== undefined; page = queue.shift()) {
      const dir = join(home, page.replace(/[/.]/g, '_'));
      mkdirSync(dir);
      const hcl = hclOf(page);
      writeFileSync(join(dir, 'main.tf'), hcl.includes('required_providers') ? hcl : `${REQUIRED_PROVIDERS}\n${hcl}`);
      results.set(page, await validate(dir, env));
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}, 600_000);

afterAll(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('provider docs pages', () => {
  it('are where the registries read them, one per resource and data source', () => {
    expect(pages).toContain('index.md');
    expect(pages.filter((p) => p.startsWith('resources/')).length).toBeGreaterThanOrEqual(29);
    expect(pages.filter((p) => p.startsWith('data-sources/')).length).toBeGreaterThanOrEqual(13);
  });

  it('have an example that uses no variable or resource of the repository example it came from', () => {
    for (const page of pages) {
      const hcl = hclOf(page);
      expect(hcl, page).not.toMatch(/name_prefix/);
      if (page !== 'index.md') expect(hcl, page).toMatch(/^(resource|data) "logto_/m);
    }
  });

  it.each(pages)('%s: its HCL passes terraform validate on its own', (page) => {
    const result = results.get(page);
    expect(result?.errors, page).toEqual([]);
    expect(result?.valid, page).toBe(true);
  });
});
