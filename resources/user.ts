/**
 * User: the accounts a configuration needs — break-glass admins, test and service accounts — not end-user
 * data (`/users`). The username is the natural key (Logto keeps it unique); without a known id a user is
 * adopted by its username or, failing that, by its primary email (Logto keeps emails unique, ignoring case).
 * Global roles (`/users/:id/roles`, User-type roles only) are an authoritative set; Logto gives a new user the
 * tenant's default roles (`isDefault`), which are removed at create when the spec lists roles without them.
 *
 * `profile` and `customData` are owned whole: `PATCH /users/:id` replaces both wholesale (measured on Logto
 * 1.42), so what the files say is what the user has. `isSuspended` is written through
 * `PATCH /users/:id/is-suspended`, which the plain PATCH ignores.
 *
 * The password is a write-only sensitive input. Logto never returns it (only `hasPassword`), so there is
 * nothing live to compare: the reconciler's rule for write-only secrets applies (`core/reconcile/secrets.ts`).
 * With `passwordVersion` set, nothing derived from the password is kept anywhere: it is written when the user
 * is created and whenever the version changes (Terraform's `password_wo` + `password_wo_version`). Without a
 * version, the CLI state keeps a salted scrypt digest of the password as last applied (never the password,
 * never an unsalted hash), and the password counts as changed when the files' value no longer matches it.
 * Creating sends it in `POST /users`; a change is written with `PATCH /users/:id/password`. A password changed
 * outside the files (by the user, or in the console) cannot be seen and is not drift. Terraform declares
 * `password_wo` write-only (never in its state or plan); the deprecated `password` attribute is write-only
 * too, with a salted digest in `password_digest`. Pulumi keeps the input as an encrypted secret. Plans show
 * it as `(sensitive)`, the client redacts `password` from debug lines and errors, and export never writes it
 * (there is no value to export). Leaving the field out of the files stops managing it and keeps the password
 * the user has.
 *
 * A tenant may hold millions of end users: reads go by id or by an exact search, never through the full
 * list; `export` leaves users out unless asked (`--include User`), and prune deletes users only where the
 * kind is explicitly allowed.
 */
import { z } from 'zod';
import { defineResource, invalidate, type Live, type ResourceContext } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { getOrUndefined, hasCode, idSetRelation, pickDefined, seg } from './shared.js';

/** Logto's identifier formats (the Management API's guards). */
const USERNAME = /^[A-Z_a-z]\w*$/;
const EMAIL = /^\S+@\S+\.\S+$/;
const PHONE = /^\d+$/;

const text = (what: string) => z.string().min(1).optional().describe(what);

const address = lazySchema(() =>
  z
    .strictObject({
      formatted: text('The full mailing address.'),
      streetAddress: text('Street address.'),
      locality: text('City or locality.'),
      region: text('State, province or region.'),
      postalCode: text('Postal code.'),
      country: text('Country.'),
    })
    .optional()
    .describe('Postal address (OIDC standard claim).'),
);

const profile = lazySchema(() =>
  z
    .strictObject({
      familyName: text('Family name.'),
      givenName: text('Given name.'),
      middleName: text('Middle name.'),
      nickname: text('Nickname.'),
      preferredUsername: text('Preferred username (a claim, not the sign-in username).'),
      profile: text('Profile page URL.'),
      website: text('Web page or blog URL.'),
      gender: text('Gender.'),
      birthdate: text('Birthday, e.g. `1990-12-31`.'),
      zoneinfo: text('Time zone, e.g. `Europe/Paris`.'),
      locale: text('Locale, e.g. `en-US`.'),
      address,
    })
    .optional()
    .describe(
      'OpenID Connect standard profile claims. Owned whole: claims not listed are removed (Logto replaces the profile on update).',
    ),
);

