import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineResource, type Live } from '../../core/contract.js';
import {
  diffObject,
  digestSecret,
  hashSecrets,
  matchesDigest,
  redactSecrets,
  SENSITIVE,
  UNKNOWN,
  validateSpec,
} from '../../core/reconcile/index.js';
import { parseImportId } from '../../core/reconcile/objects.js';
import { ApiResource } from '../../resources/api-resource.js';
import { ApiResourceScope } from '../../resources/api-resource-scope.js';
import { Application } from '../../resources/application.js';

const CANARY = 'canary-secret-7d1f0b';
const SALT = 'c2FsdC1mb3ItdGVzdHMtMTY';

const Thing = defineResource<{ name: string; kind?: string; tags?: string[]; token?: string; extra?: number }>({
  kind: 'Thing',
  description: 'test type',
  spec: z.object({
    name: z.string().describe('n'),
    kind: z.string().optional().describe('k'),
    tags: z.array(z.string()).optional().describe('t'),
    token: z.string().optional().describe('s'),
    extra: z.number().optional().describe('e'),
  }),
  outputs: [{ name: 'id', description: 'id', type: 'string' }],
  immutable: ['kind'],
  sensitive: ['token'],
  sets: ['tags'],
  references: [],
  relations: [],
  read: async () => undefined,
  create: async () => ({ id: 'x', spec: { name: 'x' }, outputs: {} }),
  update: async (_c, _i, _ch, live) => live,
  delete: async () => {},
});

const live = (spec: Record<string, unknown>): Live => ({ id: 'id1', spec, outputs: { id: 'id1' } });

