/**
 * `/roles`, role scopes, role applications and role users. See docs/logto-behaviour.md#roles and #application-roles
 * (the role side).
 */

import { MANAGEMENT_API_ID } from '../seed.js';
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import {
  CORE_RELATIONS,
  deleteRelationRow,
  emptyPatch,
  guardError,
  newId,
  noContent,
  notExistsWithId,
  ok,
  paginate,
  relationAdd,
  relationRemove,
  relationRows,
  searchFilter,
  TABLES,
  table,
  text,
} from '../util.js';
import { applications, getApplication, publicApplication } from './applications.js';
import { resources, scopes } from './resources.js';

type Row = Record<string, unknown>;

export interface RoleRow extends Row {
  tenantId: string;
  id: string;
  name: string;
  description: string;
  type: 'User' | 'MachineToMachine';
  isDefault: boolean;
}

export const roles = (ctx: RequestContext) => table<RoleRow>(ctx, TABLES.roles);

export function getRole(ctx: RequestContext, id: string): RoleRow {
  const row = roles(ctx)[id];
  if (!row || row.name.startsWith('#internal:')) throw notExistsWithId('roles', id);
  return row;
}

const nameInUse = (name: string) => new ApiError(422, 'role.name_in_use', `This role name ${name} is already in use`);

function roleApps(ctx: RequestContext, roleId: string): Row[] {
  const apps = applications(ctx);
  return relationRows(ctx, CORE_RELATIONS.applicationsRoles, { roleId })
    .map((l) => apps[l.applicationId as string])
    .filter((a): a is NonNullable<typeof a> => Boolean(a));
}

function roleUsers(ctx: RequestContext, roleId: string): Row[] {
  const users = table(ctx, TABLES.users);
  return relationRows(ctx, CORE_RELATIONS.usersRoles, { roleId })
    .map((l) => users[l.userId as string])
    .filter((u): u is Row => Boolean(u));
}

/** Management API scopes may go to machine-to-machine roles only (docs/logto-behaviour.md#roles). */
function refuseManagementScopesForUsers(ctx: RequestContext, type: RoleRow['type'] | undefined, scopeIds: string[]) {
  if (type === 'MachineToMachine') return;
  const all = scopes(ctx);
  if (scopeIds.some((id) => all[id]?.resourceId === MANAGEMENT_API_ID)) {
    throw new ApiError(
      400,
      'role.management_api_scopes_not_assignable_to_user_role',
      'Cannot assign Management API scopes to a user role.',
    );
  }
}

function addScopes(ctx: RequestContext, role: RoleRow, scopeIds: string[]): Row[] {
  const all = scopes(ctx);
  for (const scopeId of scopeIds) if (!all[scopeId]) throw notExistsWithId('scopes', scopeId);
  refuseManagementScopesForUsers(ctx, role.type, scopeIds);
  for (const scopeId of scopeIds) {
    if (relationRows(ctx, CORE_RELATIONS.rolesScopes, { roleId: role.id, scopeId }).length > 0) {
      throw new ApiError(422, 'role.scope_exists', `The scope id ${scopeId} has already been added to this role`);
    }
  }
  const added: Row[] = [];
  for (const scopeId of new Set(scopeIds)) {
    relationAdd(ctx, CORE_RELATIONS.rolesScopes, { roleId: role.id, scopeId });
    added.push(all[scopeId] as Row);
  }
  return added;
}