const spec = lazySchema(() =>
  z.object({
    username: z
      .string()
      .regex(USERNAME, 'a username starts with a letter or `_` and has only letters, digits and `_`, e.g. `ops_admin`')
      .max(128)
      .describe('Sign-in username, unique in the tenant.'),
    primaryEmail: z
      .string()
      .regex(EMAIL, 'use an email address such as `ops@example.com`')
      .optional()
      .describe(
        'Primary email, unique in the tenant (ignoring case); without a known id and with no user of that username, the user with this email is adopted.',
      ),
    primaryPhone: z
      .string()
      .regex(PHONE, 'write the phone number as digits only, with the country code and no `+`, e.g. `15551234567`')
      .optional()
      .describe('Primary phone number, unique in the tenant: digits only, country code first, no `+`.'),
    name: z.string().min(1).max(128).optional().describe('Display name.'),
    avatar: z
      .url({ protocol: /^https?$/, error: 'use an absolute http(s) URL, e.g. `https://example.com/avatar.png`' })
      .optional()
      .describe('Avatar image URL.'),
    profile,
    customData: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Arbitrary JSON data kept with the user. Owned whole: keys not listed are removed.'),
    password: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe(
        'Password, write-only and sensitive: set when the user is created, then whenever `passwordVersion` changes or, without a version, whenever the value in the configuration changes. Logto never returns it, so a change made elsewhere is not seen. Leave it out to keep the password the user has.',
      ),
    passwordVersion: z.coerce
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe(
        'Version of `password` (any number or text, e.g. `1` or `2026-06`): the password is written when the user is created and whenever this value changes, and nothing derived from the password is kept in state. Without it, state keeps a salted scrypt digest of the password to notice a new value. Needs `password`.',
      ),
    isSuspended: z.boolean().optional().describe('Whether the user is suspended (cannot sign in). New users are not.'),
    roleIds: z
      .array(z.string().min(1))
      .optional()
      .describe('Ids of the User-type roles the user holds. Authoritative: roles not listed are removed.'),
  }),
);

export type UserSpec = z.infer<typeof spec>;

interface UserRow {
  id: string;
  username: string | null;
  primaryEmail: string | null;
  primaryPhone: string | null;
  name: string | null;
  avatar: string | null;
  customData: Record<string, unknown>;
  profile: Record<string, unknown>;
  isSuspended: boolean;
  hasPassword?: boolean;
  createdAt: number;
}

const KIND = 'User';
const path = (id: string) => `/users/${seg(id)}`;

function toLive(row: UserRow): Live<UserSpec> {
  const s: Record<string, unknown> = {
    profile: row.profile ?? {},
    customData: row.customData ?? {},
    isSuspended: row.isSuspended,
  };
  for (const field of ['username', 'primaryEmail', 'primaryPhone', 'name', 'avatar'] as const) {
    if (row[field] !== null && row[field] !== undefined) s[field] = row[field];
  }
  return {
    id: row.id,
    spec: s as UserSpec,
    outputs: { id: row.id, createdAt: row.createdAt, hasPassword: row.hasPassword ?? false },
    raw: row,
  };
}

/** Users whose `field` equals `value` by Logto's exact search (case-insensitive on the server). */
function search(ctx: ResourceContext, field: 'username' | 'primaryEmail', value: string): Promise<UserRow[]> {
  return ctx.client.list<UserRow>('/users', { [`search.${field}`]: value, [`mode.${field}`]: 'exact' });
}

/** Logto's 422s for identifiers in use, as the field and how to fix it. */
function explain(error: unknown, s: Partial<UserSpec>): unknown {
  const taken: [string, keyof UserSpec][] = [
    ['user.username_already_in_use', 'username'],
    ['user.email_already_in_use', 'primaryEmail'],
    ['user.phone_already_in_use', 'primaryPhone'],
  ];
  for (const [code, field] of taken) {
    if (hasCode(error, 422, code)) {
      return new Error(
        `${field} "${String(s[field])}" belongs to another user in Logto (${code}); use another ${field}, or give this user that user's id (import) to manage it`,
      );
    }
  }
  return error;
}

