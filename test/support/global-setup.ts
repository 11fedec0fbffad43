/**
 * Runs once around the whole suite. Against a real Logto (`LOGTO_E2E_*`), the tenant's singletons (sign-in
 * experience, account center, ID-token and OIDC session configs) are shared by every test file: they are read
 * before the first test and written back after the last one, so a run leaves the tenant's settings as it
 * found them. Against the emulator every test file has its own tenant and nothing needs restoring.
 */
import { createClient } from '../../core/client/index.js';
import { catalog } from '../../resources/index.js';
import { realServerConfigured } from './target.js';

/**
 * How each singleton kind is read and written back: [route, method that writes it back, fields the server owns
 * and refuses or ignores on write]. Which kinds are restored comes from the catalog (`SINGLETONS`).
 */
export const RESTORE: Record<string, [string, 'PATCH' | 'PUT', string[]]> = {
  SignInExperience: ['/sign-in-exp', 'PATCH', ['tenantId', 'id']],
  AccountCenter: ['/account-center', 'PATCH', ['tenantId', 'id']],
  IdTokenConfig: ['/configs/id-token', 'PUT', []],
  OidcSessionConfig: ['/configs/oidc/session', 'PATCH', []],
};

/**
 * The catalog's singletons that always exist (a removable one, the captcha provider, is deleted by the run's
 * clean-up instead), in catalog order, each with its `RESTORE` entry.
 */
export const SINGLETONS: [string, 'PATCH' | 'PUT', string[]][] = catalog
  .filter((d) => d.singleton && !d.removable)
  .map((d) => {
    const entry = RESTORE[d.kind];
    if (!entry)
      throw new Error(
        `test/support/global-setup.ts: the singleton kind ${d.kind} has no RESTORE entry: add its route, the method that writes it back and the fields the server owns, so a run against a real Logto gives the tenant its ${d.kind} back`,
      );
    return entry;
  });

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
