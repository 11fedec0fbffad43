/**
 * Fault injection and the optional Logto Cloud rate limit.
 *
 * Rules are matched per route template (`/roles/:id/scopes`, `/oidc/token`, or `*`) and method. Every
 * matching rule adds its `latencyMs`; the first matching rule whose fault fires decides the outcome.
 * Randomness comes from a small seeded PRNG so a run with the same seed and the same request order injects
 * the same faults.
 */

export type FaultKind = 429 | 500 | 502 | 503 | 'reset' | 'hang' | 'dropResponseAfterCommit';

export interface FaultRule {
  /** Route template relative to `/api` (`/roles/:id/scopes`), `/oidc/token`, or `*` (default). */
  route?: string;
  /** HTTP method or `*` (default). */
  method?: string;
  /** Added delay before the request is handled (applies whenever the rule matches). */
  latencyMs?: number;
  /** The fault to inject. Without it the rule only adds latency. */
  fault?: FaultKind;
  /** Chance (0..1) that the fault fires on a matching request. Default 1. */
  probability?: number;
  /** For 429/503: send `Retry-After: <n>`. Omit to send no Retry-After. */
  retryAfterSeconds?: number;
  /** Fire at most this many times, then the rule stops injecting (latency still applies). */
  times?: number;
  /** Skip the first `after` matching requests before the fault may fire. */
  after?: number;
}

export interface FaultConfig {
  /** Seed for the PRNG (string or number). Default: the emulator seed, else a fixed constant. */
  seed?: string | number;
  rules: FaultRule[];
}

export interface CloudRateLimit {
  /** Bucket size and refill per window. Default 200. */
  requests?: number;
  /** Window in seconds. Default 10. */
  windowSeconds?: number;
}

export interface FaultDecision {
  latencyMs: number;
  fault?: FaultKind;
  retryAfterSeconds?: number;
}

/** mulberry32 over a 32-bit FNV-1a hash of the seed. */
export function prng(seed: string | number): () => number {
  let h = 0x811c9dc5;
  for (const ch of String(seed)) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RuleState {
  rule: FaultRule;
  seen: number;
  fired: number;
}

export class FaultInjector {
  private rules: RuleState[] = [];
  private random: () => number = prng('logto-emulator');

  constructor(config?: FaultConfig | FaultRule[], defaultSeed?: string | number) {
    this.set(config, defaultSeed);
  }

  set(config?: FaultConfig | FaultRule[], defaultSeed?: string | number): void {
    const cfg: FaultConfig = Array.isArray(config) ? { rules: config } : (config ?? { rules: [] });
    for (const rule of cfg.rules) validateRule(rule);
    this.rules = cfg.rules.map((rule) => ({ rule, seen: 0, fired: 0 }));
    this.random = prng(cfg.seed ?? defaultSeed ?? 'logto-emulator');
  }

  decide(method: string, route: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const st of this.rules) {
      const { rule } = st;
      if (rule.method && rule.method !== '*' && rule.method.toUpperCase() !== method) continue;
      if (rule.route && rule.route !== '*' && rule.route !== route) continue;
      decision.latencyMs += rule.latencyMs ?? 0;
      if (!rule.fault || decision.fault) continue;
      st.seen++;
      if (rule.after !== undefined && st.seen <= rule.after) continue;
      if (rule.times !== undefined && st.fired >= rule.times) continue;
      // Draw only when needed so probability-1 rules do not shift other rules' sequences.
      const p = rule.probability ?? 1;
      if (p < 1 && this.random() >= p) continue;
      st.fired++;
      decision.fault = rule.fault;
      decision.retryAfterSeconds = rule.retryAfterSeconds;
    }
    return decision;
  }
}

function validateRule(rule: FaultRule): void {
  const kinds: FaultKind[] = [429, 500, 502, 503, 'reset', 'hang', 'dropResponseAfterCommit'];
  if (rule.fault !== undefined && !kinds.includes(rule.fault)) {
    throw new Error(`emulator fault rule: unknown fault ${JSON.stringify(rule.fault)}; use one of ${kinds.join(', ')}`);
  }
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
    throw new Error('emulator fault rule: probability must be between 0 and 1');
  }
  if (rule.route && rule.route !== '*' && !rule.route.startsWith('/')) {
    throw new Error(`emulator fault rule: route "${rule.route}" must be "*" or a template starting with "/"`);
  }
}

/** Token bucket: `requests` tokens, refilled continuously over `windowSeconds`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;
  private readonly perMs: number;

  constructor(limit: CloudRateLimit = {}, now = Date.now()) {
    this.capacity = limit.requests ?? 200;
    this.perMs = this.capacity / ((limit.windowSeconds ?? 10) * 1000);
    this.tokens = this.capacity;
    this.last = now;
  }

  /** Take one token; returns 0 when allowed, else the seconds to wait (≥ 1). */
  take(now = Date.now()): number {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perMs / 1000));
  }
}
