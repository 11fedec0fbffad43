/**
 * A zod schema built the first time something uses it. The Terraform plugin starts several times per
 * Terraform command, and a launch that serves resources loads the whole catalog although it only touches
 * the kinds in the user's configuration; building every kind's schema at import cost it ~25 ms per launch
 * (see docs/performance.md). Modules therefore keep their top-level schemas behind `lazySchema(() => …)`.
 *
 * The result stands for the schema everywhere: typed as it, and a Proxy that builds it on first use
 * (a parse, `.shape`, `.describe()`, introspection, JSON schema, nesting into another schema being built…)
 * and forwards everything to it, `instanceof` included. Deriving a new schema from it at top level
 * (`lazyThing.optional()`) builds it, so such derivations go inside another `lazySchema`.
 */
import { z } from 'zod';

export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  let internals: z.ZodType['_zod'] | undefined;
  const real = (): T => {
    if (built === undefined) {
      built = build();
      // zod finds `.describe()` text by the schema object, and a schema nesting this one
      // (`z.object({ x: lazyThing })`) holds the Proxy: the Proxy gets the same entry.
      const schema = built as z.ZodType;
      if (z.globalRegistry.has(schema)) z.globalRegistry.add(proxy as z.ZodType, z.globalRegistry.get(schema)!);
    }
    return built;
  };
  const proxy: T = new Proxy({} as T, {
    get: (_, key) => {
      const target = real() as { _zod?: z.ZodType['_zod'] };
      if (key !== '_zod' || !target._zod) return Reflect.get(target, key, target);
      internals ??= zodInternals(target._zod, target, proxy);
      return internals;
    },
    set: (_, key, value) => Reflect.set(real(), key, value, real()),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // A Proxy may not report a property non-configurable that its (empty) target lacks.
      return descriptor && { ...descriptor, configurable: true };
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    setPrototypeOf: (_, prototype) => Reflect.setPrototypeOf(real(), prototype),
  });
  return proxy;
}

type JsonSchemaContext = { seen: Map<unknown, unknown> };

/**
 * The schema's internals, as seen through the Proxy. One difference: JSON schema generation records what it
 * has seen by the object it was handed (the Proxy), while the schema's own JSON schema code looks itself up
 * (`optional`, `nullable`… read their entry back); while it runs, the schema shares the Proxy's entry.
 */
function zodInternals(internals: z.ZodType['_zod'], schema: object, proxy: object): z.ZodType['_zod'] {
  const processJSONSchema = (ctx: JsonSchemaContext, ...rest: unknown[]) => {
    const own = ctx.seen.get(schema);
    ctx.seen.set(schema, ctx.seen.get(proxy));
    try {
      return (internals.processJSONSchema as (...args: unknown[]) => unknown)(ctx, ...rest);
    } finally {
      if (own) ctx.seen.set(schema, own);
      else ctx.seen.delete(schema);
    }
  };
  return new Proxy(internals, {
    get: (target, key) =>
      key === 'processJSONSchema' && target.processJSONSchema ? processJSONSchema : Reflect.get(target, key, target),
  });
}

/**
 * A value computed the first time it is asked for, then kept: one derived from a lazy schema
 * (`Object.keys(spec.shape)`, which at top level would build the schema at import), or anything else a
 * plugin launch should only pay for when it uses it (a Terraform type's schema, its rendered descriptions).
 */
export function lazyValue<T>(compute: () => T): () => T {
  let computed: { value: T } | undefined;
  return () => {
    computed ??= { value: compute() };
    return computed.value;
  };
}
