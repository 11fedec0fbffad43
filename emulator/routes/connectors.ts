/**
 * `/connectors` and `/connector-factories` (facts §23). A fresh OSS build links no connector packages, so
 * there are no factories unless the tenant is seeded with some through `seedConnectorFactories()`.
 */
import { ApiError, type RequestContext, type RouteModule, type TenantState } from '../types.js';
import { newId, noContent, notFound, ok, SINGLETONS, TABLES, table } from '../util.js';

export type ConnectorType = 'Email' | 'Sms' | 'Social';

export interface ConnectorFactory {
  id: string;
  type: ConnectorType;
  target: string;
  platform: 'Universal' | 'Web' | 'Native' | null;
  name: Record<string, string>;
  description: Record<string, string>;
  logo: string;
  logoDark: string | null;
  isStandard: boolean;
  readme: string;
  configTemplate?: string;
  formItems?: unknown[];
}

/** A small, representative factory set: one email, one SMS and one social connector. */
export const SAMPLE_CONNECTOR_FACTORIES: readonly ConnectorFactory[] = [
  {
    id: 'simple-mail-transport-protocol',
    type: 'Email',
    target: 'smtp',
    platform: null,
    name: { en: 'SMTP' },
    description: { en: 'Sends email through an SMTP server.' },
    logo: './logo.svg',
    logoDark: null,
    isStandard: false,
    readme: '',
  },
  {
    id: 'twilio-short-message-service',
    type: 'Sms',
    target: 'twilio-sms',
    platform: null,
    name: { en: 'Twilio SMS' },
    description: { en: 'Sends text messages through Twilio.' },
    logo: './logo.svg',
    logoDark: null,
    isStandard: false,
    readme: '',
  },
  {
    id: 'github-universal',
    type: 'Social',
    target: 'github',
    platform: 'Universal',
    name: { en: 'GitHub' },
    description: { en: 'Sign in with GitHub.' },
    logo: './logo.svg',
    logoDark: './logo-dark.svg',
    isStandard: false,
    readme: '',
  },
];

/**
 * Make connector factories available in a tenant (called by the emulator's seed step, e.g. for a
 * `seed: { connectorFactories: true }` option). Without it the tenant has none, like a fresh OSS build.
 */
export function seedConnectorFactories(
  state: TenantState,
  factories: readonly ConnectorFactory[] = SAMPLE_CONNECTOR_FACTORIES,
): void {
  state.singletons[SINGLETONS.connectorFactories] = factories.map((f) => ({ ...f }));
}

export interface ConnectorRow extends Record<string, unknown> {
  tenantId: string;
  id: string;
  connectorId: string;
  config: Record<string, unknown>;
  metadata: Record<string, unknown>;
  syncProfile: boolean;
  enableTokenStorage: boolean;
  createdAt: number;
}

export function factories(ctx: RequestContext): ConnectorFactory[] {
  return (ctx.state.singletons[SINGLETONS.connectorFactories] as ConnectorFactory[] | undefined) ?? [];
}

const connectors = (ctx: RequestContext) => table<ConnectorRow>(ctx, TABLES.connectors);

/** Connector types for which at least one connector exists (used by sign-in experience checks). */
export function enabledConnectorTypes(ctx: RequestContext): Set<ConnectorType> {
  const byId = new Map(factories(ctx).map((f) => [f.id, f]));
  const types = new Set<ConnectorType>();
  for (const c of Object.values(connectors(ctx))) {
    const f = byId.get(c.connectorId);
    if (f) types.add(f.type);
  }
  return types;
}

/** Targets of the tenant's social connectors (the only ones the sign-in experience keeps). */
export function socialConnectorTargets(ctx: RequestContext): Set<string> {
  const byId = new Map(factories(ctx).map((f) => [f.id, f]));
  const targets = new Set<string>();
  for (const c of Object.values(connectors(ctx))) {
    const f = byId.get(c.connectorId);
    if (f?.type === 'Social') targets.add(f.target);
  }
  return targets;
}

function render(ctx: RequestContext, row: ConnectorRow): Record<string, unknown> {
  const f = factories(ctx).find((x) => x.id === row.connectorId);
  return { ...f, ...row, connectorId: row.connectorId, isDemo: false, extraInfo: {} };
}

function find(ctx: RequestContext): ConnectorRow {
  const row = connectors(ctx)[ctx.params.id];
  if (!row) throw notFound();
  return row;
}

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
    if (f.type === 'Social') {
      if (!f.isStandard && Object.values(all).some((c) => c.connectorId === f.id)) {
        throw new ApiError(
          422,
          'connector.multiple_instances_not_supported',
          'Can not create multiple instance with picked social connector.',
        );
      }
    } else {
      // One passwordless connector per type: a new email/SMS connector replaces the old one.
      const byId = new Map(factories(ctx).map((x) => [x.id, x]));
      for (const c of Object.values(all)) if (byId.get(c.connectorId)?.type === f.type) delete all[c.id];
    }
    const id = body.id && !all[body.id] ? body.id : newId(12);
    const row: ConnectorRow = {
      tenantId: 'default',
      id,
      connectorId: f.id,
      config: body.config ?? {},
      metadata: body.metadata ?? {},
      syncProfile: body.syncProfile ?? false,
      enableTokenStorage: body.enableTokenStorage ?? false,
      createdAt: Date.now(),
    };
    all[row.id] = row;
    return ok(render(ctx, row));
  });

  r.route('GET', '/connectors/:id', (ctx) => ok(render(ctx, find(ctx))));

  r.route('PATCH', '/connectors/:id', (ctx) => {
    const row = find(ctx);
    const body = ctx.body as Partial<ConnectorRow>;
    for (const key of ['config', 'metadata', 'syncProfile', 'enableTokenStorage'] as const) {
      if (body[key] !== undefined) (row as Record<string, unknown>)[key] = body[key];
    }
    return ok(render(ctx, row));
  });

  r.route('DELETE', '/connectors/:id', (ctx) => {
    find(ctx);
    delete connectors(ctx)[ctx.params.id];
    return noContent();
  });
};

export default connectorsModule;
