/**
 * `npm run conformance -- --endpoint URL [--app-id ID] [--app-secret SECRET] [--resource INDICATOR]`
 * (credentials default to LOGTO_APP_ID / LOGTO_APP_SECRET / LOGTO_RESOURCE): sends the same probes to that
 * server and to a fresh embedded emulator and prints where they answer differently. Exit 0 when they agree,
 * 1 when they differ, 2 on bad usage. Without --endpoint it compares two fresh emulators (a self-check).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/index.js';
import { exampleSamlConfig, startIdp, unreachableIssuer } from './idp.js';
import { formatReport, runConformance } from './run.js';
import type { Server } from './wire.js';

const ROOT = join(import.meta.dirname, '..', '..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      'app-id': { type: 'string' },
      'app-secret': { type: 'string' },
      resource: { type: 'string' },
    },
  });
  const resource = values.resource ?? process.env.LOGTO_RESOURCE ?? 'https://default.logto.app/api';
  const emulator = await startEmulator({ port: 0 });
  const second = values.endpoint ? undefined : await startEmulator({ port: 0 });
  const idp = await startIdp();
  const deadIssuer = await unreachableIssuer();
  try {
    let reference: Server;
    if (values.endpoint) {
      const appId = values['app-id'] ?? process.env.LOGTO_APP_ID;
      const appSecret = values['app-secret'] ?? process.env.LOGTO_APP_SECRET;
      if (!appId || !appSecret) {
        console.error('conformance: set LOGTO_APP_ID and LOGTO_APP_SECRET (or --app-id/--app-secret) for --endpoint');
        return 2;
      }
      reference = { url: values.endpoint.replace(/\/+$/, ''), appId, appSecret, resource };
    } else {
      reference = { url: second!.url, appId: second!.appId, appSecret: second!.appSecret, resource: second!.resource };
    }
    const candidate: Server = {
      url: emulator.url,
      appId: emulator.appId,
      appSecret: emulator.appSecret,
      resource: emulator.resource,
    };
    const results = await runConformance(reference, candidate, {
      issuer: idp.issuer,
      deadIssuer,
      certificate: exampleSamlConfig(ROOT).x509Certificate,
    });
    console.log(formatReport(results, [values.endpoint ?? 'emulator', 'emulator']));
    return results.some((r) => r.differences.length > 0) ? 1 : 0;
  } finally {
    await idp.close();
    await emulator.close();
    await second?.close();
  }
}

process.exitCode = await main();
