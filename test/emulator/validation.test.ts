import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness } from './core-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await harness({ seed: 'validation' });
});
afterAll(() => h?.close());

describe('unknown-key stripping follows the union branch that validated', () => {
  it('keeps Number config keys on PUT /custom-profile-fields/:name and drops unknown ones', async () => {
    const created = await h.api('POST', '/custom-profile-fields', {
      name: 'age',
      type: 'Text',
      required: false,
      config: { minLength: 1, maxLength: 3, bogus: true },
    });
    expect(created.status).toBe(201);
    expect(created.json.config).toEqual({ minLength: 1, maxLength: 3 });

    const put = await h.api('PUT', '/custom-profile-fields/age', {
      type: 'Number',
      required: true,
      config: { minValue: 0, maxValue: 120, minLength: 5, placeholder: 'years' },
      extra: 'dropped',
    });
    expect(put.status).toBe(200);
    // minLength belongs to the Text branch (the first one), not to Number: it is stripped.
    expect(put.json.config).toEqual({ minValue: 0, maxValue: 120, placeholder: 'years' });
    expect(put.json).not.toHaveProperty('extra');
    const got = await h.api('GET', '/custom-profile-fields/age');
    expect(got.json.config).toEqual({ minValue: 0, maxValue: 120, placeholder: 'years' });
  });

  it('keeps the keys of a later branch on POST too (Date config)', async () => {
    const res = await h.api('POST', '/custom-profile-fields', {
      name: 'birthday',
      type: 'Date',
      required: false,
      config: { format: 'yyyy-MM-dd', customFormat: 'x', minValue: 1 },
    });
    expect(res.status).toBe(201);
    expect(res.json.config).toEqual({ format: 'yyyy-MM-dd', customFormat: 'x' });
  });
});

describe('validation reports every issue in Logto shape', () => {
  it('lists all missing fields in shape order, with details naming the first key path', async () => {
    const res = await h.api('POST', '/applications', {});
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('guard.invalid_input');
    expect(res.json.message).toBe('The request body is invalid.');
    expect(res.json.data.name).toBe('ZodError');
    expect(res.json.data.issues.map((i: { path: string[] }) => i.path.join('.'))).toEqual(['name', 'type']);
    expect(res.json.data.issues[0]).toEqual({
      code: 'invalid_type',
      expected: 'string',
      received: 'undefined',
      path: ['name'],
      message: 'Required',
    });
    const lines = String(res.json.details).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('Error in key path "name": (invalid_type) Expected string but received undefined.');
    expect(lines[1]).toMatch(/^Error in key path "type": \(invalid_type\)/);
  });

  it('reports a wrong type once (not also as an enum or length failure) next to other issues', async () => {
    const res = await h.api('POST', '/applications', { name: 5, type: 'Nope' });
    expect(res.status).toBe(400);
    const issues = res.json.data.issues as Array<Record<string, unknown>>;
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      [['name'], 'invalid_type'],
      [['type'], 'invalid_enum_value'],
    ]);
    expect(issues[1]).toMatchObject({ received: 'Nope', options: expect.arrayContaining(['SPA', 'Traditional']) });
    expect(String(res.json.details).split('\n')[0]).toContain('key path "name"');
  });

  it('reports the issues of the branch a discriminated union picks', async () => {
    await h.api('POST', '/custom-profile-fields', { name: 'dept', type: 'Text', required: false });
    const res = await h.api('PUT', '/custom-profile-fields/dept', { type: 'Number', required: 'yes', label: '' });
    expect(res.status).toBe(400);
    expect(res.json.data.issues.map((i: { path: string[]; code: string }) => [i.path.join('.'), i.code])).toEqual([
      ['label', 'too_small'],
      ['required', 'invalid_type'],
    ]);
  });

  it('reports an unknown discriminator as invalid_union_discriminator at the discriminator path', async () => {
    const res = await h.api('PUT', '/captcha-provider', { config: { type: 'Nope', siteKey: 'a', secretKey: 'b' } });
    expect(res.status).toBe(400);
    expect(res.json.data.issues).toEqual([
      expect.objectContaining({
        code: 'invalid_union_discriminator',
        path: ['config', 'type'],
        options: ['Turnstile', 'RecaptchaEnterprise'],
      }),
    ]);
    expect(res.json.details).toMatch(/^Error in key path "config\.type": \(invalid_union_discriminator\)/);
  });

  it('reports a nested path for an invalid array item', async () => {
    const res = await h.api('POST', '/hooks', {
      name: 'h',
      events: ['PostRegister', 'Nope'],
      config: { url: 'https://hooks.example' },
    });
    expect(res.status).toBe(400);
    expect(res.json.data.issues).toEqual([
      expect.objectContaining({ code: 'invalid_enum_value', path: ['events', 1], received: 'Nope' }),
    ]);
    expect(res.json.details).toMatch(/^Error in key path "events\.1": \(invalid_enum_value\)/);
  });
});

describe('path parameter validation', () => {
  it('rejects a value outside the documented enum with 400 "The request params is invalid."', async () => {
    const res = await h.api('GET', '/configs/oidc/nope');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      code: 'guard.invalid_input',
      message: 'The request params is invalid.',
      data: {
        name: 'ZodError',
        issues: [
          {
            code: 'invalid_enum_value',
            path: ['keyType'],
            received: 'nope',
            options: ['private-keys', 'cookie-keys'],
          },
        ],
      },
    });
    expect(res.json.details).toMatch(/^Error in key path "keyType": \(invalid_enum_value\)/);
  });

  it('checks the JWT customizer token type and custom-phrase language tags', async () => {
    const jwt = await h.api('GET', '/configs/jwt-customizer/id-token');
    expect([jwt.status, jwt.json.message]).toEqual([400, 'The request params is invalid.']);
    expect(jwt.json.data.issues[0].path).toEqual(['tokenTypePath']);
    // A well-formed BCP 47 tag that Logto does not support is refused too (the document's enum).
    const tag = await h.api('GET', '/custom-phrases/en-AU');
    expect([tag.status, tag.json.message]).toEqual([400, 'The request params is invalid.']);
    expect(tag.json.data.issues[0].path).toEqual(['languageTag']);
  });

  it('lets valid parameters through to the route', async () => {
    expect((await h.api('GET', '/configs/oidc/private-keys')).status).toBe(200);
    expect((await h.api('GET', '/custom-phrases/ko')).status).toBe(404);
    expect((await h.api('GET', '/configs/jwt-customizer/access-token')).status).toBe(404);
  });

  it('validates the body before the parameters, as koaGuard does', async () => {
    const res = await h.api('PUT', '/custom-phrases/xx-YY', '"not an object"');
    expect(res.status).toBe(400);
    expect(res.json.message).toBe('The request body is invalid.');
    const params = await h.api('PUT', '/custom-phrases/xx-YY', { input: { username: 'User' } });
    expect([params.status, params.json.message]).toEqual([400, 'The request params is invalid.']);
  });
});
