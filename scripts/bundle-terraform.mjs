#!/usr/bin/env node
/**
 * Bundles the Terraform provider plugin into one minified CommonJS file with the protocol definitions
 * inlined (pre-parsed from provider/terraform/*.proto into protobufjs' JSON descriptor), so each of
 * Terraform's plugin launches loads a single file and never reads or parses .proto text.
 * Output: dist/terraform-provider-logto.cjs
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import protobuf from 'protobufjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoDir = join(root, 'provider', 'terraform');
const protoFiles = [
  'tfplugin6.proto',
  'grpc_controller.proto',
  'grpc_stdio.proto',
  'grpc_broker.proto',
  'health.proto',
];
const protos = Object.fromEntries(protoFiles.map((f) => [f, readFileSync(join(protoDir, f), 'utf8')]));

/** The .proto texts → one protobufjs JSON descriptor (what protocol.ts would build at run time). */
function descriptor() {
  const root = new protobuf.Root();
  for (const file of protoFiles) protobuf.parse(protos[file], root, { keepCase: true });
  root.resolveAll();
  return root.toJSON();
}

export async function bundleTerraform(outfile = join(root, 'dist', 'terraform-provider-logto.cjs')) {
  const result = await build({
    entryPoints: [join(root, 'provider', 'terraform', 'entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    define: { __LOGTO_TF_DESCRIPTOR__: JSON.stringify(descriptor()) },
    logLevel: 'error',
    metafile: true,
  });
  return { outfile, bytes: Object.values(result.metafile.outputs)[0]?.bytes ?? 0 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { outfile, bytes } = await bundleTerraform(process.argv[2]);
  process.stderr.write(`wrote ${outfile} (${Math.round(bytes / 1024)} KiB)\n`);
}
