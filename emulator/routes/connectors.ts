/**
 * `/connectors` and `/connector-factories` (docs/logto-behaviour.md#connectors). A fresh OSS build links no connector
 * packages, so there are no factories unless the tenant is seeded with some through `seedConnectorFactories()`.
 */

import { CONNECTOR_FACTORIES } from '../../resources/connector-factories.generated.js';
import { REQUIRED_TEMPLATES } from '../../resources/connector-factory-info.js';
// Logto's clean-deep, which it applies to config and metadata before storing them.
import { cleanDeep } from '../../resources/shared.js';
import {
  type ConnectorFactory,
  type ConnectorRow,
  connectors,
  factories,
  removeUnavailableSocialTargets,
} from '../route-state.js';
import { ApiError, type RequestContext, type RouteModule, type TenantState } from '../types.js';
import { emptyPatch, newId, noContent, notFound, ok, SINGLETONS } from '../util.js';

export type { ConnectorFactory } from '../route-state.js';

/**
 * Logto's official connectors as a real Logto offers them once their packages are installed (measured:
 * `resources/connector-factories.generated.ts`): SMTP and HTTP email, Twilio SMS, GitHub, Google, and the
 * standard OIDC and SAML factories, with their config fields.
 */
export const OFFICIAL_CONNECTOR_FACTORIES: readonly ConnectorFactory[] = CONNECTOR_FACTORIES.map((f) => ({
  id: f.id,
  type: f.type,
  target: f.target,
  platform: f.platform as ConnectorFactory['platform'],
  name: { en: f.name },
  description: { en: `${f.name} connector.` },
  logo: './logo.svg',
  logoDark: null,
  readme: '',
  isDemo: false,
  ...(f.isStandard ? { isStandard: true } : {}),
  ...(f.isTokenStorageSupported ? { isTokenStorageSupported: true } : {}),
  formItems: f.fields.map((field) => ({
    key: field.key,
    type: field.type,
    label: field.label,
    required: field.required,
    ...(field.values ? { selectItems: field.values.map((value) => ({ value, title: String(value) })) } : {}),
    ...(field.when
      ? { showConditions: field.when.map((c) => ({ targetKey: c.key, expectValue: c.value ?? undefined })) }
      : {}),
  })),
}));

/**
 * Make connector factories available in a tenant (called by the emulator's seed step, e.g. for a
 * `seed: { connectorFactories: true }` option). Without it the tenant has none, like a fresh OSS build.
 */
export function seedConnectorFactories(
  state: TenantState,
  factories: readonly ConnectorFactory[] = OFFICIAL_CONNECTOR_FACTORIES,
): void {
  state.singletons[SINGLETONS.connectorFactories] = factories.map((f) => ({ ...f }));
}

function render(ctx: RequestContext, row: ConnectorRow): Record<string, unknown> {
  const f = factories(ctx).find((x) => x.id === row.connectorId);
  const metadata = row.metadata;
  return {
    ...row,
    ...f,
    id: row.id,
    connectorId: row.connectorId,
    ...(f?.isStandard ? pick(metadata, ['target', 'name', 'logo', 'logoDark']) : {}),
    isDemo: false,
    extraInfo: {},
  };
}

const pick = (o: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined && o[k] !== null).map((k) => [k, o[k]]));

function find(ctx: RequestContext): ConnectorRow {
  const row = connectors(ctx)[ctx.params.id];
  if (!row) throw notFound();
  return row;
}

const EXPECTED: Record<string, string> = {
  Text: 'string',
  MultilineText: 'string',
  Select: 'string',
  Number: 'number',
  Switch: 'boolean',
  MultiSelect: 'array',
};
const jsonType = (v: unknown) => (v === undefined ? 'undefined' : Array.isArray(v) ? 'array' : typeof v);

/**
 * The factory's config guard, as far as its form describes it (the real guards are zod schemas in each
 * connector package): required fields whose conditions hold, value types, and the verification-code
 * templates every email/SMS connector needs. Unknown keys are kept, as Logto keeps them.
 */
function validateConfig(f: ConnectorFactory, config: Record<string, unknown>): void {
  const issues: Record<string, unknown>[] = [];
  for (const item of f.formItems ?? []) {
    const applies = (item.showConditions ?? []).every((c) => config[c.targetKey] === c.expectValue);
    const value = config[item.key];
    const expected = item.type === 'Json' ? (Array.isArray(value) ? 'array' : 'object') : EXPECTED[item.type];
    if (value === undefined) {
      if (item.required && applies)
        issues.push({ code: 'invalid_type', expected, received: 'undefined', path: [item.key], message: 'Required' });
    } else if (expected && jsonType(value) !== expected) {
      issues.push({
        code: 'invalid_type',
        expected,
        received: jsonType(value),
        path: [item.key],
        message: `Expected ${expected}, received ${jsonType(value)}`,
      });
    }
  }
  if (f.type !== 'Social' && Array.isArray(config.templates)) {
    const usages = config.templates.map((t) => (t as { usageType?: unknown })?.usageType);
    const missing = REQUIRED_TEMPLATES.filter((u) => !usages.includes(u));
    if (missing.length > 0)
      issues.push({
        code: 'custom',
        message: `Template with UsageType (${missing.join(', ')}) should be provided!`,
        path: ['templates'],
      });
  }
  if (issues.length > 0)
    throw new ApiError(400, 'connector.invalid_config', "The connector's config is invalid.", {
      issues,
      name: 'ZodError',
    });
}

