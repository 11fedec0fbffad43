/**
 * Runs once around the whole suite. Against a real Logto (`LOGTO_E2E_*`), the tenant's singletons (sign-in
 * experience, account center, ID-token and OIDC session configs) are shared by every test file: they are read
 * before the first test and written back after the last one, so a run leaves the tenant's settings as it
 * found them. Against the emulator every test file has its own tenant and nothing needs restoring.
 */
import { createClient } from '../../core/client/index.js';
import { realServerConfigured } from './target.js';

/** [route, method that writes it back, fields the server owns and refuses or ignores on write] */
const SINGLETONS: [string, 'PATCH' | 'PUT', string[]][] = [
  ['/sign-in-exp', 'PATCH', ['tenantId', 'id']],
  ['/account-center', 'PATCH', ['tenantId', 'id']],
  ['/configs/id-token', 'PUT', []],
  ['/configs/oidc/session', 'PATCH', []],
];

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (!realServerConfigured()) return undefined;
  const env = process.env;
  const client = createClient(
    { endpoint: env.LOGTO_E2E_ENDPOINT!, appId: env.LOGTO_E2E_APP_ID!, appSecret: env.LOGTO_E2E_APP_SECRET! },
    {},
  );
  const found = new Map<string, Record<string, unknown>>();
  for (const [route] of SINGLETONS) found.set(route, await client.get<Record<string, unknown>>(route));
  await client.close();
  return async () => {
    const restore = createClient(
      { endpoint: env.LOGTO_E2E_ENDPOINT!, appId: env.LOGTO_E2E_APP_ID!, appSecret: env.LOGTO_E2E_APP_SECRET! },
      {},
    );
    try {
      for (const [route, method, owned] of SINGLETONS) {
        const body = { ...found.get(route) };
        for (const key of owned) delete body[key];
        await restore.request(method, route, { body });
      }
    } finally {
      await restore.close();
    }
  };
}
