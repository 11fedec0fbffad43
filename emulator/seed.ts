/**
 * The state of a fresh Logto OSS tenant: the Management API resource with scope `all`, the
 * "Logto Management API access" M2M role holding it, and one M2M app holding that role (its id and
 * secret are what the emulator reports). With a `seed`, ids, secrets and timestamps are deterministic.
 *
 * Singletons (sign-in experience, account center, configs) are created lazily by their route modules
 * with `singleton(ctx, SINGLETONS.x, defaults)`, so a fresh state needs nothing for them here.
 * `seedExtensions` lets other modules add seed rows (called once per fresh state).
 */
import { prng } from './faults.js';
import { newApplicationRow } from './routes/applications.js';
import { seedOidcKeys } from './routes/configs.js';
import type { TenantState } from './types.js';
import { CORE_RELATIONS, CORE_TABLES, newId, TABLES } from './util.js';

export const MANAGEMENT_API_ID = 'management-api';
export const MANAGEMENT_API_ALL_SCOPE_ID = 'management-api-all';
export const MANAGEMENT_API_INDICATOR = 'https://default.logto.app/api';
export const MANAGEMENT_API_ROLE_NAME = 'Logto Management API access';

export interface Seeded {
  state: TenantState;
  appId: string;
  appSecret: string;
}

/** Extra seeders other route modules may register (`seedExtensions.push((state, ids) => …)`). */
export const seedExtensions: Array<(state: TenantState, idGen: (length?: number) => string) => void> = [];

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export function idGenerator(seed?: string | number): (length?: number) => string {
  if (seed === undefined) return (length = 21) => newId(length);
  const rnd = prng(`ids:${seed}`);
  return (length = 21) => {
    let id = '';
    for (let i = 0; i < length; i++) id += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
    return id;
  };
}

/** Which state tables the emulator's own credentials live in (looked up to find the reported app). */
export function createSeedState(
  seed?: string | number,
  now = seed === undefined ? Date.now() : 1_767_225_600_000,
): Seeded {
  const gen = idGenerator(seed);
  const state: TenantState = { tables: {}, relations: {}, singletons: {} };
  // Logto seeds the Management API's `all` scope with a fixed id (docs/logto-behaviour.md#ids-and-timestamps).
  const resourceScopeId = MANAGEMENT_API_ALL_SCOPE_ID;
  const roleId = gen();
  const appId = gen();
  const appSecret = gen(32);
  state.tables[TABLES.resources] = {
    [MANAGEMENT_API_ID]: {
      tenantId: 'default',
      id: MANAGEMENT_API_ID,
      name: 'Logto Management API',
      indicator: MANAGEMENT_API_INDICATOR,
      isDefault: false,
      accessTokenTtl: 3600,
    },
  };
  state.tables[TABLES.scopes] = {
    [resourceScopeId]: {
      tenantId: 'default',
      id: resourceScopeId,
      resourceId: MANAGEMENT_API_ID,
      name: 'all',
      description: 'Default scope for Management API, allows all permissions.',
      createdAt: now,
    },
  };
  state.tables[TABLES.roles] = {
    [roleId]: {
      tenantId: 'default',
      id: roleId,
      name: MANAGEMENT_API_ROLE_NAME,
      description: 'This default role grants access to the Logto management API.',
      type: 'MachineToMachine',
      isDefault: false,
    },
  };
  state.tables[TABLES.applications] = {
    [appId]: {
      ...newApplicationRow(
        {
          name: 'logto-iac emulator',
          description: 'Seeded machine-to-machine app holding the Management API access role.',
        },
        'MachineToMachine',
      ),
      id: appId,
      createdAt: now,
    },
  };
  const secretKey = gen();
  state.tables[CORE_TABLES.applicationSecrets] = {
    [secretKey]: {
      tenantId: 'default',
      applicationId: appId,
      name: 'Default secret',
      value: appSecret,
      createdAt: now,
      expiresAt: null,
    },
  };
  state.relations[CORE_RELATIONS.rolesScopes] = [{ roleId, scopeId: resourceScopeId }];
  state.relations[CORE_RELATIONS.applicationsRoles] = [{ applicationId: appId, roleId }];
  seedOidcKeys(state, gen, now);
  for (const extend of seedExtensions) extend(state, gen);
  return { state, appId, appSecret };
}

/** Find the app the emulator reports in a loaded state: the oldest M2M app holding the access role. */
export function findEmulatorCredentials(state: TenantState): { appId: string; appSecret: string } | undefined {
  const roles = Object.values(state.tables[TABLES.roles] ?? {});
  const role = roles.find((r) => r.name === MANAGEMENT_API_ROLE_NAME);
  if (!role) return undefined;
  const links = (state.relations[CORE_RELATIONS.applicationsRoles] ?? []).filter((l) => l.roleId === role.id);
  const apps = links
    .map((l) => state.tables[TABLES.applications]?.[l.applicationId])
    .filter((a): a is Record<string, unknown> => Boolean(a))
    .sort((a, b) => Number(a.createdAt) - Number(b.createdAt));
  for (const app of apps) {
    const secret = Object.values(state.tables[CORE_TABLES.applicationSecrets] ?? {}).find(
      (s) => s.applicationId === app.id && (s.expiresAt === null || Number(s.expiresAt) > Date.now()),
    );
    if (secret) return { appId: String(app.id), appSecret: String(secret.value) };
  }
  return undefined;
}
