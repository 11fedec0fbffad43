import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  createClient,
  defaultResource,
  isLoopbackHost,
  resolveClientOptions,
} from '../../core/client/index.js';

const env = {
  LOGTO_ENDPOINT: 'https://acme.logto.app',
  LOGTO_APP_ID: 'app123',
  LOGTO_APP_SECRET: 'sec456',
};

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('reads the environment and fills defaults', () => {
    const o = resolveClientOptions({}, env);
    expect(o).toMatchObject({
      endpoint: 'https://acme.logto.app',
      appId: 'app123',
      appSecret: 'sec456',
      resource: 'https://acme.logto.app/api',
      requestsPerSecond: 20,
      burst: 4,
      maxConcurrency: 8,
      callTimeoutMs: 60_000,
      allowInsecureHttp: false,
    });
    expect(o.debug).toBeUndefined();
  });

  it('the default budget fits the server: Logto Cloud’s 20 requests/s for *.logto.app, unlimited elsewhere', () => {
    expect(resolveClientOptions({}, env).requestsPerSecond).toBe(20);
    const selfHosted = resolveClientOptions({}, { ...env, LOGTO_ENDPOINT: 'https://auth.example.com' });
    expect([selfHosted.requestsPerSecond, selfHosted.burst, selfHosted.maxConcurrency]).toEqual([0, 0, 8]);
    expect(
      resolveClientOptions({}, { ...env, LOGTO_ENDPOINT: 'https://logto.app.example.com' }).requestsPerSecond,
    ).toBe(0);
    // LOGTO_REQUESTS_PER_SECOND still wins, both ways.
    expect(
      resolveClientOptions({}, { ...env, LOGTO_ENDPOINT: 'https://auth.example.com', LOGTO_REQUESTS_PER_SECOND: '5' })
        .requestsPerSecond,
    ).toBe(5);
    expect(resolveClientOptions({}, { ...env, LOGTO_REQUESTS_PER_SECOND: '0' }).requestsPerSecond).toBe(0);
  });

  it('explicit options win over the environment', () => {
    const o = resolveClientOptions(
      { endpoint: 'http://127.0.0.1:3001/', appId: 'x', requestsPerSecond: 0, resource: 'https://r.example/api' },
      { ...env, LOGTO_REQUESTS_PER_SECOND: '5', LOGTO_RESOURCE: 'https://ignored/api' },
    );
    expect(o.endpoint).toBe('http://127.0.0.1:3001');
    expect(o.appId).toBe('x');
    expect(o.appSecret).toBe('sec456');
    expect(o.requestsPerSecond).toBe(0);
    expect(o.resource).toBe('https://r.example/api');
  });

  it('parses LOGTO_REQUESTS_PER_SECOND and LOGTO_RESOURCE from the environment', () => {
    const o = resolveClientOptions(
      {},
      { ...env, LOGTO_REQUESTS_PER_SECOND: '7.5', LOGTO_RESOURCE: 'https://t.example/api' },
    );
    expect(o.requestsPerSecond).toBe(7.5);
    expect(o.resource).toBe('https://t.example/api');
  });

  it.each([
    ['LOGTO_ENDPOINT', /LOGTO_ENDPOINT\) is not set: set it to the base URL/],
    ['LOGTO_APP_ID', /LOGTO_APP_ID\) is not set: set it to the App ID of a machine-to-machine application/],
    ['LOGTO_APP_SECRET', /LOGTO_APP_SECRET\) is not set/],
  ])('a missing %s is named with the fix', (name, re) => {
    const e = configError(() => resolveClientOptions({}, { ...env, [name]: undefined }));
    expect(e.message).toMatch(re);
    expect(e.setting).toContain(name);
  });

  it('treats empty variables as unset', () => {
    const e = configError(() => resolveClientOptions({}, { ...env, LOGTO_APP_SECRET: '  ' }));
    expect(e.message).toContain('LOGTO_APP_SECRET');
  });

  it('names malformed values and where they came from', () => {
    expect(configError(() => resolveClientOptions({}, { ...env, LOGTO_ENDPOINT: 'acme.logto.app' })).message).toMatch(
      /LOGTO_ENDPOINT is not an absolute URL \(got "acme\.logto\.app"\)/,
    );
    expect(configError(() => resolveClientOptions({}, { ...env, LOGTO_REQUESTS_PER_SECOND: 'fast' })).message).toMatch(
      /LOGTO_REQUESTS_PER_SECOND must be a number ≥ 0 \(got "fast"\).*0 = unlimited/,
    );
    expect(configError(() => resolveClientOptions({ requestsPerSecond: -1 }, env)).message).toMatch(
      /option `requestsPerSecond` \(or LOGTO_REQUESTS_PER_SECOND\) must be a number ≥ 0/,
    );
    expect(configError(() => resolveClientOptions({ endpoint: 'ftp://x' }, env)).message).toMatch(
      /option `endpoint` \(or LOGTO_ENDPOINT\) must be an http:\/\/ or https:\/\/ URL/,
    );
    expect(configError(() => resolveClientOptions({}, { ...env, LOGTO_RESOURCE: 'not a url' })).message).toMatch(
      /LOGTO_RESOURCE is not an absolute URL.*API indicator of your tenant/,
    );
    expect(configError(() => resolveClientOptions({ maxConcurrency: 0 }, env)).message).toMatch(/maxConcurrency/);
  });

  it('never echoes the app secret in a config error', () => {
    const e = configError(() => resolveClientOptions({}, { ...env, LOGTO_APP_SECRET: 'has space-CANARY' }));
    expect(e.message).toContain('LOGTO_APP_SECRET');
    expect(e.message).not.toContain('CANARY');
  });

  it('refuses plain http:// for non-loopback hosts unless allowed', () => {
    const e = configError(() => resolveClientOptions({ endpoint: 'http://logto.internal.example' }, env));
    expect(e.message).toMatch(
      /plain http:\/\/ for the non-loopback host "logto\.internal\.example".*allowInsecureHttp/,
    );
    expect(() => createClient({ endpoint: 'http://10.0.0.5:3001' }, env)).toThrow(ConfigError);
    expect(
      resolveClientOptions({ endpoint: 'http://logto.internal.example', allowInsecureHttp: true }, env).endpoint,
    ).toBe('http://logto.internal.example');
    expect(
      resolveClientOptions({}, { ...env, LOGTO_ENDPOINT: 'http://logto.lan', LOGTO_ALLOW_INSECURE_HTTP: '1' }).endpoint,
    ).toBe('http://logto.lan');
    for (const ok of ['http://localhost:3001', 'http://127.0.0.1:3001', 'http://[::1]:3001', 'http://app.localhost']) {
      expect(resolveClientOptions({ endpoint: ok }, env).endpoint).toBe(ok);
    }
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.8.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
  });

  it('derives the default resource indicator from the endpoint', () => {
    expect(defaultResource('https://acme.logto.app')).toBe('https://acme.logto.app/api');
    expect(defaultResource('https://ACME.logto.app/')).toBe('https://acme.logto.app/api');
    expect(defaultResource('https://auth.example.com')).toBe('https://default.logto.app/api');
    expect(defaultResource('http://127.0.0.1:3001')).toBe('https://default.logto.app/api');
    expect(defaultResource('https://logto.app.evil.example')).toBe('https://default.logto.app/api');
  });

  it('turns on debug output with LOGTO_IAC_DEBUG=1', () => {
    expect(resolveClientOptions({}, { ...env, LOGTO_IAC_DEBUG: '1' }).debug).toBeTypeOf('function');
    expect(resolveClientOptions({}, { ...env, LOGTO_IAC_DEBUG: '0' }).debug).toBeUndefined();
  });
});
