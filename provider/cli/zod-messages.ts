/** The wording of schema problems: a zod issue → the fix line a user reads. */
import { suggest } from './layout.js';
import type { Path } from './source.js';

export type ZodIssueLike = { code: string; message: string } & Record<string, unknown>;

/** zod 4 keeps a schema's definition under `_zod.def`; only what the did-you-mean needs is read. */
interface ZodDefLike {
  type?: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  element?: unknown;
  valueType?: unknown;
}
function defOf(schema: unknown): ZodDefLike | undefined {
  return (schema as { _zod?: { def?: ZodDefLike } } | undefined)?._zod?.def;
}

/** The object schema at a path (through optional/nullable/default wrappers, arrays and records), if any. */
function objectKeysAt(schema: unknown, path: Path): string[] | undefined {
  let current = schema;
  const unwrap = () => {
    for (let def = defOf(current); def?.innerType !== undefined; def = defOf(current)) current = def.innerType;
  };
  unwrap();
  for (const step of path) {
    const def = defOf(current);
    if (!def) return undefined;
    if (def.type === 'object' && typeof step === 'string') current = def.shape?.[step];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
    unwrap();
  }
  const def = defOf(current);
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string (text)',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list ([a, b])',
  object: 'a map (field: value)',
  record: 'a map (key: value)',
  date: 'a date',
  null: 'null',
};

function typeWord(expected: unknown): string {
  const name = String(expected);
  return TYPE_WORDS[name] ?? `a ${name}`;
}

const FORMAT_WORDS: Record<string, string> = {
  url: 'an absolute URL, e.g. https://example.com/path',
  email: 'an email address, e.g. name@example.com',
  uuid: 'a UUID',
  datetime: 'an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z',
  date: 'an ISO 8601 date, e.g. 2026-01-31',
  hostname: 'a host name, e.g. example.com',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
};

function boundText(issue: ZodIssueLike, side: 'min' | 'max'): string {
  const bound = String(side === 'min' ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  const word = side === 'min' ? 'at least' : 'at most';
  switch (issue.origin) {
    case 'string':
      return `use ${word} ${bound} character(s)`;
    case 'array':
    case 'set':
      return `use ${word} ${bound} item(s)`;
    case 'number':
    case 'int':
    case 'bigint':
      return side === 'min'
        ? `use a number ${inclusive ? '≥' : '>'} ${bound}`
        : `use a number ${inclusive ? '≤' : '<'} ${bound}`;
    default:
      return `use ${word} ${bound}`;
  }
}

/** The fix line of a schema problem, chosen by the zod issue code. */
export function issueFix(
  issue: ZodIssueLike,
  context: { description?: string; missing?: boolean; schema?: unknown; path?: Path } = {},
): string {
  const about = context.description ? ` (${context.description})` : '';
  switch (issue.code) {
    case 'invalid_type':
      if (context.missing && issue.expected === undefined) return `set this required field${about}`;
      return context.missing
        ? `set this required field to ${typeWord(issue.expected)}${about}`
        : `use ${typeWord(issue.expected)}${about}`;
    case 'invalid_value':
      return Array.isArray(issue.values)
        ? `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
        : `fix the value${about}`;
    case 'too_small':
      return `${boundText(issue, 'min')}${about}`;
    case 'too_big':
      return `${boundText(issue, 'max')}${about}`;
    case 'not_multiple_of':
      return `use a multiple of ${String(issue.divisor)}${about}`;
    case 'invalid_format': {
      const format = String(issue.format);
      if (format === 'regex' && issue.pattern) return `use a value matching ${String(issue.pattern)}${about}`;
      if (format === 'starts_with' && issue.prefix) return `start the value with "${String(issue.prefix)}"${about}`;
      if (format === 'ends_with' && issue.suffix) return `end the value with "${String(issue.suffix)}"${about}`;
      if (format === 'includes' && issue.includes) return `include "${String(issue.includes)}" in the value${about}`;
      return `use ${FORMAT_WORDS[format] ?? `a valid ${format}`}${about}`;
    }
    case 'unrecognized_keys': {
      const keys = (issue.keys as string[] | undefined) ?? [];
      const known = context.schema && context.path ? objectKeysAt(context.schema, context.path) : undefined;
      const hints = known
        ? keys.flatMap((key) => {
            const hint = suggest(
              key,
              known.filter((k) => !keys.includes(k)),
            );
            return hint ? [`"${key}" → did you mean "${hint}"?`] : [];
          })
        : [];
      if (hints.length > 0) return hints.join('; ');
      return `remove ${keys.length > 0 ? keys.map((k) => `"${k}"`).join(', ') : 'the unknown keys'}${known ? ` (known: ${known.join(', ')})` : ''}`;
    }
    case 'custom': {
      // A definition's own check may say how to fix what it refuses (`params: { fix }`).
      const fix = (issue.params as { fix?: unknown } | undefined)?.fix;
      return typeof fix === 'string' ? fix : `fix the value${about}`;
    }
    default:
      return `fix the value${about}`;
  }
}