describe('diffObject', () => {
  it('compares only managed fields: server defaults never produce a diff', () => {
    const d = diffObject(Thing, { name: 'a' }, live({ name: 'a', kind: 'server-default', extra: 3 }));
    expect(d).toMatchObject({ action: 'noop', changes: [], drift: [] });
  });

  it('treats sets as order-insensitive and reports added/removed members', () => {
    expect(diffObject(Thing, { name: 'a', tags: ['b', 'a', 'a'] }, live({ name: 'a', tags: ['a', 'b'] })).action).toBe(
      'noop',
    );
    const d = diffObject(Thing, { name: 'a', tags: ['a', 'c'] }, live({ name: 'a', tags: ['b', 'a'] }));
    expect(d.action).toBe('update');
    expect(d.changes).toEqual([{ field: 'tags', before: ['a', 'b'], after: ['a', 'c'], added: ['c'], removed: ['b'] }]);
  });

  it('plans a replacement with a reason for an immutable change', () => {
    const d = diffObject(Thing, { name: 'a', kind: 'y' }, live({ name: 'a', kind: 'x' }));
    expect(d.action).toBe('replace');
    expect(d.reason).toContain('kind');
    expect(d.reason).toContain('"x"');
  });

  it('reports drift (live ≠ last applied) separately from changes, only with a last-applied spec', () => {
    const withPrior = diffObject(Thing, { name: 'a' }, live({ name: 'b' }), { name: 'a' });
    expect(withPrior.drift).toEqual([{ field: 'name', before: 'a', after: 'b' }]);
    expect(withPrior.changes).toEqual([{ field: 'name', before: 'b', after: 'a' }]);
    const withoutPrior = diffObject(Thing, { name: 'a' }, live({ name: 'b' }));
    expect(withoutPrior.drift).toEqual([]);
    expect(withoutPrior.action).toBe('update');
  });

  it('an unresolved reference is a change shown as known after apply', () => {
    const d = diffObject(Thing, { name: UNKNOWN }, live({ name: 'a' }));
    expect(d.changes[0]).toMatchObject({ field: 'name', after: UNKNOWN });
  });

  it('never shows secret values; detects secret drift through hashes', () => {
    const create = diffObject(Thing, { name: 'a', token: CANARY }, undefined);
    expect(JSON.stringify(create)).not.toContain(CANARY);
    expect(create.changes.find((c) => c.field === 'token')).toMatchObject({ after: SENSITIVE, sensitive: true });

    const changed = diffObject(Thing, { name: 'a', token: `${CANARY}2` }, live({ name: 'a', token: CANARY }), {
      name: 'a',
      token: digestSecret(CANARY, SALT),
    });
    expect(changed.action).toBe('update');
    expect(JSON.stringify(changed)).not.toContain(CANARY);

    const drifted = diffObject(Thing, { name: 'a', token: CANARY }, live({ name: 'a', token: 'rotated' }), {
      name: 'a',
      token: digestSecret(CANARY, SALT),
    });
    expect(drifted.drift).toEqual([{ field: 'token', before: SENSITIVE, after: SENSITIVE, sensitive: true }]);
    expect(JSON.stringify(drifted)).not.toContain(CANARY);

    // A secret the API never returns: compared with the hash of what was applied.
    expect(
      diffObject(Thing, { name: 'a', token: CANARY }, live({ name: 'a' }), {
        name: 'a',
        token: digestSecret(CANARY, SALT),
      }).action,
    ).toBe('noop');
    expect(
      diffObject(Thing, { name: 'a', token: 'new' }, live({ name: 'a' }), {
        name: 'a',
        token: digestSecret(CANARY, SALT),
      }).action,
    ).toBe('update');
  });

  it('redactSecrets hides sensitive spec fields and sensitive outputs', () => {
    expect(redactSecrets(Thing, { name: 'a', token: CANARY })).toEqual({ name: 'a', token: SENSITIVE });
  });

  it('state digests are salted scrypt: no unsalted hash, the salt changes the digest, old sha256 ones still compare', () => {
    const digest = digestSecret(CANARY, SALT);
    expect(digest).toMatch(/^scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{43}$/);
    expect(digest).not.toContain(createHash('sha256').update(JSON.stringify(CANARY)).digest('hex'));
    expect(digest).not.toContain(createHash('sha256').update(CANARY).digest('base64url'));
    expect(digestSecret(CANARY, 'b3RoZXItc2FsdC1mb3ItdGVzdA')).not.toBe(digest);
    expect(digestSecret(CANARY)).not.toBe(digestSecret(CANARY)); // a random salt by default
    expect(digestSecret(digest, SALT)).toBe(digest);
    expect(matchesDigest(digest, CANARY)).toBe(true);
    expect(matchesDigest(digest, `${CANARY}x`)).toBe(false);
    const legacy = `sha256:${createHash('sha256').update(JSON.stringify(CANARY)).digest('hex')}`;
    expect(matchesDigest(legacy, CANARY)).toBe(true);
    expect(hashSecrets(Thing, { name: 'a', token: CANARY }, SALT)).toEqual({ name: 'a', token: digest });
  });
});

const Account = defineResource<{ name: string; password?: string; passwordVersion?: string }>({
  kind: 'Account',
  description: 'test type with a write-only secret',
  spec: z.object({
    name: z.string().describe('n'),
    password: z.string().optional().describe('p'),
    passwordVersion: z.coerce.string().optional().describe('v'),
  }),
  outputs: [{ name: 'id', description: 'id', type: 'string' }],
  immutable: [],
  sensitive: ['password'],
  writeOnly: ['password'],
  sets: [],
  references: [],
  relations: [],
  read: async () => undefined,
  create: async () => ({ id: 'x', spec: { name: 'x' }, outputs: {} }),
  update: async (_c, _i, _ch, live) => live,
  delete: async () => {},
});

