/**
 * `logto-iac emulator [--port 3001] [--host 127.0.0.1] [--data tenant-state.json] [--seed x]
 *   [--token-ttl 3600] [--cloud-rate-limit] [--faults faults.json] [--connector-factories]`
 *
 * Prints the URL, the M2M app's credentials and the env lines to export, then serves until SIGINT/SIGTERM.
 * `bin/logto-iac.js` (owned by the CLI) dispatches here.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { FaultConfig } from './faults.js';
import { isLoopbackHost, nonLoopbackHostMessage, type RunningEmulator, startEmulator } from './index.js';

export interface EmulatorCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Resolve to stop serving (default: first SIGINT or SIGTERM). */
  until?: Promise<unknown>;
}

const USAGE = `Usage: logto-iac emulator [options]

Serve a Logto Management API emulator on loopback.

Options:
  --port <n>            TCP port (default 3001; 0 picks a free port)
  --host <addr>         loopback bind address: 127.0.0.1 (default), ::1 or localhost
  --data <file>         persist the tenant to this JSON file (atomic write after every change)
  --seed <text>         deterministic ids, app credentials and fault randomness
  --token-ttl <s>       expires_in of issued tokens (default 3600)
  --cloud-rate-limit    emulate Logto Cloud's limit of 200 requests per 10 s (429 + Retry-After)
  --faults <file>       JSON fault rules: [{route, method, fault, probability, ...}] or {seed, rules}
  --connector-factories offer Logto's official connector factories (SMTP, HTTP email, Twilio SMS, GitHub, Google, OIDC, SAML);
                        without it there are none, like Logto OSS without connector packages
  --custom-domains      custom domains work as on Logto Cloud; without it /domains answers like Logto OSS
  -h, --help            show this help`;

/** Runs the command; resolves with the exit code once the server has stopped. */
export async function runEmulatorCommand(
  argv: string[],
  io: EmulatorCommandIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) },
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        seed: { type: 'string' },
        'token-ttl': { type: 'string' },
        'cloud-rate-limit': { type: 'boolean' },
        faults: { type: 'string' },
        'connector-factories': { type: 'boolean' },
        'custom-domains': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }));
  } catch (err) {
    io.err(`logto-iac emulator: ${(err as Error).message}`);
    io.err(USAGE);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const port = values.port === undefined ? 3001 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`logto-iac emulator: --port must be an integer between 0 and 65535, got "${String(values.port)}"`);
    return 2;
  }
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  if (!isLoopbackHost(host)) {
    io.err(`logto-iac ${nonLoopbackHostMessage(host, '--host')}`);
    return 2;
  }
  const ttl = values['token-ttl'] === undefined ? undefined : Number(values['token-ttl']);
  if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 0)) {
    io.err(
      `logto-iac emulator: --token-ttl must be a non-negative integer (seconds), got "${String(values['token-ttl'])}"`,
    );
    return 2;
  }
  let faults: FaultConfig | undefined;
  if (typeof values.faults === 'string') {
    try {
      const parsed = JSON.parse(readFileSync(values.faults, 'utf8')) as FaultConfig | FaultConfig['rules'];
      faults = Array.isArray(parsed) ? { rules: parsed } : parsed;
    } catch (err) {
      io.err(`logto-iac emulator: cannot read --faults ${values.faults}: ${(err as Error).message}`);
      return 2;
    }
  }

  let emu: RunningEmulator;
  try {
    emu = await startEmulator({
      port,
      host,
      data: typeof values.data === 'string' ? values.data : undefined,
      seed: typeof values.seed === 'string' ? values.seed : undefined,
      tokenTtlSeconds: ttl,
      cloudRateLimit: values['cloud-rate-limit'] === true,
      faults,
      connectorFactories: values['connector-factories'] === true,
      customDomains: values['custom-domains'] === true,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint = e.code === 'EADDRINUSE' ? ` (port ${port} is in use; pass --port 0 or another port)` : '';
    io.err(`logto-iac emulator: cannot start: ${e.message}${hint}`);
    return 1;
  }

  io.out(`Logto Management API emulator listening on ${emu.url}`);
  io.out(`  app id:     ${emu.appId}`);
  io.out(`  app secret: ${emu.appSecret}`);
  io.out(`  resource:   ${emu.resource}`);
  if (typeof values.data === 'string') io.out(`  data file:  ${values.data}`);
  if (values['connector-factories'] === true)
    io.out('  connector factories: the official SMTP, HTTP email, Twilio SMS, GitHub, Google, OIDC and SAML');
  if (values['custom-domains'] === true) io.out('  custom domains: as on Logto Cloud');
  io.out('');
  io.out('Export these to point logto-iac at it:');
  io.out(`export LOGTO_ENDPOINT=${emu.url}`);
  io.out(`export LOGTO_APP_ID=${emu.appId}`);
  io.out(`export LOGTO_APP_SECRET=${emu.appSecret}`);
  io.out('');
  io.out('Press Ctrl+C to stop.');

  const stop =
    io.until ??
    new Promise<void>((resolve) => {
      const done = () => {
        process.off('SIGINT', done);
        process.off('SIGTERM', done);
        resolve();
      };
      process.on('SIGINT', done);
      process.on('SIGTERM', done);
    });
  await stop;
  await emu.close();
  return 0;
}
