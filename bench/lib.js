/**
 * Shared helpers of `npm run bench`: machine facts, timing, a raw HTTP driver for seeding and for the
 * baselines (plain undici, so those numbers are not about our client), and small statistics.
 */
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { Pool } from 'undici';

export const MANAGEMENT_API_RESOURCE = 'https://default.logto.app/api';

export function machine() {
  const list = cpus();
  return {
    cpuModel: list[0]?.model?.trim() ?? 'unknown',
    cores: list.length,
    memoryMiB: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export const now = () => performance.now();

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const round = (n, digits = 2) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

/** Reject after `ms` (every wait in the bench is bounded). */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Run `fn(item, i)` over `items` with at most `parallelism` in flight; results in input order. */
export async function mapLimit(items, parallelism, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, items.length) }, worker));
  return out;
}

/**
 * A minimal Management API driver on a plain undici pool: one token, JSON in and out, no retries, no
 * budget. Used to seed large tenants quickly and for the one-GET-per-object baseline.
 */
export class RawApi {
  constructor(emulator, connections = 16) {
    this.emulator = emulator;
    this.pool = new Pool(emulator.url, { connections, pipelining: 1 });
    this.token = undefined;
    this.requests = 0;
  }

  async authenticate() {
    const basic = Buffer.from(`${this.emulator.appId}:${this.emulator.appSecret}`).toString('base64');
    const res = await this.pool.request({
      path: '/oidc/token',
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        resource: MANAGEMENT_API_RESOURCE,
        scope: 'all',
      }).toString(),
    });
    const body = await res.body.json();
    if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${JSON.stringify(body)}`);
    this.token = body.access_token;
    return this;
  }

  async call(method, path, body) {
    this.requests++;
    const res = await this.pool.request({
      path: `/api${path}`,
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`);
    const type = String(res.headers['content-type'] ?? '');
    return type.includes('json') && text ? JSON.parse(text) : text;
  }

  get(path) {
    return this.call('GET', path);
  }

  post(path, body) {
    return this.call('POST', path, body);
  }

  close() {
    return this.pool.close();
  }
}

/** API requests (token endpoint excluded) and 429s from the emulator's counters. */
export function apiCounts(stats) {
  return {
    api: stats.total - stats.tokenRequests,
    token: stats.tokenRequests,
    tooMany: stats.byStatus['429'] ?? 0,
  };
}

/** Requests the emulator counted on the routes (`"POST /roles"`, …) for which `keep` holds. */
export function requestsWhere(stats, keep) {
  return Object.entries(stats.byRoute)
    .filter(([route]) => keep(route))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** One row of the results: a figure, optionally with a target and whether it was met. */
export function figure(scenario, name, value, unit, extra = {}) {
  return { scenario, name, value, unit, ...extra };
}

/** `value` compared with a target `{ op: '<=' | '>=', value }`. */
export function judged(scenario, name, value, unit, target) {
  const pass = target.op === '<=' ? value <= target.value : value >= target.value;
  return figure(scenario, name, value, unit, { target: `${target.op} ${target.value}`, pass });
}

/**
 * Run `command args` as a child process and collect its output. When `killAfterMs` is set, SIGKILL `victim()`
 * (a pid; default the child) that long after `from` resolves (default: the spawn); after `timeoutMs` the child
 * is killed and `timedOut` set. Resolves with the exit code (or the signal), stdout and stderr.
 */
export function runChild(command, args, { cwd, env, killAfterMs, victim, from, timeoutMs = 300_000 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    let exited = false;
    let timer;
    const kill = () => {
      const pid = victim ? victim() : child.pid;
      if (!pid || exited) return;
      try {
        process.kill(pid, 'SIGKILL');
        killed = true;
      } catch {
        // already gone
      }
    };
    if (killAfterMs !== undefined)
      Promise.resolve(from?.(() => exited)).then(() => {
        if (!exited) timer = setTimeout(kill, killAfterMs);
      });
    let timedOut = false;
    const hardStop = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      clearTimeout(hardStop);
      resolve({ code: code ?? signal, killed, timedOut, stdout, stderr });
    });
  });
}
