/**
 * ApplicationSignInExperience: the app-level sign-in experience (`/applications/:id/sign-in-experience`).
 * For a first-party app Logto lays its logos, favicons, colors and custom CSS over the tenant's sign-in page;
 * for a third-party app it shows its display name, logo and terms/privacy links on the consent page (and
 * ignores its colors and CSS). Logto keeps one row per application, so the application id is both the id
 * and the key.
 *
 * Logto writes the fields a PUT sends and replaces `color` and `branding` whole, so a write sends each
 * nested object complete (the spec's leaves over the live ones). As everywhere, the fields a spec leaves out
 * are not managed; `null` removes a text or link. There is no DELETE: deleting clears every field, and a
 * row with nothing set reads as absent.
 */
import { z } from 'zod';
import { cached, defineResource, invalidate, type Live, type ResourceContext } from '../core/contract.js';
import { lazySchema, lazyValue } from '../core/lazy-schema.js';
import { listApplications } from './application.js';
import { hexColor, httpUrl, isNotFound, type Nesting, nestedBody, nestedValue, seg } from './shared.js';

const KIND = 'ApplicationSignInExperience';

const spec = lazySchema(() =>
  z
    .object({
      applicationId: z
        .string()
        .min(1)
        .describe('Id of the application (any type but MachineToMachine). Changing it replaces the object.'),
      displayName: z
        .string()
        .min(1)
        .max(256)
        .nullable()
        .optional()
        .describe(
          'Third-party apps: the name shown on the consent page instead of the application name; null removes it.',
        ),
      logoUrl: httpUrl.optional().describe('Logo (light mode): on the sign-in page, or on the consent page.'),
      darkLogoUrl: httpUrl.optional().describe('Logo in dark mode.'),
      favicon: httpUrl.optional().describe('First-party apps: favicon of the sign-in page (light mode).'),
      darkFavicon: httpUrl.optional().describe('First-party apps: favicon of the sign-in page in dark mode.'),
      primaryColor: hexColor.optional().describe('First-party apps: primary brand color (hex), e.g. `#5b3ff0`.'),
      isDarkModeEnabled: z
        .boolean()
        .optional()
        .describe('First-party apps: whether the sign-in page follows the system dark mode.'),
      darkPrimaryColor: hexColor.optional().describe('First-party apps: primary brand color in dark mode (hex).'),
      customCss: z
        .string()
        .min(1)
        .nullable()
        .optional()
        .describe('First-party apps: custom CSS for the sign-in page; null removes it.'),
      termsOfUseUrl: httpUrl
        .max(2048)
        .nullable()
        .optional()
        .describe('Third-party apps: terms of use link on the consent page (absolute http(s) URL); null removes it.'),
      privacyPolicyUrl: httpUrl
        .max(2048)
        .nullable()
        .optional()
        .describe('Third-party apps: privacy policy link on the consent page (absolute http(s) URL); null removes it.'),
    })
    .refine(
      (s: Record<string, unknown>): boolean => content().some((field) => s[field] !== undefined && s[field] !== null),
      {
        path: ['applicationId'],
        message: 'set at least one of displayName, the logos and favicons, the colors, customCss or the links',
      },
    ),
);

export type ApplicationSignInExperienceSpec = z.infer<typeof spec>;
type Field = Exclude<keyof ApplicationSignInExperienceSpec, 'applicationId'>;

/** The spec fields Logto keeps in its `branding` and `color` objects. */
const NESTED: Nesting = {
  logoUrl: ['branding', 'logoUrl'],
  darkLogoUrl: ['branding', 'darkLogoUrl'],
  favicon: ['branding', 'favicon'],
  darkFavicon: ['branding', 'darkFavicon'],
  primaryColor: ['color', 'primaryColor'],
  isDarkModeEnabled: ['color', 'isDarkModeEnabled'],
  darkPrimaryColor: ['color', 'darkPrimaryColor'],
};
const content = lazyValue(() => Object.keys(spec.shape).filter((k) => k !== 'applicationId') as Field[]);
/** What a deleted row holds: nothing set. */
const CLEARED = {
  color: {},
  branding: {},
  customCss: null,
  displayName: null,
  termsOfUseUrl: null,
  privacyPolicyUrl: null,
};

