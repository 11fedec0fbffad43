/**
 * Terraform values on the wire (cty's msgpack encoding) and cty type descriptions.
 *
 * In JS a value is: null, a string, number or boolean, an array (list or set), a plain object (object
 * type), or `UNKNOWN` (a value Terraform will only know after apply). Objects always carry every
 * attribute of their type on the wire (null when absent) — cty rejects objects with missing keys.
 */
import { decode, Encoder, ExtensionCodec } from '@msgpack/msgpack';

export type CtyType =
  | 'string'
  | 'number'
  | 'bool'
  | 'dynamic'
  | ['list' | 'set' | 'map', CtyType]
  | ['object', Record<string, CtyType>];

/** The one unknown value. cty encodes it as msgpack extension 0; refined unknowns arrive as extension 12. */
export const UNKNOWN: unique symbol = Symbol.for('logto-iac.tf.unknown');
export type Unknown = typeof UNKNOWN;

export type CtyValue = null | string | number | boolean | Unknown | CtyValue[] | { [name: string]: CtyValue };

export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN;
}

/** True when the value contains no unknowns at any depth. */
export function isWhollyKnown(value: CtyValue): boolean {
  if (value === UNKNOWN) return false;
  if (Array.isArray(value)) return value.every(isWhollyKnown);
  if (value !== null && typeof value === 'object') return Object.values(value).every(isWhollyKnown);
  return true;
}

const codec = new ExtensionCodec();
codec.register({
  type: 0,
  encode: (input: unknown) => (input === UNKNOWN ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});
codec.register({ type: 12, encode: () => null, decode: () => UNKNOWN });

const encoder = new Encoder({ extensionCodec: codec, ignoreUndefined: false });

/** Shape a JS value to a cty type: fill missing object attributes with null, coerce scalars. */
export function conform(value: unknown, type: CtyType): CtyValue {
  if (value === UNKNOWN) return UNKNOWN;
  if (value === null || value === undefined) return null;
  if (type === 'dynamic') return value as CtyValue;
  if (type === 'string')
    return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (type === 'number') return typeof value === 'number' ? value : Number(value);
  if (type === 'bool') return Boolean(value);
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(value)) throw new TypeError(`expected a ${kind}, got ${typeof value}`);
    return value.map((v) => conform(v, inner));
  }
  if (kind === 'map') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, conform(v, inner)]));
  }
  const source = value as Record<string, unknown>;
  return Object.fromEntries(Object.entries(inner).map(([name, t]) => [name, conform(source[name], t)]));
}

export function encodeValue(value: unknown, type: CtyType): Buffer {
  const bytes = encoder.encode(conform(value, type));
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A DynamicValue as it arrives: msgpack (normal) or JSON (some state paths). Empty = null. */
export function decodeValue(
  dv: { msgpack?: Uint8Array | null; json?: Uint8Array | null } | null | undefined,
): CtyValue {
  if (!dv) return null;
  if (dv.msgpack && dv.msgpack.length > 0) return decode(dv.msgpack, { extensionCodec: codec }) as CtyValue;
  if (dv.json && dv.json.length > 0) return JSON.parse(Buffer.from(dv.json).toString('utf8')) as CtyValue;
  return null;
}

export function dynamicValue(value: unknown, type: CtyType): { msgpack: Buffer } {
  return { msgpack: encodeValue(value, type) };
}

/** The cty type as the JSON bytes Terraform expects in a schema attribute's `type`. */
export function typeJson(type: CtyType): Buffer {
  return Buffer.from(JSON.stringify(type), 'utf8');
}
