/**
 * Start the Logto Management API emulator in-process:
 *
 * ```ts
 * const emu = await startEmulator({ port: 0 });
 * // emu.url, emu.appId, emu.appSecret, emu.resource → a client; emu.stats(); await emu.close();
 * ```
 */
import type { AddressInfo } from 'node:net';
import type { CloudRateLimit, FaultConfig, FaultRule } from './faults.js';
import { loadState, saveState } from './persist.js';
import { seedOidcKeys } from './routes/configs.js';
import { type ConnectorFactory, seedConnectorFactories } from './routes/connectors.js';
import { routeModules } from './routes/index.js';
import { createSeedState, findEmulatorCredentials, MANAGEMENT_API_INDICATOR } from './seed.js';
import { EmulatorServer, type EmulatorStats } from './server.js';
import type { TenantState } from './types.js';
import { SINGLETONS } from './util.js';

export type { CloudRateLimit, FaultConfig, FaultKind, FaultRule } from './faults.js';
export type { ConnectorFactory } from './routes/connectors.js';
export type { EmulatorStats } from './server.js';
export type { TenantState } from './types.js';

export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /**
   * Bind address, loopback only: `127.0.0.1` (default), another `127.x.x.x`, `::1` or `localhost`. Any other
   * address is refused: the emulator hands out its credentials and serves `/__emulator/stats` unauthenticated.
   */
  host?: string;
  /** Fault-injection rules (or `{seed, rules}`); replace at run time with `setFaults()`. */
  faults?: FaultConfig | FaultRule[];
  /** Makes seeded ids/secrets and fault randomness deterministic. */
  seed?: string | number;
  /** Persist the tenant to this JSON file (loaded on start, rewritten atomically after every write). */
  data?: string;
  /** `expires_in` of issued tokens. Default 3600. */
  tokenTtlSeconds?: number;
  /** Logto Cloud rate limit: `true` = 200 requests per 10 s; or explicit numbers. Off by default (OSS). */
  cloudRateLimit?: boolean | CloudRateLimit;
  /**
   * Connector factories the tenant offers (`GET /connector-factories`). Default: none, like a Logto OSS
   * build without connector packages. `true` installs Logto's official connectors (SMTP, HTTP email, Twilio SMS, GitHub, Google, OIDC, SAML);
   * a list installs exactly those. Applied on every start, so it also replaces the factories of a `data` file.
   */
  connectorFactories?: boolean | ConnectorFactory[];
  /**
   * Custom domains work as on Logto Cloud (a hostname provider is configured). Default: off, like Logto OSS,
   * which answers 400 `domain.not_configured`. Applied on every start, like `connectorFactories`.
   */
  customDomains?: boolean;
}

export interface RunningEmulator {
  /** Base URL without `/api`, e.g. `http://127.0.0.1:40123` (the LOGTO_ENDPOINT). */
  url: string;
  /** The seeded M2M app holding "Logto Management API access". */
  appId: string;
  appSecret: string;
  /** The Management API resource indicator (`https://default.logto.app/api`). */
  resource: string;
  stats(): EmulatorStats;
  resetStats(): void;
  setFaults(faults?: FaultConfig | FaultRule[]): void;
  /** Invalidate all issued tokens (the next API call with an old token gets 401). */
  revokeTokens(): void;
  /** The live tenant state (tests may inspect it; mutate at your own risk). */
  readonly state: TenantState;
  close(): Promise<void>;
}

/** Is `host` a loopback address (or `localhost`)? Only those may be bound. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  const parts = v4.split('.');
  return parts.length === 4 && parts[0] === '127' && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** The error for a non-loopback bind address (the CLI says `--host`, the library `host`). */
export function nonLoopbackHostMessage(host: string, flag = 'host'): string {
  return `emulator: ${flag} "${host}" is not a loopback address; the emulator binds to loopback only (127.0.0.1, ::1 or localhost) because it serves its admin credentials and the unauthenticated /__emulator/stats to anyone who can reach it`;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new Error(nonLoopbackHostMessage(host));
  let state: TenantState;
  let appId: string;
  let appSecret: string;
  const loaded = options.data ? loadState(options.data) : undefined;
  if (loaded) {
    const creds = findEmulatorCredentials(loaded);
    if (!creds)
      throw new Error(`emulator: ${options.data} holds no M2M app with the Management API access role and a secret`);
    state = loaded;
    ({ appId, appSecret } = creds);
    // State files written before OIDC keys were seeded get them now, persisted at once.
    if (seedOidcKeys(state) && options.data) saveState(options.data, state);
  } else {
    ({ state, appId, appSecret } = createSeedState(options.seed));
    if (options.data) saveState(options.data, state);
  }
  if (options.connectorFactories) {
    seedConnectorFactories(state, options.connectorFactories === true ? undefined : options.connectorFactories);
    if (options.data) saveState(options.data, state);
  }
  state.singletons[SINGLETONS.hostnameProvider] = options.customDomains === true;
  const core = new EmulatorServer({
    state,
    modules: routeModules,
    faults: options.faults,
    seed: options.seed,
    dataFile: options.data,
    tokenTtlSeconds: options.tokenTtlSeconds,
    cloudRateLimit: options.cloudRateLimit,
  });
  await new Promise<void>((resolve, reject) => {
    core.server.once('error', reject);
    core.server.listen(options.port ?? 0, host, () => {
      core.server.off('error', reject);
      resolve();
    });
  });
  const address = core.server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;
  core.baseUrl = url;
  let closed: Promise<void> | undefined;
  return {
    url,
    appId,
    appSecret,
    resource: MANAGEMENT_API_INDICATOR,
    stats: () => core.stats(),
    resetStats: () => core.resetStats(),
    setFaults: (f) => core.setFaults(f),
    revokeTokens: () => core.revokeTokens(),
    get state() {
      return core.state;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        core.server.close(() => resolve());
        core.destroyConnections();
      });
      return closed;
    },
  };
}
