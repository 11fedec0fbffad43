/** Helpers for the Terraform provider tests: build the bundle once, launch it as Terraform does, talk gRPC over mTLS. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { makeServerCertificate } from '../../provider/terraform/cert.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../provider/terraform/handshake.js';
import { terraformInstall } from '../../provider/terraform/install.js';
import { loadServices } from '../../provider/terraform/protocol.js';
// @ts-expect-error plain JS build script without types
import { bundleTerraform } from '../../scripts/bundle-terraform.mjs';
import { withTimeout } from '../support/process.js';
import type { Target } from '../support/target.js';

let bundled: Promise<string> | undefined;

/**
 * Installs the plugin bundle as a filesystem mirror under `home/mirror` and answers the whole environment of
 * a `terraform` run against `target` through it (nothing else of this process's environment).
 */
export async function terraformEnv(home: string, target: Target): Promise<NodeJS.ProcessEnv> {
  const installed = terraformInstall(join(home, 'mirror'), { bundle: await pluginBundle() });
  return {
    PATH: process.env.PATH,
    HOME: home,
    TF_CLI_CONFIG_FILE: installed.cliConfigFile,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    LOGTO_ENDPOINT: target.url,
    LOGTO_APP_ID: target.appId,
    LOGTO_APP_SECRET: target.appSecret,
  };
}

/** The plugin bundle, built once per test process into a temp dir (never races with other builds of dist/). */
export function pluginBundle(): Promise<string> {
  bundled ??= (async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'logto-tf-bundle-')), 'terraform-provider-logto.cjs');
    await bundleTerraform(out);
    return out;
  })();
  return bundled;
}

export interface RunningPlugin {
  child: ChildProcess;
  handshake: string;
  socket: string;
  provider: grpc.Client & Record<string, any>;
  controller: grpc.Client & Record<string, any>;
  health: grpc.Client & Record<string, any>;
  stderr: () => string;
  /** Everything the plugin wrote to stdout so far (collected for its whole life, not just the handshake). */
  stdout: () => string;
  /** Clients that present another certificate (or, with null, none) instead of the one Terraform would. */
  connectAs: (
    cert: { keyPem: string; certPem: string } | null,
  ) => Record<'provider' | 'controller' | 'health', grpc.Client & Record<string, any>>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves once the process has exited and its stdout and stderr are drained. */
  closed: Promise<void>;
}

/**
 * Starts the plugin as Terraform does: by default `node <bundle>`; with `executable`, that file (the
 * mirror's launcher) with no arguments.
 */
export async function launchPlugin(env: NodeJS.ProcessEnv = {}, executable?: string): Promise<RunningPlugin> {
  const clientCert = makeServerCertificate();
  const [command, args] = executable ? [executable, []] : [process.execPath, [await pluginBundle()]];
  const child = spawn(command, args, {
    env: { ...process.env, ...env, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_CLIENT_CERT: clientCert.certPem },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d) => {
    err += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  // Only the handshake line may ever reach stdout: keep collecting until the process is gone.
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  const handshake = await withTimeout(
    new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', () => {
        const nl = out.indexOf('\n');
        if (nl >= 0) resolve(out.slice(0, nl));
      });
      child.on('exit', (code) => reject(new Error(`plugin exited (${code}) before the handshake: ${err}`)));
    }),
    15_000,
    'plugin handshake',
  );
  const [, , network, address, , certB64] = handshake.split('|');
  if (network !== 'unix' || !address || !certB64) throw new Error(`bad handshake line: ${handshake}`);
  const serverDer = Buffer.from(certB64, 'base64');
  const serverPem = `-----BEGIN CERTIFICATE-----\n${serverDer.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  const clients = (as: { keyPem: string; certPem: string } | null) => {
    const credentials = as
      ? grpc.credentials.createSsl(Buffer.from(serverPem), Buffer.from(as.keyPem), Buffer.from(as.certPem))
      : grpc.credentials.createSsl(Buffer.from(serverPem));
    const options = { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' };
    const make = (def: grpc.ServiceDefinition) => {
      const Ctor = grpc.makeGenericClientConstructor(def, 'x');
      return new Ctor(`unix:${address}`, credentials, options) as grpc.Client & Record<string, any>;
    };
    const services = loadServices();
    return { provider: make(services.provider), controller: make(services.controller), health: make(services.health) };
  };
  return {
    child,
    handshake,
    socket: address,
    ...clients(clientCert),
    connectAs: clients,
    stderr: () => err,
    stdout: () => out,
    exited,
    closed,
  };
}

/** Call a unary RPC with a deadline. */
export function call<T = any>(
  client: grpc.Client & Record<string, any>,
  method: string,
  request: unknown,
  ms = 15_000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    client[method](request, { deadline: Date.now() + ms }, (e: Error | null, response: T) =>
      e ? reject(e) : resolve(response),
    );
  });
}

export async function stopPlugin(plugin: RunningPlugin): Promise<number | null> {
  try {
    await call(plugin.controller, 'Shutdown', {}, 5_000);
  } catch {
    // fall through to kill
  }
  const code = await withTimeout(plugin.exited, 5_000, 'plugin exit').catch(() => {
    plugin.child.kill('SIGKILL');
    return null;
  });
  await withTimeout(plugin.closed, 5_000, 'plugin stdio closed').catch(() => {});
  for (const c of [plugin.provider, plugin.controller, plugin.health]) c.close();
  return code;
}
