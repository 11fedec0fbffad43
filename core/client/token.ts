/**
 * The access-token cache: one token per client, reused until 60 s before it expires; concurrent callers
 * share a single in-flight fetch; `invalidate()` drops a token the server rejected (401).
 */

export interface TokenGrant {
  accessToken: string;
  /** Lifetime in seconds, as sent by the token endpoint (`expires_in`). */
  expiresIn: number;
}

export const TOKEN_REFRESH_MARGIN_MS = 60_000;

export class TokenCache {
  private token: string | undefined;
  private refreshAt = 0;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly fetcher: () => Promise<TokenGrant>,
    private readonly now: () => number = Date.now,
    private readonly marginMs = TOKEN_REFRESH_MARGIN_MS,
  ) {}

  /** A valid token: the cached one, the one being fetched, or a new one. */
  get(): Promise<string> {
    if (this.token !== undefined && this.now() < this.refreshAt) return Promise.resolve(this.token);
    if (!this.inflight) {
      this.inflight = (async () => {
        try {
          const grant = await this.fetcher();
          this.token = grant.accessToken;
          this.refreshAt = this.now() + grant.expiresIn * 1000 - this.marginMs;
          return grant.accessToken;
        } finally {
          this.inflight = undefined;
        }
      })();
    }
    return this.inflight;
  }

  /** Forget `token` if it is still the cached one (a concurrent refresh may already have replaced it). */
  invalidate(token: string): void {
    if (this.token === token) {
      this.token = undefined;
      this.refreshAt = 0;
    }
  }

  clear(): void {
    this.token = undefined;
    this.refreshAt = 0;
  }
}