type Row = Record<string, unknown>;

/** The row as a live object, or undefined when it sets nothing (never written, or deleted). */
function toLive(applicationId: string, row: Row): Live<ApplicationSignInExperienceSpec> | undefined {
  const s: Record<string, unknown> = { applicationId };
  for (const field of content()) {
    const value = nestedValue(row, field, NESTED);
    if (value !== undefined) s[field] = value;
  }
  if (!content().some((field) => s[field] !== undefined && s[field] !== null)) return undefined;
  return { id: applicationId, spec: s as ApplicationSignInExperienceSpec, outputs: { id: applicationId }, raw: row };
}

const path = (applicationId: string) => `/applications/${seg(applicationId)}/sign-in-experience`;

function readRow(ctx: ResourceContext, applicationId: string): Promise<Row | undefined> {
  return cached(ctx, `${KIND}:${applicationId}`, async () => {
    try {
      return await ctx.client.get<Row>(path(applicationId));
    } catch (error) {
      if (isNotFound(error)) return undefined; // no row yet, or no such application
      throw error;
    }
  });
}

async function readOne(ctx: ResourceContext, applicationId: string) {
  const row = await readRow(ctx, applicationId);
  return row ? toLive(applicationId, row) : undefined;
}

/** PUT `fields` of `desired` over the live row (a missing row counts as an empty one). */
async function write(ctx: ResourceContext, fields: string[], desired: ApplicationSignInExperienceSpec, live: Row) {
  invalidate(ctx, `${KIND}:`);
  const body = nestedBody(fields, desired, live, NESTED);
  const row = await ctx.client.request<Row>('PUT', path(desired.applicationId), { body });
  return (
    toLive(desired.applicationId, row) ?? {
      id: desired.applicationId,
      spec: { applicationId: desired.applicationId },
      outputs: { id: desired.applicationId },
    }
  );
}

export const ApplicationSignInExperience = defineResource<ApplicationSignInExperienceSpec>({
  kind: KIND,
  description:
    'The app-level sign-in experience of one application: logos, favicons, colors and CSS over the sign-in page for a first-party app; display name, logo and terms/privacy links on the consent page of a third-party app. Deleting it clears every field (Logto has no delete).',
  spec,
  outputs: [{ name: 'id', description: 'The application id.', type: 'string', stable: true }],
  key: { fields: ['applicationId'], of: (s) => s.applicationId },
  immutable: ['applicationId'],
  sensitive: [],
  sets: [],
  references: [
    {
      field: 'applicationId',
      kind: 'Application',
      accepts: (app) =>
        app.type === 'MachineToMachine'
          ? 'it is a MachineToMachine application, which users never sign in to; use the application users sign in to'
          : undefined,
    },
  ],
  relations: [],

  read: (ctx, id) => readOne(ctx, id),
  async list(ctx) {
    const out: Live<ApplicationSignInExperienceSpec>[] = [];
    for (const app of await listApplications(ctx)) {
      const live = await readOne(ctx, app.id);
      if (live) out.push(live);
    }
    return out;
  },
  async findByKey(ctx, s) {
    const live = await readOne(ctx, s.applicationId);
    return live ? [live] : [];
  },
  async create(ctx, s) {
    return write(ctx, content(), s, (await readRow(ctx, s.applicationId)) ?? CLEARED);
  },
  async update(ctx, _id, changes, live, desired) {
    const row = (live.raw as Row | undefined) ?? (await readRow(ctx, desired.applicationId)) ?? CLEARED;
    return write(ctx, Object.keys(changes), { ...desired, ...changes }, row);
  },
  async delete(ctx, id) {
    invalidate(ctx, `${KIND}:`);
    try {
      await ctx.client.request('PUT', path(id), { body: CLEARED });
    } catch (error) {
      if (!isNotFound(error)) throw error; // the application is gone, and its row with it
    }
  },
});
