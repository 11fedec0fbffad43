/**
 * CustomProfileField: an extra profile field users fill in on sign-up or in the account center
 * (`/custom-profile-fields`). Logto addresses these by **name** (unique; a duplicate is a 422), so the name
 * is the key and also the object's id here; the API's own row id is an output. `PUT /:name` replaces the
 * whole field (it may change `type`), so an update sends the complete field: desired values over live ones.
 * The name cannot be changed in place: a new name replaces the field.
 */
import { z } from 'zod';
import { cached, defineResource, invalidate, type Live, type ResourceContext } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { getOrUndefined, isRecord, pickDefined, seg } from './shared.js';

export const PROFILE_FIELD_TYPES = [
  'Text',
  'Number',
  'Date',
  'Checkbox',
  'Select',
  'Url',
  'Regex',
  'Address',
  'Fullname',
] as const;

/** Config keys each type cannot do without (Logto answers 400 otherwise). */
const REQUIRED_CONFIG: Partial<Record<(typeof PROFILE_FIELD_TYPES)[number], { key: string; example: string }>> = {
  Date: { key: 'format', example: '{"format":"yyyy-MM-dd"}' },
  Regex: { key: 'format', example: '{"format":"^[0-9]{5}$"}' },
  Select: { key: 'options', example: '{"options":[{"value":"a","label":"A"}]}' },
  Checkbox: { key: 'defaultValue', example: '{"defaultValue":"false"}' },
};

/**
 * Names Logto refuses (400 `custom_profile_fields.name_conflict_*`): a built-in profile claim, custom-data keys
 * the Console uses, and the sign-in identifiers.
 */
const RESERVED_NAMES = new Map<string, string>([
  ['preferredUsername', 'a built-in profile property'],
  ...['onboarding', 'ossOnboarding', 'guideRequests', 'adminConsolePreferences', 'defaultTenantId'].map(
    (n) => [n, 'a custom-data key Logto uses'] as [string, string],
  ),
  ...['username', 'primaryEmail', 'primaryPhone', 'email', 'phone'].map(
    (n) => [n, 'a sign-in identifier'] as [string, string],
  ),
]);

const spec = lazySchema(() =>
  z
    .object({
      name: z
        .string()
        .min(1)
        .regex(
          /^[0-9A-Za-z]+$/,
          'Logto allows only letters and digits in a custom profile field name (no `_`, `-` or spaces), e.g. `jobTitle`',
        )
        .refine((name) => !RESERVED_NAMES.has(name), {
          error: (issue) =>
            `\`${String(issue.input)}\` is reserved by Logto (${RESERVED_NAMES.get(String(issue.input))}); choose another name`,
        })
        .describe(
          'Name of the field, unique in the tenant, e.g. `department`. Logto addresses the field by it, so changing it replaces the field.',
        ),
      type: z
        .enum(PROFILE_FIELD_TYPES)
        .describe(`Kind of input: ${PROFILE_FIELD_TYPES.join(', ')}. Can be changed in place.`),
      label: z.string().min(1).optional().describe('Label shown next to the input.'),
      description: z.string().optional().describe('Help text shown with the input.'),
      required: z.boolean().optional().describe('Whether users must fill the field in (default false).'),
      config: z
        .record(z.string(), z.unknown())
        .optional()
        .describe(
          'Type-specific settings as JSON, e.g. `{"placeholder":"Sales"}`; `Date` and `Regex` need `format`, `Select` needs `options`, `Checkbox` needs `defaultValue` (`"true"`/`"false"`).',
        ),
      sieOrder: z
        .int()
        .min(0)
        .optional()
        .describe(
          'Position of the field on the sign-up form, lower first (Logto appends new fields at the end). Several fields may share a position.',
        ),
    })
    .superRefine((s, ctx) => {
      const needed = REQUIRED_CONFIG[s.type];
      if (needed && !(isRecord(s.config) && s.config[needed.key] !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['config'],
          message: `a ${s.type} field needs \`config.${needed.key}\`, e.g. ${needed.example}`,
        });
      }
    }),
);

export type CustomProfileFieldSpec = z.infer<typeof spec>;

interface ApiCustomProfileField {
  id: string;
  name: string;
  type: CustomProfileFieldSpec['type'];
  label: string;
  description: string | null;
  required: boolean;
  config: Record<string, unknown> | null;
  sieOrder?: number;
}

