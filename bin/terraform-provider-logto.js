#!/usr/bin/env node
// The Logto provider plugin for Terraform / OpenTofu. Prefers the single-file bundle (fast start-up),
// falls back to the compiled modules.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/terraform-provider-logto.cjs', import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  await import('../dist/provider/terraform/entry.js');
}
