/**
 * `logto-iac/cdktf`: CDKTF constructs for the Logto Terraform provider, generated from the plugin's own
 * `terraform providers schema -json` by `scripts/gen-cdktf.mjs` (see provider/cdktf/generated/).
 *
 *   import { App, TerraformStack } from 'cdktf';
 *   import { LogtoProvider, Role } from 'logto-iac/cdktf';
 *
 * Every provider, resource and data source class is exported at the top level; `logto` holds the same
 * modules namespaced the way `cdktf get` lays them out (`logto.role.Role`). The stack needs the provider
 * plugin at synth-free apply time: install it with `npx logto-iac terraform-install <dir>`.
 */
export * from './generated/all.js';
export * as logto from './generated/index.js';
