/**
 * The process-wide request budget: one token bucket (rate + burst) and one concurrency cap per Logto
 * endpoint, shared by every client in the process that talks to it. When clients ask for different limits,
 * the strictest live setting wins (lowest non-zero rate and burst, lowest concurrency).
 *
 * The bucket hands out reservations: a caller learns at once how long it must wait, so the total wait
 * granted is exact accounting (`stats()`), independent of how fast the test machine is.
 */
import { sleep } from './backoff.js';

export interface BudgetSettings {
  /** Requests per second; 0 = unlimited. */
  requestsPerSecond: number;
  /** Bucket size: requests that may go out back to back. */
  burst: number;
  maxConcurrency: number;
}

export interface BudgetStats {
  /** Reservations granted (one per HTTP attempt). */
  granted: number;
  /** Reservations that had to wait for the bucket. */
  waited: number;
  /** Sum of the waits granted by the bucket, in ms. */
  totalWaitMs: number;
  /** Longest single wait granted, in ms (for a burst: how far the bucket pushed the last request out). */
  maxWaitMs: number;
  /** Sum of the time spent queueing for a concurrency slot, in ms. */
  concurrencyWaitMs: number;
  inFlight: number;
  maxInFlight: number;
  queued: number;
  settings: BudgetSettings;
}

export interface BudgetGrant {
  /** Time the bucket made this attempt wait, in ms. */
  waitedMs: number;
  /** Give the concurrency slot back (idempotent). */
  release(): void;
}

export class RequestBudget {
  private tokens: number;
  private lastRefill = performance.now();
  private readonly members = new Map<symbol, BudgetSettings>();
  private current: BudgetSettings;
  private inFlight = 0;
  private readonly queue: Array<() => void> = [];
  private counters = { granted: 0, waited: 0, totalWaitMs: 0, maxWaitMs: 0, concurrencyWaitMs: 0, maxInFlight: 0 };

  constructor(
    readonly key: string,
    initial: BudgetSettings,
  ) {
    this.current = { ...initial };
    this.tokens = initial.burst;
  }

  get settings(): BudgetSettings {
    return { ...this.current };
  }

  /** Register a client's wishes; returns the function that withdraws them. */
  join(settings: BudgetSettings): () => void {
    const id = Symbol('budget-member');
    this.members.set(id, { ...settings });
    this.recompute();
    return () => {
      if (this.members.delete(id)) this.recompute();
    };
  }

  private recompute(): void {
    const all = [...this.members.values()];
    if (all.length === 0) return;
    const limited = all.filter((s) => s.requestsPerSecond > 0);
    const rate = limited.length ? Math.min(...limited.map((s) => s.requestsPerSecond)) : 0;
    const burst = limited.length ? Math.max(1, Math.min(...limited.map((s) => s.burst))) : 0;
    this.refill();
    this.current = { requestsPerSecond: rate, burst, maxConcurrency: Math.min(...all.map((s) => s.maxConcurrency)) };
    if (this.tokens > burst) this.tokens = burst;
    this.pump();
  }

  private refill(): void {
    const now = performance.now();
    const { requestsPerSecond: rate, burst } = this.current;
    if (rate > 0) this.tokens = Math.min(burst, this.tokens + ((now - this.lastRefill) / 1000) * rate);
    this.lastRefill = now;
  }

  /** Reserve one request: wait for the bucket, then for a concurrency slot. */
  async acquire(signal?: AbortSignal): Promise<BudgetGrant> {
    signal?.throwIfAborted();
    let waitedMs = 0;
    const rate = this.current.requestsPerSecond;
    if (rate > 0) {
      this.refill();
      this.tokens -= 1;
      waitedMs = this.tokens < 0 ? (-this.tokens / rate) * 1000 : 0;
    }
    this.counters.granted++;
    if (waitedMs > 0) {
      this.counters.waited++;
      this.counters.totalWaitMs += waitedMs;
      this.counters.maxWaitMs = Math.max(this.counters.maxWaitMs, waitedMs);
      try {
        await sleep(waitedMs, signal);
      } catch (err) {
        this.tokens += 1; // the reservation was not used
        throw err;
      }
    }
    await this.slot(signal);
    let released = false;
    return {
      waitedMs,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.pump();
      },
    };
  }

  private slot(signal?: AbortSignal): Promise<void> {
    if (this.inFlight < this.current.maxConcurrency && this.queue.length === 0) {
      this.take();
      return Promise.resolve();
    }
    const queuedAt = performance.now();
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.counters.concurrencyWaitMs += performance.now() - queuedAt;
        this.take();
        resolve();
      };
      const onAbort = () => {
        const i = this.queue.indexOf(grant);
        if (i >= 0) this.queue.splice(i, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(grant);
    });
  }

  private take(): void {
    this.inFlight++;
    this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.inFlight);
  }

  private pump(): void {
    while (this.inFlight < this.current.maxConcurrency && this.queue.length > 0) this.queue.shift()?.();
  }

  stats(): BudgetStats {
    return { ...this.counters, inFlight: this.inFlight, queued: this.queue.length, settings: this.settings };
  }

  /** Zero the counters (not the bucket). */
  resetStats(): void {
    this.counters = { granted: 0, waited: 0, totalWaitMs: 0, maxWaitMs: 0, concurrencyWaitMs: 0, maxInFlight: 0 };
  }
}

const registry = new Map<string, RequestBudget>();

/** Budgets are per endpoint origin (scheme + host + port). */
export function budgetKey(endpoint: string): string {
  try {
    return new URL(endpoint).origin.toLowerCase();
  } catch {
    return endpoint;
  }
}

/**
 * The shared budget of an endpoint (created on first use with the given settings, or unlimited). Tests
 * and benchmarks use it to read `stats()`.
 */
export function requestBudget(endpoint: string, initial?: BudgetSettings): RequestBudget {
  const key = budgetKey(endpoint);
  let budget = registry.get(key);
  if (!budget) {
    budget = new RequestBudget(key, initial ?? { requestsPerSecond: 0, burst: 0, maxConcurrency: 8 });
    registry.set(key, budget);
  }
  return budget;
}
