/** `/custom-profile-fields`, addressed by name (docs/logto-behaviour.md#custom-profile-fields). */

import { accountCenter } from '../route-state.js';
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import { GuardError, newId, noContent, notExists, notFound, ok, TABLES, table } from '../util.js';

export interface CustomProfileFieldRow extends Record<string, unknown> {
  tenantId: string;
  id: string;
  name: string;
  type: string;
  label: string;
  description: string | null;
  required: boolean;
  config: Record<string, unknown>;
  createdAt: number;
  sieOrder: number;
}

interface FieldInput {
  name?: string;
  type: string;
  label?: string;
  description?: string | null;
  required: boolean;
  config?: Record<string, unknown>;
}

const fields = (ctx: RequestContext) => table<CustomProfileFieldRow>(ctx, TABLES.customProfileFields);

const sorted = (ctx: RequestContext) => Object.values(fields(ctx)).sort((a, b) => a.sieOrder - b.sieOrder);

function find(ctx: RequestContext): CustomProfileFieldRow {
  const row = fields(ctx)[ctx.params.name];
  if (!row) throw notFound();
  return row;
}

/** Names Logto reserves, by the error code it answers with (docs/logto-behaviour.md#custom-profile-fields). */
const RESERVED: [string, string[], string][] = [
  ['custom_profile_fields.name_conflict_built_in_prop', ['preferredUsername'], 'Reserved built-in user profile property name(s)'],
  [
    'custom_profile_fields.name_conflict_custom_data',
    ['onboarding', 'ossOnboarding', 'guideRequests', 'adminConsolePreferences', 'defaultTenantId'],
    'Reserved custom data key(s)',
  ],
  [
    'custom_profile_fields.name_conflict_sign_in_identifier',
    ['username', 'primaryEmail', 'primaryPhone', 'email', 'phone'],
    'Reserved sign-in identifier key(s)',
  ],
]; // biome-ignore format: a table

/** Letters and digits only, and not a reserved name: 400 otherwise, checked before the duplicate check. */
function checkName(name: string): void {
  if (!/^[0-9A-Za-z]+$/.test(name)) {
    throw new ApiError(
      400,
      'custom_profile_fields.invalid_name',
      'Invalid field name, only letters or numbers are allowed, case sensitive.',
    );
  }
  for (const [code, names, what] of RESERVED) {
    if (names.includes(name)) throw new ApiError(400, code, `Invalid field name. ${what}: ${name}.`);
  }
}

const nameExists = () =>
  new ApiError(422, 'custom_profile_fields.name_exists', 'Field already exists with the given name.');

/** Address and Fullname fields are made of parts, none of which may itself be an Address or a Fullname. */
function checkParts(input: FieldInput): void {
  if (input.type !== 'Address' && input.type !== 'Fullname') return;
  const parts = (input.config as { parts?: { type?: string }[] } | undefined)?.parts ?? [];
  if (parts.length === 0) {
    const which = input.type === 'Address' ? 'address' : 'fullname';
    throw new ApiError(400, `custom_profile_fields.invalid_${which}_components`, `Invalid ${which} components.`);
  }
  if (parts.some((part) => part.type === 'Address' || part.type === 'Fullname')) {
    throw new ApiError(400, 'custom_profile_fields.invalid_sub_component_type', 'Invalid sub-component type.');
  }
}

function create(ctx: RequestContext, input: FieldInput & { name: string }): CustomProfileFieldRow {
  checkName(input.name);
  checkParts(input);
  const all = fields(ctx);
  if (all[input.name]) throw nameExists();
  const row: CustomProfileFieldRow = {
    tenantId: 'default',
    id: newId(),
    name: input.name,
    type: input.type,
    label: input.label ?? '',
    description: input.description ?? null,
    required: input.required,
    config: input.config ?? {},
    createdAt: Date.now(),
    sieOrder: Math.max(0, ...Object.values(all).map((f) => f.sieOrder)) + 1,
  };
  all[row.name] = row;
  return row;
}

const customProfileFields: RouteModule = (r) => {
  r.route('GET', '/custom-profile-fields', (ctx) => ok(sorted(ctx)));

  r.route('POST', '/custom-profile-fields', (ctx) => ok(create(ctx, ctx.body as FieldInput & { name: string }), 201));

  r.route('POST', '/custom-profile-fields/batch', (ctx) => {
    const inputs = ctx.body as Array<FieldInput & { name: string }>;
    if (inputs.length > 20) {
      throw new GuardError([
        {
          code: 'too_big',
          maximum: 20,
          type: 'array',
          inclusive: true,
          exact: false,
          path: [],
          message: 'Array must contain at most 20 element(s)',
        },
      ]);
    }
    const all = fields(ctx);
    const names = new Set<string>();
    for (const input of inputs) {
      checkName(input.name);
      if (all[input.name] || names.has(input.name)) throw nameExists();
      names.add(input.name);
    }
    return ok(
      inputs.map((input) => create(ctx, input)),
      201,
    );
  });

  r.route('POST', '/custom-profile-fields/properties/sie-order', (ctx) => {
    const { order } = ctx.body as { order: Array<{ name: string; sieOrder: number }> };
    const all = fields(ctx);
    for (const { name } of order) if (!all[name]) throw notFound();
    for (const { name, sieOrder } of order) (all[name] as CustomProfileFieldRow).sieOrder = sieOrder;
    return ok(sorted(ctx));
  });

  r.route('GET', '/custom-profile-fields/:name', (ctx) => ok(find(ctx)));

  r.route('PUT', '/custom-profile-fields/:name', (ctx) => {
    // PUT of an unknown name answers `entity.not_exists` (GET: `entity.not_found`), as the real server does.
    const row = fields(ctx)[ctx.params.name];
    if (!row) throw notExists('custom_profile_field');
    const input = ctx.body as FieldInput;
    checkParts(input);
    Object.assign(row, {
      type: input.type,
      label: input.label ?? '',
      description: input.description ?? null,
      required: input.required,
      config: input.config ?? {},
    });
    return ok(row);
  });

  r.route('DELETE', '/custom-profile-fields/:name', (ctx) => {
    find(ctx);
    delete fields(ctx)[ctx.params.name];
    // The account center stops showing it (Logto updates `profileFields` with the delete).
    const center = accountCenter(ctx);
    if (Array.isArray(center.profileFields))
      center.profileFields = (center.profileFields as { name: string }[]).filter((f) => f.name !== ctx.params.name);
    return noContent();
  });
};

export default customProfileFields;
