import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { lazySchema, lazyValue } from '../../core/lazy-schema.js';

const eager = () =>
  z
    .object({
      name: z.string().min(1).describe('The name.'),
      tags: z.array(z.string()).optional().describe('Tags.'),
      nested: z.object({ url: z.url().describe('A link.') }).optional(),
    })
    .describe('A thing.');

/** A lazy schema and how many times it has been built. */
function counted() {
  let builds = 0;
  const schema = lazySchema(() => {
    builds++;
    return eager();
  });
  return { schema, builds: () => builds };
}

const BAD = { name: '', tags: ['a', 1], nested: { url: 'nope' }, extra: true };

describe('lazySchema', () => {
  it('builds nothing until used, then builds once', () => {
    const lazy = counted();
    expect(lazy.builds()).toBe(0);
    expect(lazy.schema.safeParse({ name: 'a' }).success).toBe(true);
    expect(lazy.schema.parse({ name: 'b' })).toEqual({ name: 'b' });
    expect(lazy.builds()).toBe(1);
  });

  it('gives the eager schema’s errors, messages and paths', () => {
    const lazy = counted().schema.safeParse(BAD);
    const direct = eager().safeParse(BAD);
    expect(lazy.success).toBe(false);
    expect(lazy.error?.issues).toEqual(direct.error?.issues);
    expect(() => counted().schema.parse(BAD)).toThrow(z.ZodError);
  });

  it('nests into another schema, which builds it only when it is built itself', () => {
    const inner = counted();
    const outer = lazySchema(() => z.object({ thing: inner.schema.optional(), list: z.array(inner.schema) }));
    expect(inner.builds()).toBe(0);
    const result = outer.safeParse({ thing: BAD, list: [{ name: 'ok' }, BAD] });
    expect(inner.builds()).toBe(1);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['thing.name', 'thing.tags.1', 'thing.nested.url', 'list.1.name', 'list.1.nested.url']),
    );
    expect(z.object({ direct: inner.schema }).safeParse({ direct: { name: 'x' } }).success).toBe(true);
  });

  it('is an instance of the schema’s class, with its shape, type and description', () => {
    const { schema } = counted();
    expect(Object.keys(schema)).toEqual(Object.keys(eager()));
    expect(schema instanceof z.ZodObject).toBe(true);
    expect(schema instanceof z.ZodType).toBe(true);
    expect(Object.keys(schema.shape)).toEqual(['name', 'tags', 'nested']);
    expect(schema.shape.name.description).toBe('The name.');
    expect(schema.description).toBe('A thing.');
    expect(schema.describe('Another thing.').description).toBe('Another thing.');
    expect(schema.def.type).toBe('object');
    expect('shape' in schema).toBe(true);
  });

  it('gives the eager schema’s JSON schema, alone or nested', () => {
    expect(z.toJSONSchema(counted().schema)).toEqual(z.toJSONSchema(eager()));
    const lazy = counted().schema;
    expect(z.toJSONSchema(z.object({ a: lazy, b: lazy.optional() }))).toEqual(
      z.toJSONSchema(z.object({ a: eager(), b: eager().optional() })),
    );
  });

  it('gives the eager JSON schema of wrappers (optional, nullable, default), which look themselves up', () => {
    const wrapped = () => eager().optional().describe('Maybe a thing.');
    const nullable = () => z.string().nullable().default(null);
    const lazy = lazySchema(wrapped);
    const lazyNullable = lazySchema(nullable);
    expect(z.toJSONSchema(lazy, { io: 'input' })).toEqual(z.toJSONSchema(wrapped(), { io: 'input' }));
    const nesting = (a: z.ZodType, b: z.ZodType) => z.object({ a, b, list: z.array(a) });
    expect(z.toJSONSchema(nesting(lazy, lazyNullable))).toEqual(z.toJSONSchema(nesting(wrapped(), nullable())));
  });

  it('derives schemas: extend, partial, optional, pick', () => {
    const { schema } = counted();
    const extended = schema.extend({ count: z.number() });
    expect(extended.safeParse({ name: 'a', count: 1 }).success).toBe(true);
    expect(extended.safeParse({ name: 'a' }).success).toBe(false);
    expect(schema.partial().safeParse({}).success).toBe(true);
    expect(schema.optional().safeParse(undefined).success).toBe(true);
    expect(Object.keys(schema.pick({ tags: true }).shape)).toEqual(['tags']);
  });

  it('stands for plain objects too (a shape spread into several schemas)', () => {
    let builds = 0;
    const shape = lazySchema(() => {
      builds++;
      return { id: z.string().describe('Id.') };
    });
    expect(builds).toBe(0);
    const schema = z.object({ ...shape, n: z.number() });
    expect(builds).toBe(1);
    expect(Object.keys(schema.shape)).toEqual(['id', 'n']);
    expect(schema.shape.id.description).toBe('Id.');
  });
});

describe('lazyValue', () => {
  it('computes on the first call only', () => {
    let computed = 0;
    const keys = lazyValue(() => {
      computed++;
      return Object.keys(counted().schema.shape);
    });
    expect(computed).toBe(0);
    expect(keys()).toEqual(['name', 'tags', 'nested']);
    expect(keys()).toBe(keys());
    expect(computed).toBe(1);
  });
});
