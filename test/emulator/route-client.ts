/**
 * A tiny raw-HTTP client for the emulator route tests (global fetch; deliberately not our API client, so the
 * tests check the wire format). Starts an in-process emulator on 127.0.0.1 with a random port.
 */
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: any;
}

export interface TestApi {
  emu: RunningEmulator;
  token: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

export async function fetchToken(emu: RunningEmulator): Promise<string> {
  const res = await fetch(`${emu.url}/oidc/token`, {
    method: 'POST',
    signal: AbortSignal.timeout(10_000),
    headers: {
      authorization: `Basic ${Buffer.from(`${emu.appId}:${emu.appSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: emu.resource, scope: 'all' }),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function startApi(): Promise<TestApi> {
  const emu = await startEmulator({ port: 0 });
  const token = await fetchToken(emu);
  return {
    emu,
    token,
    async call(method, path, body, headers = {}) {
      const res = await fetch(`${emu.url}/api${path}`, {
        method,
        signal: AbortSignal.timeout(10_000),
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let json: unknown;
      if ((res.headers.get('content-type') ?? '').includes('application/json')) json = JSON.parse(text);
      return { status: res.status, headers: res.headers, text, json };
    },
    close: () => emu.close(),
  };
}

/** The three auth failures every module shares, for one route. */
export async function authFailures(api: TestApi, method: string, path: string): Promise<number[]> {
  const url = `${api.emu.url}/api${path}`;
  const statuses: number[] = [];
  for (const authorization of [undefined, 'Bearer not-a-jwt', 'Basic abc']) {
    const res = await fetch(url, {
      method,
      signal: AbortSignal.timeout(10_000),
      headers: authorization ? { authorization } : {},
    });
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  return statuses;
}
