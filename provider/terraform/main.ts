/**
 * Entry point of `terraform-provider-logto`. Checks the magic cookie, starts the gRPC server on a unix
 * socket with AutoMTLS, prints the handshake line (the only thing ever written to stdout) and serves until
 * Terraform calls Shutdown. Logs go to stderr, where Terraform picks them up (visible with TF_LOG).
 *
 * Start-up is what each of Terraform's 3–5 plugin launches per command waits for, so nothing heavy runs
 * before the handshake line: the bundle holds only this module, the certificate code, grpc-js and the
 * light service definitions (wire.ts). The core (catalog, zod, reconciler, HTTP client, protobufjs codecs;
 * core.ts) is a second bundle, loaded on the first tfplugin6 call that needs it; GetProviderSchema, the
 * only call of the first launch of every command, is answered from bytes encoded at build time. Under the
 * mirror's launcher both bundles run with a V8 code cache (launcher.ts).
 */
import { unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeServerCertificate } from './cert.js';
import { CODE_CACHE_HOOK, type CodeCacheHook, coreBundleName } from './files.js';
import { handshakeLine, hasMagicCookie, NOT_FROM_TERRAFORM, socketPath } from './handshake.js';
import { createPluginServer, PinnedClientCredentials, type PluginCore } from './rpc.js';
import { type MethodInfo, methodsOf } from './wire.js';

type CoreModule = typeof import('./core.js');

/** Set by scripts/bundle-terraform.mjs: tfplugin6.Provider's methods, pre-parsed from tfplugin6.proto. */
declare const __LOGTO_TF_PROVIDER_METHODS__: MethodInfo[] | undefined;
/** Set by scripts/bundle-terraform.mjs: the GetProviderSchema response of the core it built (base64). */
declare const __LOGTO_TF_PROVIDER_SCHEMA__: string | undefined;

/** Where the plugin gets its core and the tfplugin6 method list (and, optionally, the pre-encoded schema). */
export interface CoreLoader {
  load: () => CoreModule;
  providerMethods: MethodInfo[];
  providerSchema?: Buffer;
}

/** The core and the tfplugin6 method list: lazily from the core bundle when bundled, else from the modules. */
async function coreLoader(): Promise<CoreLoader> {
  if (typeof __LOGTO_TF_PROVIDER_METHODS__ !== 'undefined') {
    // Bundled: the core bundle sits next to this one (`__filename` is the start-up bundle).
    const file = join(dirname(__filename), coreBundleName(__filename));
    const hook = (globalThis as Record<symbol, CodeCacheHook | undefined>)[CODE_CACHE_HOOK];
    let core: CoreModule | undefined;
    return {
      providerMethods: __LOGTO_TF_PROVIDER_METHODS__,
      ...(typeof __LOGTO_TF_PROVIDER_SCHEMA__ === 'string'
        ? { providerSchema: Buffer.from(__LOGTO_TF_PROVIDER_SCHEMA__, 'base64') }
        : {}),
      load: () => {
        core ??= (hook ? hook.require(file) : require(file)) as CoreModule;
        return core;
      },
    };
  }
  const core = await import('./core.js');
  return { providerMethods: methodsOf(core.loadServices().provider), load: () => core };
}

/**
 * Runs the plugin. `preloaded` is the single executable's (sea.ts): the core is already in its start-up
 * snapshot, so nothing is loaded at run time.
 */
export async function main(env: NodeJS.ProcessEnv = process.env, preloaded?: CoreLoader): Promise<void> {
  if (!hasMagicCookie(env)) {
    process.stderr.write(`${NOT_FROM_TERRAFORM}\n`);
    process.exit(1);
  }
  const clientCert = env.PLUGIN_CLIENT_CERT;
  if (!clientCert) {
    process.stderr.write(
      'PLUGIN_CLIENT_CERT is not set: this Terraform does not use AutoMTLS, which the Logto provider requires.\n',
    );
    process.exit(1);
  }
  // Terraform forwards Ctrl-C to the whole process group; it stops us with Shutdown instead.
  process.on('SIGINT', () => {});

  const log = (line: string) => process.stderr.write(`${line}\n`);
  const cert = makeServerCertificate();
  const loader = preloaded ?? (await coreLoader());
  let core: PluginCore | undefined;
  const loadCore = (): PluginCore => {
    if (!core) {
      const module = loader.load();
      const provider = new module.LogtoTerraformProvider({ env, log });
      core = { handlers: provider.handlers(), codecs: module.loadServices().provider };
    }
    return core;
  };
  const path = socketPath(env);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    closeStreams();
    const done = () => {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
      process.exit(0);
    };
    server.tryShutdown(done);
    setTimeout(() => {
      server.forceShutdown();
      done();
    }, 500).unref();
  };
  const { server, closeStreams } = createPluginServer({
    providerMethods: loader.providerMethods,
    core: loadCore,
    ...(loader.providerSchema ? { providerSchema: loader.providerSchema } : {}),
    onShutdown: stop,
    log,
  });
  const credentials = new PinnedClientCredentials(clientCert, cert);
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix:${path}`, credentials, (e) => (e ? reject(e) : resolve()));
  });
  // (Before the line: a SIGTERM right after it must not find the default handler, which would kill us
  // before the code cache is saved.)
  process.on('SIGTERM', stop);
  process.stdout.write(`${handshakeLine('unix', path, cert.der)}\n`);
  // First launch with this bundle: store the code cache now (the functions the start-up ran are compiled).
  (globalThis as Record<symbol, CodeCacheHook | undefined>)[CODE_CACHE_HOOK]?.save();
}
