/**
 * `/users`, a user's global roles and password (measured on Logto OSS 1.42, see emulator/README.md): create
 * answers 200 with the user (no `tenantId`; `hasPassword` instead of the password); usernames are unique as
 * the sign-in experience's username policy says (case-sensitive by default), emails ignoring case, phones as
 * digits; PATCH replaces `profile` and `customData` wholesale, turns '' into null and refuses an empty body
 * (422); suspension and the password have their own routes; an unknown user is 404 `entity.not_found`; a
 * new user gets the tenant's default User roles.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { signInExperience } from '../route-state.js';
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import {
  CORE_RELATIONS,
  deleteRelationRow,
  emptyPatch,
  newId,
  noContent,
  notFound,
  ok,
  paginate,
  RELATIONS,
  relationAdd,
  relationRemove,
  relationRows,
  TABLES,
  table,
} from '../util.js';
import { getRole, roles } from './roles.js';

interface UserRow extends Record<string, unknown> {
  id: string;
  username: string | null;
  primaryEmail: string | null;
  primaryPhone: string | null;
  name: string | null;
  avatar: string | null;
  customData: Record<string, unknown>;
  identities: Record<string, unknown>;
  lastSignInAt: number | null;
  createdAt: number;
  updatedAt: number;
  profile: Record<string, unknown>;
  applicationId: string | null;
  isSuspended: boolean;
  /** Emulator-only: a digest of the password (never answered). */
  passwordDigest?: string;
}

const users = (ctx: RequestContext) => table<UserRow>(ctx, TABLES.users);

function getUser(ctx: RequestContext, id: string): UserRow {
  const row = users(ctx)[id];
  if (!row) throw notFound();
  return row;
}

/** As Logto keeps passwords (Argon2i there): salted and slow, so a `--data` file gives no password away. */
function digest(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64url')}$${scryptSync(password, salt, 32).toString('base64url')}`;
}

function verify(stored: string | undefined, password: string): boolean {
  const [scheme, salt, hash] = (stored ?? '').split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(password, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(expected, actual);
}

/** The user's columns as Logto lists them elsewhere (an organization's members): no password digest. */
export function userColumns(row: Record<string, unknown>): Record<string, unknown> {
  const out = { ...row };
  delete out.passwordDigest;
  return out;
}

/** The user as the user routes answer it: `hasPassword` instead of the password. */
function publicUser(row: UserRow): Record<string, unknown> {
  return { ...userColumns(row), hasPassword: Boolean(row.passwordDigest) };
}

const IDENTIFIERS = ['username', 'primaryEmail', 'primaryPhone'] as const;

/** 422 when another user holds one of the identifiers (emails ignore case; usernames per the tenant's policy). */
function refuseTaken(ctx: RequestContext, body: Partial<UserRow>, self?: string): void {
  const policy = signInExperience(ctx).usernamePolicy as { caseSensitive?: boolean } | undefined;
  const caseSensitive = policy?.caseSensitive !== false;
  const same = (field: (typeof IDENTIFIERS)[number], a: string, b: string | null) =>
    b !== null &&
    (field === 'primaryPhone' || (field === 'username' && caseSensitive)
      ? a === b
      : a.toLowerCase() === b.toLowerCase());
  const codes = {
    primaryEmail: ['user.email_already_in_use', 'This email is associated with an existing account.'],
    primaryPhone: ['user.phone_already_in_use', 'This phone number is associated with an existing account.'],
    username: ['user.username_already_in_use', 'This username is already in use.'],
  } as const;
  // Logto checks email, then phone, then username.
  for (const field of ['primaryEmail', 'primaryPhone', 'username'] as const) {
    const value = body[field];
    if (typeof value !== 'string' || value === '') continue;
    if (Object.values(users(ctx)).some((u) => u.id !== self && same(field, value, u[field]))) {
      throw new ApiError(422, codes[field][0], codes[field][1]);
    }
  }
}

/**
 * Logto's user search: `search.<field>=v` (or bare `search` over id, email, phone, username, name) with
 * `mode.<field>=exact|like` (default like: ILIKE without implicit wildcards) and `isCaseSensitive`.
 */
function userSearch(ctx: RequestContext): (row: UserRow) => boolean {
  const caseSensitive = ctx.query.get('isCaseSensitive') === 'true';
  const terms: { fields: string[]; value: string; exact: boolean }[] = [];
  for (const [k, v] of ctx.query) {
    if (k !== 'search' && !k.startsWith('search.')) continue;
    const field = k === 'search' ? undefined : k.slice('search.'.length);
    const mode = ctx.query.get(field ? `mode.${field}` : 'mode') ?? ctx.query.get('mode');
    terms.push({
      fields: field ? [field] : ['id', 'primaryEmail', 'primaryPhone', 'username', 'name'],
      value: v,
      exact: mode === 'exact',
    });
  }
  const fold = (s: string) => (caseSensitive ? s : s.toLowerCase());
  const like = (pattern: string, value: string) => {
    let re = '';
    for (const ch of pattern) re += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`^${re}$`, caseSensitive ? 's' : 'is').test(value);
  };
  return (row) =>
    terms.length === 0 ||
    terms.some((t) =>
      t.fields.some((f) => {
        const value = row[f];
        if (typeof value !== 'string') return false;
        return t.exact ? fold(value) === fold(t.value) : like(t.value, value);
      }),
    );
}

const orEmpty = (value: unknown) => (value === '' ? null : value);

