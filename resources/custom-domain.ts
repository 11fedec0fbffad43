/**
 * CustomDomain: a domain of your own for the tenant's sign-in pages and OIDC endpoints (`/domains`, Logto
 * Cloud). The domain is the only input and Logto's natural key (unique per tenant); there is no PATCH, so a
 * new domain replaces the object. Logto answers with the DNS record to create (a CNAME) and checks it
 * asynchronously: `status` goes from `PendingVerification` through `PendingSsl` to `Active` (or `Error`, with
 * `errorMessage`), and every read of the domain refreshes it.
 *
 * Logto OSS has no hostname provider: it answers 400 `domain.not_configured` before anything is written,
 * which becomes an error naming Logto Cloud.
 */
import { z } from 'zod';
import { defineResource, type Live } from '../core/contract.js';
import { lazySchema } from '../core/lazy-schema.js';
import { collection, hasCode } from './shared.js';

const HOSTNAME =
  /^(?=.{1,253}$)(?!\d+(\.\d+){3}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])$/;

const spec = lazySchema(() =>
  z.object({
    domain: z
      .string()
      .regex(
        HOSTNAME,
        'use a lowercase host name with at least one dot and no scheme, port or path, e.g. `auth.example.com`',
      )
      .describe(
        'The host name, e.g. `auth.example.com` (lowercase, no scheme or path). Changing it replaces the domain.',
      ),
  }),
);

export type CustomDomainSpec = z.infer<typeof spec>;

interface DomainRow {
  id: string;
  domain: string;
  status: string;
  errorMessage: string | null;
  dnsRecords: { name: string; type: string; value: string }[];
  createdAt: number;
}

function toLive(row: DomainRow): Live<CustomDomainSpec> {
  return {
    id: row.id,
    spec: { domain: row.domain },
    outputs: {
      id: row.id,
      status: row.status,
      errorMessage: row.errorMessage,
      dnsRecords: row.dnsRecords,
      createdAt: row.createdAt,
    },
  };
}

const api = collection<DomainRow, CustomDomainSpec>('CustomDomain', '/domains', toLive, { unpaginated: true });

/** Why Logto OSS refuses, and what to do instead. */
export const NEEDS_CLOUD =
  'custom domains need Logto Cloud: this Logto has no hostname provider (Logto: domain.not_configured), as every Logto OSS server. Nothing was written; remove the CustomDomain, or apply it to a Logto Cloud tenant';

export const CustomDomain = defineResource<CustomDomainSpec>({
  kind: 'CustomDomain',
  description:
    'A custom domain for the tenant’s sign-in pages and endpoints (Logto Cloud only): create the DNS record in `dnsRecords`, then Logto verifies it and `status` becomes `Active`.',
  spec,
  outputs: [
    { name: 'id', description: 'Id assigned by Logto.', type: 'string', stable: true },
    {
      name: 'status',
      description: '`PendingVerification`, `PendingSsl`, `Active` or `Error`; refreshed by Logto on every read.',
      type: 'string',
    },
    { name: 'errorMessage', description: 'Why verification or the certificate failed (with `Error`).', type: 'string' },
    {
      name: 'dnsRecords',
      description: 'The DNS records to create: each a `type`, `name` and `value` (a CNAME to Logto Cloud).',
      type: 'records',
      fields: ['type', 'name', 'value'],
    },
    { name: 'createdAt', description: 'Creation time, epoch milliseconds.', type: 'number', stable: true },
  ],
  key: { fields: ['domain'], of: (s) => s.domain },
  immutable: ['domain'],
  sensitive: [],
  sets: [],
  references: [],
  relations: [],

  read: api.read,
  list: api.list,
  findByKey: api.findBy((row, s) => row.domain === s.domain),
  async create(ctx, s) {
    try {
      return await api.create(ctx, { domain: s.domain });
    } catch (error) {
      if (hasCode(error, 400, 'domain.not_configured')) throw new Error(`domain: ${NEEDS_CLOUD}`);
      throw error;
    }
  },
  /** The domain is the only input and a new one replaces the object: nothing to update in place. */
  async update(_ctx, _id, _changes, live) {
    return live;
  },
  delete: (ctx, id) => api.delete(ctx, id),
});
