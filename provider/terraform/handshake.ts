/**
 * go-plugin's start-up contract, as Terraform drives it: a magic cookie in the environment proves the
 * process was started by Terraform; the plugin answers with exactly one line on stdout naming the
 * protocol versions, the address and the server certificate (AutoMTLS).
 */

import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handshakeCertificate } from './cert.js';

export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
/** go-plugin's own protocol version, then Terraform's plugin protocol major version. */
export const CORE_PROTOCOL_VERSION = 1;
export const APP_PROTOCOL_VERSION = 6;

export function hasMagicCookie(env: NodeJS.ProcessEnv): boolean {
  return env[MAGIC_COOKIE_KEY] === MAGIC_COOKIE_VALUE;
}

export const NOT_FROM_TERRAFORM = [
  'This is the Logto provider plugin for Terraform and OpenTofu; it is not meant to be run directly.',
  'Terraform starts it when a configuration uses a logto_* resource. To make it available to Terraform',
  'without a registry, run `npx logto-iac terraform-install <dir>` and follow the printed instructions.',
].join('\n');

/** A unix socket path in PLUGIN_UNIX_SOCKET_DIR (go-plugin's knob) or the temp dir. */
export function socketPath(env: NodeJS.ProcessEnv): string {
  const dir = env.PLUGIN_UNIX_SOCKET_DIR || tmpdir();
  return join(dir, `plugin-logto-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
}

/** `1|6|unix|/tmp/x.sock|grpc|<cert>` — the certificate is base64 DER without padding. */
export function handshakeLine(network: 'unix' | 'tcp', address: string, certDer: Buffer): string {
  return [CORE_PROTOCOL_VERSION, APP_PROTOCOL_VERSION, network, address, 'grpc', handshakeCertificate(certDer)].join(
    '|',
  );
}