export const userRoutes: RouteModule = (r) => {
  r.route('GET', '/users', (ctx) => {
    const matches = userSearch(ctx);
    const rows = Object.values(users(ctx)).reverse().filter(matches).map(publicUser);
    return paginate(ctx, rows, 'always');
  });

  r.route('POST', '/users', (ctx) => {
    const body = ctx.body as Partial<UserRow> & { password?: string };
    refuseTaken(ctx, body);
    const now = Date.now();
    const row: UserRow = {
      id: newId(12),
      username: body.username ?? null,
      primaryEmail: body.primaryEmail ?? null,
      primaryPhone: body.primaryPhone ?? null,
      name: body.name ?? null,
      avatar: body.avatar ?? null,
      customData: body.customData ?? {},
      identities: {},
      lastSignInAt: null,
      createdAt: now,
      updatedAt: now,
      profile: body.profile ?? {},
      applicationId: null,
      isSuspended: false,
    };
    if (body.password) row.passwordDigest = digest(body.password);
    users(ctx)[row.id] = row;
    // A new user gets the tenant's default User roles.
    for (const role of Object.values(roles(ctx)))
      if (role.isDefault && role.type === 'User')
        relationAdd(ctx, CORE_RELATIONS.usersRoles, { userId: row.id, roleId: role.id });
    return ok(publicUser(row));
  });

  r.route('GET', '/users/:id', (ctx) => ok(publicUser(getUser(ctx, ctx.params.id!))));

  r.route('PATCH', '/users/:id', (ctx) => {
    const row = getUser(ctx, ctx.params.id!);
    const body = ctx.body as Partial<UserRow>;
    const keys = [...IDENTIFIERS, 'name', 'avatar', 'customData', 'profile'] as const;
    const given = keys.filter((k) => body[k] !== undefined);
    if (given.length === 0) throw emptyPatch();
    refuseTaken(ctx, body, row.id);
    for (const k of given) (row as Record<string, unknown>)[k] = orEmpty(body[k]);
    row.updatedAt = Date.now();
    return ok(publicUser(row));
  });

  r.route('PATCH', '/users/:id/custom-data', (ctx) => {
    const row = getUser(ctx, ctx.params.id!);
    row.customData = { ...row.customData, ...(ctx.body as { customData: Record<string, unknown> }).customData };
    return ok(row.customData);
  });

  r.route('PATCH', '/users/:id/profile', (ctx) => {
    const row = getUser(ctx, ctx.params.id!);
    row.profile = { ...row.profile, ...(ctx.body as { profile: Record<string, unknown> }).profile };
    return ok(row.profile);
  });

  r.route('PATCH', '/users/:id/password', (ctx) => {
    const row = getUser(ctx, ctx.params.id!);
    row.passwordDigest = digest((ctx.body as { password: string }).password);
    row.updatedAt = Date.now();
    return ok(publicUser(row));
  });

  r.route('POST', '/users/:id/password/verify', (ctx) => {
    const row = getUser(ctx, ctx.params.id!);
    if (!verify(row.passwordDigest, (ctx.body as { password: string }).password)) {
      throw new ApiError(422, 'session.invalid_credentials', 'Incorrect account or password. Please check your input.');
    }
    return noContent();
  });

  r.route('GET', '/users/:id/has-password', (ctx) =>
    ok({ hasPassword: Boolean(getUser(ctx, ctx.params.id!).passwordDigest) }),
  );

  r.route('PATCH', '/users/:id/is-suspended', (ctx) => {
    const row = getUser(ctx, ctx.params.id!);
    row.isSuspended = (ctx.body as { isSuspended: boolean }).isSuspended;
    row.updatedAt = Date.now();
    return ok(publicUser(row));
  });

  r.route('DELETE', '/users/:id', (ctx) => {
    const row = getUser(ctx, ctx.params.id!);
    delete users(ctx)[row.id];
    relationRemove(ctx, CORE_RELATIONS.usersRoles, { userId: row.id });
    relationRemove(ctx, RELATIONS.orgUsers, { userId: row.id });
    relationRemove(ctx, RELATIONS.orgUserRoles, { userId: row.id });
    relationRemove(ctx, RELATIONS.appConsentOrganizations, { userId: row.id });
    return noContent();
  });

  // ---- global roles: User-type roles only; adding is idempotent; the list is always paginated
  r.route('GET', '/users/:id/roles', (ctx) => {
    const user = getUser(ctx, ctx.params.id!);
    const all = roles(ctx);
    const rows = relationRows(ctx, CORE_RELATIONS.usersRoles, { userId: user.id })
      .map((l) => all[l.roleId!])
      .filter((role) => role?.type === 'User');
    return paginate(ctx, rows, 'always');
  });

  r.route('POST', '/users/:id/roles', (ctx) => {
    const user = getUser(ctx, ctx.params.id!);
    const { roleIds } = ctx.body as { roleIds: string[] };
    const held = new Set(relationRows(ctx, CORE_RELATIONS.usersRoles, { userId: user.id }).map((l) => l.roleId));
    const toAdd = [...new Set(roleIds)].filter((id) => !held.has(id));
    for (const id of toAdd) {
      if (roles(ctx)[id]?.type === 'MachineToMachine') {
        throw new ApiError(
          422,
          'user.invalid_role_type',
          'Invalid role type, can not assign machine-to-machine role to user.',
        );
      }
    }
    for (const id of toAdd) getRole(ctx, id);
    for (const id of toAdd) relationAdd(ctx, CORE_RELATIONS.usersRoles, { userId: user.id, roleId: id });
    return ok({ roleIds, addedRoleIds: toAdd }, 201);
  });

  r.route('DELETE', '/users/:id/roles/:roleId', (ctx) =>
    deleteRelationRow(ctx, CORE_RELATIONS.usersRoles, { userId: ctx.params.id!, roleId: ctx.params.roleId! }),
  );
};
