/**
 * EmailTemplate: the subject and body Logto's email connector sends for one kind of message in one language
 * (`/email-templates`). Logto keeps one template per (languageTag, templateType): that pair is the key, and
 * changing either replaces the template. There is no POST: `PUT /email-templates` upserts a list (and keeps
 * the id of a template that exists), `PATCH /:id/details` merges the given details, `DELETE /:id` removes
 * one. Reads come from the one unpaginated list (`collection`).
 */
import { z } from 'zod';
import { defineResource, invalidate, type Live } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { collection, pickDefined } from './shared.js';

/** The `templateType` enum of the Management API. */
export const EMAIL_TEMPLATE_TYPES = [
  'SignIn',
  'Register',
  'ForgotPassword',
  'OrganizationInvitation',
  'Generic',
  'UserPermissionValidation',
  'BindNewIdentifier',
  'MfaVerification',
  'BindMfa',
] as const;

const DETAILS = ['subject', 'content', 'contentType', 'replyTo', 'sendFrom'] as const;

const spec = lazySchema(() =>
  z.object({
    languageTag: z
      .string()
      .max(16, 'Logto keeps language tags of at most 16 characters')
      .regex(
        /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/,
        'use a BCP 47 language tag such as `en`, `fr` or `pt-BR` (Logto would store any text, and no user would ever get the template)',
      )
      .describe(
        'Language the template is for, as a BCP 47 tag, e.g. `en` or `pt-BR`. Changing it replaces the template.',
      ),
    templateType: z
      .enum(EMAIL_TEMPLATE_TYPES)
      .describe(
        `Which message the template is for: ${EMAIL_TEMPLATE_TYPES.join(', ')}. Changing it replaces the template.`,
      ),
    subject: z
      .string()
      .min(1, 'an email needs a subject, e.g. `Your sign-in code is {{code}}`')
      .describe('Subject line; `{{code}}` and the other Logto variables are filled in when the email is sent.'),
    content: z
      .string()
      .min(1, 'an email needs a body, e.g. `<p>Your code is {{code}}</p>`')
      .describe('Body of the email (HTML or plain text, see `contentType`), with Logto variables such as `{{code}}`.'),
    contentType: z
      .enum(['text/html', 'text/plain'])
      .optional()
      .describe('Content type of the body, `text/html` or `text/plain` (only some email connectors use it).'),
    replyTo: z.string().optional().describe('Reply-to name template (how it is used depends on the email connector).'),
    sendFrom: z.string().optional().describe('Sender name template (how it is used depends on the email connector).'),
  }),
);

export type EmailTemplateSpec = z.infer<typeof spec>;

interface ApiEmailTemplate {
  id: string;
  languageTag: string;
  templateType: EmailTemplateSpec['templateType'];
  details: Partial<Record<(typeof DETAILS)[number], string>>;
}

const KIND = 'EmailTemplate';
const ROUTE = '/email-templates';

function toLive(row: ApiEmailTemplate): Live<EmailTemplateSpec> {
  return {
    id: row.id,
    spec: {
      languageTag: row.languageTag,
      templateType: row.templateType,
      ...pickDefined(row.details, DETAILS),
    } as EmailTemplateSpec,
    outputs: { id: row.id },
    raw: row,
  };
}

const api = collection<ApiEmailTemplate, EmailTemplateSpec>(KIND, ROUTE, toLive, { unpaginated: true });

export const EmailTemplate = defineResource<EmailTemplateSpec>({
  kind: KIND,
  description:
    'An email template: the subject and body Logto sends for one kind of message (sign-in code, invitation…) in one language.',
  spec,
  outputs: [{ name: 'id', description: 'Id assigned by Logto.', type: 'string', stable: true }],
  key: { fields: ['languageTag', 'templateType'], of: (s) => `${s.languageTag}/${s.templateType}` },
  immutable: ['languageTag', 'templateType'],
  sensitive: [],
  sets: [],
  references: [],
  relations: [],

  read: api.read,
  list: api.list,
  findByKey: api.findBy((r, s) => r.languageTag === s.languageTag && r.templateType === s.templateType),
  async create(ctx, s) {
    invalidate(ctx, `${KIND}:`);
    const template = { languageTag: s.languageTag, templateType: s.templateType, details: pickDefined(s, DETAILS) };
    const [row] = await ctx.client.put<ApiEmailTemplate[]>(ROUTE, { templates: [template] });
    if (!row)
      throw new Error(`${KIND}: Logto answered the upsert of ${s.languageTag}/${s.templateType} with no template`);
    return toLive(row);
  },
  async update(ctx, id, changes, live) {
    const body = pickDefined(changes, DETAILS);
    if (Object.keys(body).length === 0) return live;
    invalidate(ctx, `${KIND}:`);
    return toLive(await ctx.client.patch<ApiEmailTemplate>(`${api.path(id)}/details`, body));
  },
  delete: api.delete,
});
