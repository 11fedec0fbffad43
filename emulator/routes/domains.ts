/**
 * `/domains`: custom domains. Logto OSS has no hostname provider, so POST and DELETE answer 400 `domain.not_configured`
 * (measured: docs/logto-behaviour.md#custom-domains) and the list is empty. With a hostname provider (Logto Cloud; the
 * emulator's `customDomains` option) the routes behave as Logto's domain routes do there: POST `{domain}` answers 201
 * with the domain pending verification and the CNAME record to create; a domain already added is 422
 * `domain.domain_in_use`; DELETE answers 204. The status advances when the DNS record is verified, which the emulator
 * leaves to tests (`state.tables.domains[id].status`).
 */
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import { newId, noContent, notExistsWithId, ok, SINGLETONS, TABLES, table } from '../util.js';

/** What Logto Cloud points a custom domain's CNAME at. */
export const CLOUD_FALLBACK_ORIGIN = 'domains.logto.app';

interface DomainRow extends Record<string, unknown> {
  id: string;
  domain: string;
  status: 'PendingVerification' | 'PendingSsl' | 'Active' | 'Error';
  errorMessage: string | null;
  dnsRecords: Array<{ name: string; type: string; value: string }>;
  createdAt: number;
}

const notConfigured = () => new ApiError(400, 'domain.not_configured', 'Domain hostname provider is not configured.');
const configured = (ctx: RequestContext) => ctx.state.singletons[SINGLETONS.hostnameProvider] === true;
const domains = (ctx: RequestContext) => table<DomainRow>(ctx, TABLES.domains);

function get(ctx: RequestContext, id: string): DomainRow {
  const row = domains(ctx)[id];
  if (!row) throw notExistsWithId('domains', id);
  return row;
}

const domainRoutes: RouteModule = (r) => {
  r.route('GET', '/domains', (ctx) => ok(Object.values(domains(ctx)).sort((a, b) => a.createdAt - b.createdAt)));
  r.route('POST', '/domains', (ctx) => {
    if (!configured(ctx)) throw notConfigured();
    const { domain } = ctx.body as { domain: string };
    if (Object.values(domains(ctx)).some((d) => d.domain === domain))
      throw new ApiError(422, 'domain.domain_in_use', `This domain ${domain} is already in use.`);
    const row: DomainRow = {
      id: newId(),
      domain,
      status: 'PendingVerification',
      errorMessage: null,
      dnsRecords: [{ type: 'CNAME', name: domain, value: CLOUD_FALLBACK_ORIGIN }],
      createdAt: Date.now(),
    };
    domains(ctx)[row.id] = row;
    return ok(row, 201);
  });
  r.route('GET', '/domains/:id', (ctx) => ok(get(ctx, ctx.params.id as string)));
  // Logto asks its hostname provider to remove the domain first, so OSS answers "not configured" (measured).
  r.route('DELETE', '/domains/:id', (ctx) => {
    if (!configured(ctx)) throw notConfigured();
    get(ctx, ctx.params.id as string);
    delete domains(ctx)[ctx.params.id as string];
    return noContent();
  });
};

export default domainRoutes;