export const roleRoutes: RouteModule = (r) => {
  r.route('GET', '/roles', (ctx) => {
    const type = ctx.query.get('type');
    const excludeUserId = ctx.query.get('excludeUserId');
    const excludeApplicationId = ctx.query.get('excludeApplicationId');
    const matchesSearch = searchFilter(ctx, ['id', 'name', 'description']);
    const rows = Object.values(roles(ctx))
      .reverse() // newest first (rows are kept in insertion order)
      .filter((role) => {
        if (role.name.startsWith('#internal:')) return false;
        if (type && role.type !== type) return false;
        if (
          excludeUserId &&
          relationRows(ctx, CORE_RELATIONS.usersRoles, { roleId: role.id, userId: excludeUserId }).length
        ) {
          return false;
        }
        if (
          excludeApplicationId &&
          relationRows(ctx, CORE_RELATIONS.applicationsRoles, { roleId: role.id, applicationId: excludeApplicationId })
            .length
        ) {
          return false;
        }
        return matchesSearch(role);
      });
    const result = paginate(ctx, rows, 'always');
    // Computed counts only for the rows on the page.
    result.json = (result.json as RoleRow[]).map((role) => {
      const apps = roleApps(ctx, role.id);
      const users = roleUsers(ctx, role.id);
      return {
        ...role,
        usersCount: users.length,
        featuredUsers: users.slice(0, 3).map((u) => ({ id: u.id, avatar: u.avatar ?? null, name: u.name ?? null })),
        applicationsCount: apps.length,
        featuredApplications: apps.slice(0, 3).map((a) => ({ id: a.id, name: a.name, type: a.type })),
      };
    });
    return result;
  });

  r.route('POST', '/roles', (ctx) => {
    const body = ctx.body as {
      name: string;
      description: string;
      type?: RoleRow['type'];
      isDefault?: boolean;
      scopeIds?: string[];
    };
    if (Object.values(roles(ctx)).some((role) => role.name === body.name)) throw nameInUse(body.name);
    for (const scopeId of body.scopeIds ?? []) if (!scopes(ctx)[scopeId]) throw notExistsWithId('scopes', scopeId);
    refuseManagementScopesForUsers(ctx, body.type ?? 'User', body.scopeIds ?? []);
    const row: RoleRow = {
      tenantId: 'default',
      id: newId(21),
      name: body.name,
      description: body.description,
      type: body.type ?? 'User',
      isDefault: body.isDefault ?? false,
    };
    roles(ctx)[row.id] = row;
    for (const scopeId of new Set(body.scopeIds ?? []))
      relationAdd(ctx, CORE_RELATIONS.rolesScopes, { roleId: row.id, scopeId });
    return ok(row);
  });

  r.route('GET', '/roles/:id', (ctx) => ok(getRole(ctx, ctx.params.id as string)));

  r.route('PATCH', '/roles/:id', (ctx) => {
    const role = getRole(ctx, ctx.params.id as string);
    const body = ctx.body as { name?: string; description?: string; isDefault?: boolean };
    if (body.name === undefined && body.description === undefined && body.isDefault === undefined) throw emptyPatch();
    if (
      body.name !== undefined &&
      body.name !== role.name &&
      Object.values(roles(ctx)).some((x) => x.name === body.name)
    ) {
      throw nameInUse(body.name);
    }
    if (body.name !== undefined) role.name = body.name;
    if (body.description !== undefined) role.description = body.description;
    if (body.isDefault !== undefined) role.isDefault = body.isDefault;
    return ok(role);
  });

  r.route('DELETE', '/roles/:id', (ctx) => {
    const role = getRole(ctx, ctx.params.id as string);
    delete roles(ctx)[role.id];
    relationRemove(ctx, CORE_RELATIONS.rolesScopes, { roleId: role.id });
    relationRemove(ctx, CORE_RELATIONS.applicationsRoles, { roleId: role.id });
    relationRemove(ctx, CORE_RELATIONS.usersRoles, { roleId: role.id });
    return noContent();
  });

  // ---- scopes
  r.route('GET', '/roles/:id/scopes', (ctx) => {
    const role = getRole(ctx, ctx.params.id as string);
    const all = scopes(ctx);
    const res = resources(ctx);
    const matchesSearch = searchFilter(ctx, ['id', 'name', 'description']);
    const rows = relationRows(ctx, CORE_RELATIONS.rolesScopes, { roleId: role.id })
      .map((l) => all[l.scopeId as string])
      .filter((s): s is NonNullable<typeof s> => Boolean(s) && matchesSearch(s as Row))
      .map((s) => ({ ...s, resource: res[s.resourceId] ?? null }));
    return paginate(ctx, rows, 'optional');
  });

  r.route('POST', '/roles/:id/scopes', (ctx) => {
    const role = getRole(ctx, ctx.params.id as string);
    const scopeIds = (ctx.body as { scopeIds: string[] }).scopeIds;
    if (scopeIds.length === 0) throw guardError('scopeIds', 'Array must contain at least 1 element(s)', 'too_small');
    return ok(addScopes(ctx, role, scopeIds), 201);
  });

  r.route('DELETE', '/roles/:id/scopes/:scopeId', (ctx) => {
    const role = getRole(ctx, ctx.params.id as string);
    return deleteRelationRow(ctx, CORE_RELATIONS.rolesScopes, {
      roleId: role.id,
      scopeId: ctx.params.scopeId as string,
    });
  });

  // ---- applications
  r.route('GET', '/roles/:id/applications', (ctx) => {
    const role = getRole(ctx, ctx.params.id as string);
    const matchesSearch = searchFilter(ctx, ['id', 'name', 'description']);
    const rows = roleApps(ctx, role.id).filter(matchesSearch);
    return paginate(
      ctx,
      rows.map((a) => publicApplication(a as Parameters<typeof publicApplication>[0])),
      'always',
    );
  });

  r.route('POST', '/roles/:id/applications', (ctx) => {
    const role = getRole(ctx, ctx.params.id as string);
    const applicationIds = (ctx.body as { applicationIds: string[] }).applicationIds;
    if (applicationIds.length === 0) {
      throw guardError('applicationIds', 'Array must contain at least 1 element(s)', 'too_small');
    }
    const apps = applicationIds.map((id) => getApplication(ctx, id));
    for (const app of apps) {
      if (relationRows(ctx, CORE_RELATIONS.applicationsRoles, { roleId: role.id, applicationId: app.id }).length > 0) {
        throw new ApiError(
          422,
          'role.application_exists',
          `The application id ${app.id} is already added to this role`,
        );
      }
    }
    if (role.type !== 'MachineToMachine' || apps.some((a) => a.type !== 'MachineToMachine')) {
      throw new ApiError(422, 'entity.db_constraint_violated', 'Database constraint violated.');
    }
    for (const app of apps)
      relationAdd(ctx, CORE_RELATIONS.applicationsRoles, { roleId: role.id, applicationId: app.id });
    return text('Created', 201);
  });

  r.route('DELETE', '/roles/:id/applications/:applicationId', (ctx) => {
    const role = getRole(ctx, ctx.params.id as string);
    return deleteRelationRow(ctx, CORE_RELATIONS.applicationsRoles, {
      roleId: role.id,
      applicationId: ctx.params.applicationId as string,
    });
  });

  // ---- users (the emulator manages no users itself; the list is usually empty)
  r.route('GET', '/roles/:id/users', (ctx) => {
    const role = getRole(ctx, ctx.params.id as string);
    return paginate(ctx, roleUsers(ctx, role.id), 'always');
  });
};
