import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { LogtoApiError, REDACTED, redact, redactText } from '../../core/client/index.js';
import { type Harness, harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.done();
  h = undefined;
});

const CANARY = {
  appSecret: 'CANARYappsecret0001',
  bodySecret: 'CANARYbodysecret0002',
  signingKey: 'CANARYsigningkey0003',
  clientSecret: 'CANARYclientsecret0004',
  captcha: 'CANARYcaptchakey0005',
  errorData: 'CANARYerrordata0006',
};

describe('redaction', () => {
  it('debug lines never contain tokens, secrets, Authorization headers or secret body fields', async () => {
    const lines: string[] = [];
    h = await harness({ debug: (l) => lines.push(l) }, { appSecret: CANARY.appSecret });
    h.server.route('POST', '/api/applications', {
      status: 200,
      json: { id: 'a1', name: 'm2m', secrets: [{ name: 'Default secret', value: CANARY.bodySecret }] },
    });
    h.server.route('POST', '/api/hooks', {
      status: 201,
      json: {
        id: 'h1',
        config: { url: 'https://x', headers: { authorization: CANARY.clientSecret } },
        signingKey: CANARY.signingKey,
      },
    });
    h.server.route('PUT', '/api/captcha-provider', {
      status: 200,
      json: { config: { type: 'Turnstile', siteKey: 'site', secretKey: CANARY.captcha } },
    });
    h.server.route('POST', '/api/sso-connectors', {
      status: 400,
      json: { code: 'connector.invalid_config', message: 'bad', data: { clientSecret: CANARY.errorData } },
    });
    await h.client.post('/applications', { name: 'm2m', type: 'MachineToMachine', secret: CANARY.bodySecret });
    await h.client.post('/hooks', {
      name: 'h',
      config: { url: 'https://x', headers: { authorization: CANARY.clientSecret } },
    });
    await h.client.put('/captcha-provider', {
      config: { type: 'Turnstile', siteKey: 'site', secretKey: CANARY.captcha },
    });
    const err = (await h.client
      .post('/sso-connectors', {
        providerName: 'OIDC',
        connectorName: 'c',
        config: { clientSecret: CANARY.clientSecret },
      })
      .catch((e: unknown) => e)) as LogtoApiError;
    h.server.revokeTokens(); // force a refresh: a second token fetch shows up in the log too
    await h.client.put('/captcha-provider', { config: { secretKey: CANARY.captcha } });

    const tokens = [...h.server.issued.keys()];
    expect(tokens).toHaveLength(2);
    const basic = Buffer.from(`faultapp:${CANARY.appSecret}`).toString('base64');
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThan(10);
    expect(all).toContain('→ POST /api/applications');
    expect(all).toContain('← 200 POST /api/applications');
    expect(all).toContain('→ POST /oidc/token');
    expect(all).toContain(REDACTED);
    for (const secret of [...Object.values(CANARY), ...tokens, basic]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/Bearer tok-/);

    expect(err).toBeInstanceOf(LogtoApiError);
    expect(JSON.stringify(err.data)).not.toContain(CANARY.errorData);
    expect(err.message).not.toContain(CANARY.clientSecret);
  });

  it('logging or serialising the client shows no credentials or token', async () => {
    h = await harness({}, { appSecret: CANARY.appSecret });
    h.server.route('GET', '/api/roles', { status: 200, json: [] });
    await h.client.get('/roles');
    const [token] = [...h.server.issued.keys()];
    const shown = `${inspect(h.client, { depth: 10, showHidden: true })} ${JSON.stringify(h.client)}`;
    expect(shown).toContain(h.server.url);
    expect(shown).not.toContain(CANARY.appSecret);
    expect(shown).not.toContain(token);
  });

  it('prints nothing unless debug is on', async () => {
    const writes: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      h = await harness();
      h.server.route('GET', '/api/roles', { status: 200, json: [] });
      await h.client.get('/roles');
    } finally {
      process.stderr.write = original;
    }
    expect(writes.filter((w) => w.includes('logto-iac'))).toEqual([]);
  });

  it('debug lines hide JWT customizer environment variables, whatever their names', async () => {
    const lines: string[] = [];
    const canary = 'CANARYjwtenvvar0007';
    h = await harness({ debug: (l) => lines.push(l) }, { appSecret: CANARY.appSecret });
    const body = {
      script: 'const getCustomJwtClaims = async ({ environmentVariables }) => ({});',
      environmentVariables: { STRIPE_ID: canary, region: 'eu' },
    };
    h.server.route('PUT', '/api/configs/jwt-customizer/access-token', { status: 200, json: body });
    const echoed = await h.client.put<typeof body>('/configs/jwt-customizer/access-token', body);
    expect(echoed.environmentVariables.STRIPE_ID).toBe(canary); // the caller still gets the value
    const all = lines.join('\n');
    expect(all).toContain('→ PUT /api/configs/jwt-customizer/access-token');
    expect(all).toContain('getCustomJwtClaims');
    expect(all).toContain(`"environmentVariables":"${REDACTED}"`);
    expect(all).not.toContain(canary);
    expect(redact({ environment_variables: { A: canary } })).toEqual({ environment_variables: REDACTED });
  });

  it('redact() hides secret-looking fields at any depth and keeps the rest', () => {
    const input = {
      name: 'app',
      secret: 's1',
      nested: [{ value: 'v', label: 'keep' }],
      config: { clientSecret: 'c' },
      enableTokenStorage: false,
      note: 'Authorization: Bearer abc.def.ghi',
    };
    expect(redact(input)).toEqual({
      name: 'app',
      secret: REDACTED,
      nested: [{ value: REDACTED, label: 'keep' }],
      config: REDACTED,
      enableTokenStorage: false,
      note: `Authorization: Bearer ${REDACTED}`,
    });
    expect(input.secret).toBe('s1'); // not mutated
    expect(redactText('client_secret=xyz&scope=all')).toBe(`client_secret=${REDACTED}&scope=all`);
    expect(redactText('token eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJ4In0.sig here')).toBe(`token ${REDACTED} here`);
    expect(redactText('contains known-secret-1 twice: known-secret-1', ['known-secret-1'])).toBe(
      `contains ${REDACTED} twice: ${REDACTED}`,
    );
  });
});
