/**
 * The plumbing shared by the membership kinds of an organization (`OrganizationApplication`,
 * `OrganizationUser`): a member of `/organizations/:id/<members>` with the organization roles it holds there
 * (`…/<members>/:memberId/roles`). A membership has no id of its own in Logto: here it is
 * `<organizationId>/<memberId>`, and the pair is the key. Joining is an idempotent POST; the roles are an
 * authoritative set (added with POST, removed one by one).
 */
import { cached, invalidate, type Live, type ResourceContext, type Spec } from '../core/contract.js';
import { idSetRelation, isNotFound, seg } from './shared.js';

export interface MembershipSpec extends Spec {
  organizationId: string;
  organizationRoleIds?: string[];
}

export function organizationMembership<S extends MembershipSpec>(options: {
  kind: string;
  /** Spec field of the member's id (`applicationId`, `userId`). */
  memberField: keyof S & string;
  /** Route segment under the organization (`applications`, `users`) and the POST body's key. */
  route: string;
  bodyKey: string;
}) {
  const { kind, memberField, route, bodyKey } = options;
  const idOf = (organizationId: string, memberId: string) => `${organizationId}/${memberId}`;
  const split = (id: string): { organizationId: string; memberId: string } | undefined => {
    const at = id.indexOf('/');
    if (at <= 0 || at === id.length - 1) return undefined;
    return { organizationId: id.slice(0, at), memberId: id.slice(at + 1) };
  };
  const toLive = (organizationId: string, memberId: string): Live<S> => {
    const id = idOf(organizationId, memberId);
    return { id, spec: { organizationId, [memberField]: memberId } as S, outputs: { id } };
  };
  /** The members of one organization (memoised for the run); none when the organization is gone. */
  const members = (ctx: ResourceContext, organizationId: string): Promise<string[]> =>
    cached(ctx, `${kind}:${organizationId}`, async () => {
      try {
        const rows = await ctx.client.list<{ id: string }>(`/organizations/${seg(organizationId)}/${route}`);
        return rows.map((r) => r.id);
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
    });
  const roles = idSetRelation(
    'organizationRoleIds',
    (id) => {
      const pair = split(id)!;
      return `/organizations/${seg(pair.organizationId)}/${route}/${seg(pair.memberId)}/roles`;
    },
    'organizationRoleIds',
  );
  return {
    key: { fields: ['organizationId', memberField], of: (s: S) => idOf(s.organizationId, String(s[memberField])) },
    relations: [roles],
    async read(ctx: ResourceContext, id: string): Promise<Live<S> | undefined> {
      const pair = split(id);
      if (!pair) return undefined;
      return (await members(ctx, pair.organizationId)).includes(pair.memberId)
        ? toLive(pair.organizationId, pair.memberId)
        : undefined;
    },
    async list(ctx: ResourceContext): Promise<Live<S>[]> {
      const organizations = await cached(ctx, `${kind}:organizations`, () =>
        ctx.client.list<{ id: string }>('/organizations'),
      );
      const out: Live<S>[] = [];
      for (const { id } of organizations) for (const memberId of await members(ctx, id)) out.push(toLive(id, memberId));
      return out;
    },
    async findByKey(ctx: ResourceContext, s: S): Promise<Live<S>[]> {
      const memberId = String(s[memberField]);
      return (await members(ctx, s.organizationId)).includes(memberId) ? [toLive(s.organizationId, memberId)] : [];
    },
    async create(ctx: ResourceContext, s: S): Promise<Live<S>> {
      invalidate(ctx, `${kind}:`);
      // Idempotent on Logto's side: a member stays one.
      await ctx.client.post(
        `/organizations/${seg(s.organizationId)}/${route}`,
        { [bodyKey]: [s[memberField]] },
        { createsObject: false },
      );
      return toLive(s.organizationId, String(s[memberField]));
    },
    /** The membership has no fields of its own; its roles are the relation. */
    async update(_ctx: ResourceContext, _id: string, _changes: Partial<S>, live: Live<S>): Promise<Live<S>> {
      return live;
    },
    async delete(ctx: ResourceContext, id: string): Promise<void> {
      invalidate(ctx, `${kind}:`);
      const pair = split(id);
      if (!pair) return;
      await ctx.client.delete(`/organizations/${seg(pair.organizationId)}/${route}/${seg(pair.memberId)}`);
    },
  };
}
