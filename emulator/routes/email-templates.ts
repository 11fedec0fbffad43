/** `/email-templates`: bulk upsert, filters, bulk delete, details merge (docs/logto-behaviour.md#email-templates). */
import { ApiError, type RequestContext, type RouteModule } from '../types.js';
import { newId, noContent, notExistsWithId, notFound, ok, TABLES, table } from '../util.js';

export interface EmailTemplateRow extends Record<string, unknown> {
  tenantId: string;
  id: string;
  languageTag: string;
  templateType: string;
  details: Record<string, unknown>;
  createdAt: number;
}

const templates = (ctx: RequestContext) => table<EmailTemplateRow>(ctx, TABLES.emailTemplates);

function filtered(ctx: RequestContext): EmailTemplateRow[] {
  const languageTag = ctx.query.get('languageTag');
  const templateType = ctx.query.get('templateType');
  return Object.values(templates(ctx)).filter(
    (t) => (!languageTag || t.languageTag === languageTag) && (!templateType || t.templateType === templateType),
  );
}

const emailTemplates: RouteModule = (r) => {
  r.route('GET', '/email-templates', (ctx) => ok(filtered(ctx)));

  r.route('PUT', '/email-templates', (ctx) => {
    const { templates: input } = ctx.body as {
      templates: Array<{ languageTag: string; templateType: string; details: Record<string, unknown> }>;
    };
    const all = templates(ctx);
    const out: EmailTemplateRow[] = [];
    for (const t of input) {
      const existing = Object.values(all).find(
        (x) => x.languageTag === t.languageTag && x.templateType === t.templateType,
      );
      if (existing) {
        existing.details = t.details;
        out.push(existing);
      } else {
        const row: EmailTemplateRow = {
          tenantId: 'default',
          id: newId(),
          languageTag: t.languageTag,
          templateType: t.templateType,
          details: t.details,
          createdAt: Date.now(),
        };
        all[row.id] = row;
        out.push(row);
      }
    }
    return ok(out);
  });

  r.route('DELETE', '/email-templates', (ctx) => {
    if (!ctx.query.get('languageTag') && !ctx.query.get('templateType')) {
      throw new ApiError(
        422,
        'connector.email_connector.bulk_deletion_no_filter',
        'At least one filter (languageTag or templateType) is required for bulk deletion.',
      );
    }
    const all = templates(ctx);
    const rows = filtered(ctx);
    for (const row of rows) delete all[row.id];
    return ok({ rowCount: rows.length });
  });

  r.route('GET', '/email-templates/:id', (ctx) => {
    const row = templates(ctx)[ctx.params.id];
    if (!row) throw notExistsWithId(TABLES.emailTemplates, ctx.params.id);
    return ok(row);
  });

  r.route('PATCH', '/email-templates/:id/details', (ctx) => {
    const row = templates(ctx)[ctx.params.id];
    if (!row) throw notExistsWithId(TABLES.emailTemplates, ctx.params.id);
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    const patch: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) if (v !== undefined) patch[k] = v;
    row.details = { ...row.details, ...patch };
    return ok(row);
  });

  r.route('DELETE', '/email-templates/:id', (ctx) => {
    const all = templates(ctx);
    if (!all[ctx.params.id]) throw notFound();
    delete all[ctx.params.id];
    return noContent();
  });
};

export default emailTemplates;
