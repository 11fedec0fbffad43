/**
 * A tiny raw-HTTP client for the emulator route tests (global fetch; deliberately not our API client, so the
 * tests check the wire format). Starts an in-process emulator on 127.0.0.1 with a random port.
 */
import { type Api, connect } from '../../conformance/wire.js';
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';
import type { Target } from '../support/target.js';

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

export async function startApi(): Promise<TestApi> {
  const emu = await startEmulator({ port: 0 });
  const api = await connect(emu);
  return { emu, token: api.token, call: api.call, close: () => emu.close() };
}

/**
 * The wire client for the suite's target (the emulator, or a real Logto when LOGTO_E2E_* are set), for route
 * tests that run on both; the token is for a self-hosted Logto's Management API.
 */
export function connectTarget(target: Target): Promise<Api> {
  return connect({ ...target, resource: 'https://default.logto.app/api' });
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