const KIND = 'CustomProfileField';
const ROUTE = '/custom-profile-fields';
const BODY_FIELDS = ['type', 'label', 'description', 'required', 'config'] as const;

function toLive(row: ApiCustomProfileField): Live<CustomProfileFieldSpec> {
  const s: Record<string, unknown> = { name: row.name, type: row.type, required: row.required };
  if (typeof row.sieOrder === 'number') s.sieOrder = row.sieOrder;
  if (row.label) s.label = row.label;
  if (row.description !== null && row.description !== undefined) s.description = row.description;
  s.config = row.config ?? {};
  return {
    id: row.name,
    spec: s as CustomProfileFieldSpec,
    outputs: { id: row.name, fieldId: row.id },
    raw: row,
  };
}

const listAll = (ctx: ResourceContext) =>
  cached(ctx, `${KIND}:list`, () => ctx.client.get<ApiCustomProfileField[]>(ROUTE));

/** The complete PUT/POST body: the desired values laid over the live ones (PUT replaces the whole field). */
function fullBody(desired: CustomProfileFieldSpec, live?: CustomProfileFieldSpec): Record<string, unknown> {
  const merged = {
    required: false,
    ...(live ? pickDefined(live, BODY_FIELDS) : {}),
    ...pickDefined(desired, BODY_FIELDS),
  };
  // A type change drops the old type's settings unless the spec gives new ones.
  if (live && desired.type !== undefined && desired.type !== live.type && desired.config === undefined)
    delete merged.config;
  return merged;
}

/** PUT ignores `sieOrder`: the position is set through the batch order endpoint, one field at a time here. */
async function setOrder(ctx: ResourceContext, name: string, sieOrder: number): Promise<Live<CustomProfileFieldSpec>> {
  invalidate(ctx, `${KIND}:`);
  const rows = await ctx.client.post<ApiCustomProfileField[]>(
    `${ROUTE}/properties/sie-order`,
    { order: [{ name, sieOrder }] },
    { createsObject: false },
  );
  const row = rows.find((r) => r.name === name);
  if (!row) throw new Error(`custom profile field ${name} is missing from Logto's answer to the order update`);
  return toLive(row);
}

export const CustomProfileField = defineResource<CustomProfileFieldSpec>({
  kind: KIND,
  description:
    'A custom profile field (extra user profile data such as a department or a birth date), shown on sign-up and in the account center.',
  spec,
  outputs: [
    {
      name: 'id',
      description: 'The field’s name (Logto addresses custom profile fields by name).',
      type: 'string',
      stable: true,
    },
    { name: 'fieldId', description: 'Row id assigned by Logto.', type: 'string', stable: true },
  ],
  key: { fields: ['name'], of: (s) => s.name },
  immutable: ['name'],
  sensitive: [],
  sets: [],
  references: [],
  relations: [],

  normalize(s) {
    return s.config === undefined ? s : { ...s, config: s.config ?? {} };
  },

  async read(ctx, id) {
    const row =
      (await listAll(ctx)).find((r) => r.name === id) ??
      (await getOrUndefined<ApiCustomProfileField>(ctx, `${ROUTE}/${seg(id)}`));
    return row ? toLive(row) : undefined;
  },
  async list(ctx) {
    return (await listAll(ctx)).map((row) => toLive(row));
  },
  async findByKey(ctx, s) {
    return (await listAll(ctx)).filter((r) => r.name === s.name).map((row) => toLive(row));
  },
  async create(ctx, s) {
    invalidate(ctx, `${KIND}:`);
    const row = await ctx.client.post<ApiCustomProfileField>(ROUTE, { name: s.name, ...fullBody(s) });
    return s.sieOrder === undefined || s.sieOrder === row.sieOrder ? toLive(row) : setOrder(ctx, s.name, s.sieOrder);
  },
  async update(ctx, id, changes, live, desired) {
    invalidate(ctx, `${KIND}:`);
    const { sieOrder, ...rest } = changes;
    let next = live;
    if (Object.keys(rest).length > 0) {
      const body = fullBody({ ...desired, ...rest }, live.spec);
      next = toLive(await ctx.client.put<ApiCustomProfileField>(`${ROUTE}/${seg(id)}`, body));
    }
    return sieOrder === undefined ? next : setOrder(ctx, id, sieOrder);
  },
  async delete(ctx, id) {
    invalidate(ctx, `${KIND}:`);
    await ctx.client.delete(`${ROUTE}/${seg(id)}`);
  },
});
