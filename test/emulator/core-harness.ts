/**
 * Raw-HTTP harness for the emulator core tests (undici `request`, so no fetch-added headers such as
 * `Cache-Control: no-cache`; not our API client, so the tests check the wire format).
 */
import { request } from 'undici';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../emulator/index.js';

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export async function raw(
  url: string,
  method: string,
  opts: { body?: string; headers?: Record<string, string> } = {},
): Promise<RawReply> {
  const res = await request(url, {
    method: method as 'GET',
    headers: opts.headers,
    body: opts.body,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const text = await res.body.text();
  const ct = String(res.headers['content-type'] ?? '');
  return {
    status: res.statusCode,
    headers: res.headers,
    text,
    json: ct.includes('json') && text ? JSON.parse(text) : undefined,
  };
}

/** POST /oidc/token with HTTP Basic `basic` (default: the emulator's own app; '' sends none). */
export function tokenRequest(
  emu: Pick<RunningEmulator, 'url' | 'appId' | 'appSecret'>,
  form: Record<string, string>,
  basic: string | undefined = `${emu.appId}:${emu.appSecret}`,
): Promise<RawReply> {
  return raw(`${emu.url}/oidc/token`, 'POST', {
    body: new URLSearchParams(form).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}),
    },
  });
}

export async function token(emu: RunningEmulator, resource = emu.resource, scope = 'all'): Promise<string> {
  const form: Record<string, string> = { grant_type: 'client_credentials', resource };
  if (scope) form.scope = scope;
  const res = await tokenRequest(emu, form);
  if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
  return res.json.access_token as string;
}

export interface Harness {
  emu: RunningEmulator;
  bearer: string;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawReply>;
  close(): Promise<void>;
}

export async function harness(options: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ port: 0, ...options });
  const bearer = await token(emu);
  return {
    emu,
    bearer,
    api: (method, path, body, headers = {}) =>
      raw(`${emu.url}/api${path}`, method, {
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        headers: {
          authorization: `Bearer ${bearer}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
      }),
    close: () => emu.close(),
  };
}