const METADATA_NOT_ALLOWED = () =>
  new ApiError(
    400,
    'connector.cannot_overwrite_metadata_for_non_standard_connector',
    "This connector's 'metadata' cannot be overwritten.",
  );
const NO_TOKEN_STORAGE = () =>
  new ApiError(422, 'request.feature_not_supported', 'This feature is not supported in the current environment.');

const connectorsModule: RouteModule = (r) => {
  r.route('GET', '/connector-factories', (ctx) => ok(factories(ctx)));

  r.route('GET', '/connector-factories/:id', (ctx) => {
    const f = factories(ctx).find((x) => x.id === ctx.params.id);
    if (!f) throw notFound();
    return ok(f);
  });

  r.route('GET', '/connectors', (ctx) => {
    const target = ctx.query.get('target');
    const rows = Object.values(connectors(ctx))
      .map((row) => render(ctx, row))
      .filter((c) => !target || c.target === target);
    return ok(rows);
  });

  // Checks in Logto's order (routes/connector/index.ts): factory, social target rules, config, token storage.
  r.route('POST', '/connectors', (ctx) => {
    const body = ctx.body as Partial<ConnectorRow> & { connectorId: string };
    const f = factories(ctx).find((x) => x.id === body.connectorId);
    if (!f) {
      throw new ApiError(
        422,
        'connector.not_found_with_connector_id',
        'Can not find connector with given standard connector id.',
      );
    }
    const all = connectors(ctx);
    const metadata = body.metadata;
    if (f.type === 'Social') {
      if (f.isStandard && !metadata?.target)
        throw new ApiError(400, 'connector.should_specify_target', "You should specify 'target'.");
      if (!f.isStandard && metadata !== undefined) throw METADATA_NOT_ALLOWED();
      if (!f.isStandard && Object.values(all).some((c) => c.connectorId === f.id)) {
        throw new ApiError(
          422,
          'connector.multiple_instances_not_supported',
          'Can not create multiple instance with picked standard connector.',
        );
      }
      const target = (metadata?.target as string | undefined) || f.target;
      const taken = Object.values(all)
        .map((c) => render(ctx, c))
        .find((c) => c.type === 'Social' && c.target === target && c.platform === f.platform);
      if (taken) {
        throw new ApiError(
          422,
          'connector.multiple_target_with_same_platform',
          'You can not have multiple social connectors that have same target and platform.',
          { connectorId: taken.connectorId, connectorName: taken.name },
        );
      }
    }
    if (body.config) validateConfig(f, body.config);
    if (body.enableTokenStorage) throw NO_TOKEN_STORAGE();
    const id = body.id ?? newId(12);
    if (f.type !== 'Social') {
      // One passwordless connector per type: a new email/SMS connector replaces the old one.
      const byId = new Map(factories(ctx).map((x) => [x.id, x]));
      for (const c of Object.values(all)) if (byId.get(c.connectorId)?.type === f.type) delete all[c.id];
    }
    const row: ConnectorRow = {
      tenantId: 'default',
      id,
      connectorId: f.id,
      config: (cleanDeep(body.config) as Record<string, unknown>) ?? {},
      metadata: (cleanDeep(metadata) as Record<string, unknown>) ?? {},
      syncProfile: body.syncProfile ?? false,
      enableTokenStorage: false,
      createdAt: Date.now(),
    };
    all[row.id] = row;
    return ok(render(ctx, row));
  });

  r.route('GET', '/connectors/:id', (ctx) => ok(render(ctx, find(ctx))));

  r.route('PATCH', '/connectors/:id', (ctx) => {
    const row = find(ctx);
    const body = (ctx.body ?? {}) as Partial<ConnectorRow>;
    const f = factories(ctx).find((x) => x.id === row.connectorId);
    if (!f) throw notFound();
    const keys = (['config', 'metadata', 'syncProfile', 'enableTokenStorage'] as const).filter(
      (k) => body[k] !== undefined,
    );
    if (keys.length === 0) throw emptyPatch();
    if (f.isStandard && body.metadata && body.metadata.target !== row.metadata.target)
      throw new ApiError(400, 'connector.can_not_modify_target', "The connector 'target' can not be modified.");
    if (!f.isStandard && body.metadata) throw METADATA_NOT_ALLOWED();
    if (body.syncProfile && f.type !== 'Social') {
      throw new ApiError(422, 'connector.invalid_type_for_syncing_profile', 'Only social connector can sync profile.');
    }
    if (body.enableTokenStorage) throw NO_TOKEN_STORAGE();
    if (body.config) validateConfig(f, body.config);
    // Logto replaces the JSON columns whole (jsonbMode: 'replace'), after clean-deep.
    if (body.config) row.config = (cleanDeep(body.config) as Record<string, unknown>) ?? {};
    if (body.metadata) row.metadata = (cleanDeep(body.metadata) as Record<string, unknown>) ?? {};
    if (body.syncProfile !== undefined) row.syncProfile = body.syncProfile;
    if (body.enableTokenStorage !== undefined) row.enableTokenStorage = body.enableTokenStorage;
    return ok(render(ctx, row));
  });

  r.route('DELETE', '/connectors/:id', (ctx) => {
    find(ctx);
    delete connectors(ctx)[ctx.params.id];
    // Logto removes the sign-in experience's targets that no social connector serves any more.
    removeUnavailableSocialTargets(ctx);
    return noContent();
  });
};

export default connectorsModule;
