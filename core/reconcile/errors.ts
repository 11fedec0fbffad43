/**
 * Error helpers of the reconciler. The client's error classes are recognised by shape (`status`, `name`)
 * so this module does not depend on the client implementation.
 */

/** An HTTP error from the Management API (the client's `LogtoApiError`). */
export function apiStatus(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'status' in error) {
    const status = (error as { status: unknown }).status;
    if (typeof status === 'number') return status;
  }
  return undefined;
}

export function apiCode(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export function isNotFound(error: unknown): boolean {
  return apiStatus(error) === 404;
}

/** The client's `LostResponseError`: a create POST was sent but its response never arrived. */
export function isLostResponse(error: unknown): boolean {
  return error instanceof Error && (error.name === 'LostResponseError' || apiCode(error) === 'LOST_RESPONSE');
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface SpecIssue {
  /** Object address, e.g. `Role.admin`. */
  address: string;
  /** Dotted field path inside the spec, e.g. `redirectUris.0`. */
  field: string;
  message: string;
}

/** Invalid desired input (spec, references, duplicate keys). Raised before any write. */
export class SpecValidationError extends Error {
  override readonly name = 'SpecValidationError';
  readonly code = 'invalid_spec';
  constructor(readonly issues: SpecIssue[]) {
    super(
      `Invalid desired state:\n${issues
        .map((i) => `  - ${i.address}${i.field ? ` field "${i.field}"` : ''}: ${i.message}`)
        .join('\n')}`,
    );
  }
}

/** Two or more live objects match a desired object's key; refusing to guess. Raised before any write. */
export class AmbiguousKeyError extends Error {
  override readonly name = 'AmbiguousKeyError';
  readonly code = 'ambiguous_key';
  constructor(
    readonly address: string,
    readonly key: string,
    readonly ids: string[],
    /** How to resolve it, in words (default: remove the duplicates or set the id). */
    fix?: string,
  ) {
    super(
      `${address}: ${ids.length} live objects match key "${key}" (ids ${ids.join(', ')}); ${fix ?? 'remove the duplicates or set the id explicitly'}`,
    );
  }
}

/** A create succeeded on the server but a later step (relations) failed: the object exists with this id. */
export class PartialCreateError extends Error {
  override readonly name = 'PartialCreateError';
  constructor(
    readonly id: string,
    readonly live: unknown,
    override readonly cause: unknown,
  ) {
    super(`created ${id} but could not finish: ${errorMessage(cause)}`);
  }
}