describe('write-only secrets', () => {
  const live = { id: 'x', spec: { name: 'a' }, outputs: {} };
  const fields = (d: ReturnType<typeof diffObject>) => d.changes.map((c) => c.field);

  it('with a version: written when the version changes, and state keeps only the version', () => {
    const applied = hashSecrets(Account, { name: 'a', password: CANARY, passwordVersion: '1' }, SALT);
    expect(applied).toEqual({ name: 'a', passwordVersion: '1' });
    // Same version, another password: nothing to write (the version decides).
    expect(diffObject(Account, { name: 'a', password: 'other', passwordVersion: '1' }, live, applied).action).toBe(
      'noop',
    );
    const bumped = diffObject(Account, { name: 'a', password: 'other', passwordVersion: 2 as never }, live, applied);
    expect(fields(bumped)).toEqual(['password', 'passwordVersion']);
    expect(bumped.changes[0]).toMatchObject({ after: SENSITIVE, sensitive: true });
    expect(bumped.changes[1]).toMatchObject({ before: '1', after: '2' });
    expect(bumped.drift).toEqual([]);
    // A version where there was none (the digest form before): written once.
    const digested = hashSecrets(Account, { name: 'a', password: CANARY }, SALT);
    expect(fields(diffObject(Account, { name: 'a', password: CANARY, passwordVersion: '1' }, live, digested))).toEqual([
      'password',
      'passwordVersion',
    ]);
    // Adopted (no record): nothing to compare, nothing written.
    expect(diffObject(Account, { name: 'a', password: CANARY, passwordVersion: '1' }, live).action).toBe('noop');
  });

  it('without a version: compared with the salted digest; an unsalted sha256 digest is rewritten once', () => {
    const applied = hashSecrets(Account, { name: 'a', password: CANARY }, SALT);
    expect(applied.password).toMatch(/^scrypt\$/);
    expect(diffObject(Account, { name: 'a', password: CANARY }, live, applied).action).toBe('noop');
    expect(fields(diffObject(Account, { name: 'a', password: 'new' }, live, applied))).toEqual(['password']);
    const legacy = `sha256:${createHash('sha256').update(JSON.stringify(CANARY)).digest('hex')}`;
    expect(fields(diffObject(Account, { name: 'a', password: CANARY }, live, { name: 'a', password: legacy }))).toEqual(
      ['password'],
    );
  });

  it('a version needs its secret', () => {
    const r = validateSpec(Account, { name: 'a', passwordVersion: '1' });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues[0]).toMatchObject({ field: 'passwordVersion', message: expect.stringContaining('password') });
  });
});

describe('validateSpec', () => {
  it('names the field and rejects unknown fields', () => {
    const r = validateSpec(Application, { name: 'x', type: 'SPA', redirectUri: ['https://a'] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.field)).toContain('redirectUri');
  });

  it('applies Logto limits: reserved indicators, scope names with spaces, third-party M2M', () => {
    const ind = validateSpec(ApiResource, { name: 'x', indicator: 'https://abc.logto.app/api' });
    expect(ind.ok === false && ind.issues[0]!.field).toBe('indicator');
    const scope = validateSpec(ApiResourceScope, { resourceId: 'r', name: 'read orders' });
    expect(scope.ok === false && scope.issues[0]!.field).toBe('name');
    const app = validateSpec(Application, { name: 'x', type: 'MachineToMachine', isThirdParty: true });
    expect(app.ok === false && app.issues[0]!.field).toBe('isThirdParty');
    const uri = validateSpec(Application, { name: 'x', type: 'Native', redirectUris: ['myapp://cb', 'not a url'] });
    expect(uri.ok === false && uri.issues.map((i) => i.field)).toEqual(['redirectUris.1']);
  });

  it('accepts custom schemes and returns the spec without undefined fields', () => {
    const r = validateSpec(Application, {
      name: 'x',
      type: 'Native',
      redirectUris: ['myapp://cb'],
      description: undefined,
    });
    expect(r).toEqual({ ok: true, spec: { name: 'x', type: 'Native', redirectUris: ['myapp://cb'] } });
  });
});

describe('parseImportId', () => {
  it('splits key pairs only before known field names', () => {
    expect(parseImportId(ApiResource, 'indicator=https://a.example.com/x,y')).toEqual({
      indicator: 'https://a.example.com/x,y',
    });
    expect(parseImportId(ApiResourceScope, 'resourceId=abc,name=read')).toEqual({ resourceId: 'abc', name: 'read' });
    expect(parseImportId(ApiResource, 'abc123')).toBeUndefined();
  });
});