/** The user's User-type roles, an authoritative set (adding is idempotent; Logto adds default roles on create). */
const roles = idSetRelation('roleIds', (id) => `${path(id)}/roles`, 'roleIds');

async function setSuspended(ctx: ResourceContext, id: string, isSuspended: boolean): Promise<UserRow> {
  return ctx.client.patch<UserRow>(`${path(id)}/is-suspended`, { isSuspended });
}

export const User = defineResource<UserSpec>({
  kind: KIND,
  description:
    'A user the configuration needs (break-glass admin, test or service account): identifiers, profile, custom data, global roles and a write-only password.',
  spec,
  outputs: [
    { name: 'id', description: 'Id assigned by Logto.', type: 'string', stable: true },
    { name: 'createdAt', description: 'Creation time, epoch milliseconds.', type: 'number', stable: true },
    { name: 'hasPassword', description: 'Whether the user has a password.', type: 'boolean' },
  ],
  key: { fields: ['username'], of: (s) => s.username },
  immutable: [],
  sensitive: ['password'],
  writeOnly: ['password'],
  sets: ['roleIds'],
  references: [
    {
      field: 'roleIds',
      kind: 'Role',
      many: true,
      accepts: (role) =>
        role.type === 'MachineToMachine'
          ? 'it is a MachineToMachine role, and users hold only User roles (Logto: user.invalid_role_type); use a User role'
          : undefined,
    },
  ],
  relations: [roles],
  exportOnRequest: true,

  async read(ctx, id) {
    const row = await getOrUndefined<UserRow>(ctx, path(id));
    return row ? toLive(row) : undefined;
  },
  async list(ctx) {
    return (await ctx.client.list<UserRow>('/users')).map(toLive);
  },
  /** The user with this username (exactly); failing that, the one with this primary email (any case). */
  async findByKey(ctx, s) {
    const byName = (await search(ctx, 'username', s.username)).filter((u) => u.username === s.username);
    const email = s.primaryEmail?.toLowerCase();
    const byEmail = email
      ? (await search(ctx, 'primaryEmail', s.primaryEmail!)).filter((u) => u.primaryEmail?.toLowerCase() === email)
      : [];
    const found = new Map<string, UserRow>();
    for (const row of [...byName, ...byEmail]) found.set(row.id, row);
    return [...found.values()].map(toLive);
  },
  async create(ctx, s) {
    invalidate(ctx, `${KIND}:`);
    const body = pickDefined(s, [
      'username',
      'primaryEmail',
      'primaryPhone',
      'name',
      'avatar',
      'profile',
      'customData',
      'password',
    ]);
    let row: UserRow;
    try {
      row = await ctx.client.post<UserRow>('/users', body);
    } catch (error) {
      throw explain(error, s);
    }
    if (s.isSuspended) row = await setSuspended(ctx, row.id, true);
    // Logto gives a new user the tenant's default roles: the reconciler removes those the spec does not list.
    const live = toLive(row);
    live.spec.roleIds = await roles.read(ctx, row.id, s);
    return live;
  },
  async update(ctx, id, changes, live) {
    invalidate(ctx, `${KIND}:`);
    let row = live.raw as UserRow | undefined;
    const body = pickDefined(changes, [
      'username',
      'primaryEmail',
      'primaryPhone',
      'name',
      'avatar',
      'profile',
      'customData',
    ]);
    try {
      if (Object.keys(body).length > 0) row = await ctx.client.patch<UserRow>(path(id), body);
    } catch (error) {
      throw explain(error, changes);
    }
    if (changes.isSuspended !== undefined) row = await setSuspended(ctx, id, changes.isSuspended);
    if (changes.password !== undefined) {
      row = await ctx.client.patch<UserRow>(`${path(id)}/password`, { password: changes.password });
    }
    return row ? toLive(row) : live;
  },
  async delete(ctx, id) {
    invalidate(ctx, `${KIND}:`);
    await ctx.client.delete(path(id));
  },
});
