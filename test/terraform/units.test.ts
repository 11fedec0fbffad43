/** The plugin's pure pieces: certificate, cty msgpack, JSON normalisation, the mirror layout. */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handshakeCertificate, makeServerCertificate } from '../../provider/terraform/cert.js';
import { type CtyType, decodeValue, encodeValue, UNKNOWN } from '../../provider/terraform/cty.js';
import { terraformInstall } from '../../provider/terraform/install.js';
import { importIdForReconciler, resourceSchema } from '../../provider/terraform/schema.js';
import { canonicalJson, JsonAttributeError, toSpec } from '../../provider/terraform/values.js';
import { getDefinition } from '../../resources/index.js';
import { pluginBundle } from './support.js';

describe('server certificate (AutoMTLS)', () => {
  it('is a self-signed CA certificate for localhost usable for TLS server and client auth', () => {
    const cert = makeServerCertificate();
    const x = new X509Certificate(cert.der);
    expect(x.subjectAltName).toBe('DNS:localhost');
    expect(x.ca).toBe(true);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkPrivateKey(createPrivateKey(cert.keyPem))).toBe(true);
    expect(x.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
    expect(new Date(x.validFrom).getTime()).toBeLessThanOrEqual(Date.now());
    expect(new Date(x.validTo).getTime()).toBeGreaterThan(Date.now());
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('goes into the handshake as base64 without padding', () => {
    for (const len of [1, 2, 3, 4, 5]) {
      const text = handshakeCertificate(Buffer.alloc(len, 7));
      expect(text).not.toMatch(/=/);
      expect(Buffer.from(text, 'base64')).toEqual(Buffer.alloc(len, 7));
    }
  });
});

describe('cty msgpack values', () => {
  const type: CtyType = ['object', { a: 'string', n: 'number', s: ['set', 'string'], o: ['object', { x: 'bool' }] }];

  it('encodes unknown as extension 0 and every attribute of an object, null when absent', () => {
    const bytes = encodeValue({ a: UNKNOWN }, type);
    expect(bytes.includes(Buffer.from([0xd4, 0x00, 0x00]))).toBe(true);
    expect(decodeValue({ msgpack: bytes })).toEqual({ a: UNKNOWN, n: null, s: null, o: null });
    expect(decodeValue({ msgpack: encodeValue({ o: {} }, type) })).toEqual({
      a: null,
      n: null,
      s: null,
      o: { x: null },
    });
  });

  it('decodes refined unknowns (extension 12) as unknown, and JSON state', () => {
    // fixmap(1) "a" → ext8 len 2 type 12 payload
    const refined = Buffer.from([0x81, 0xa1, 0x61, 0xc7, 0x02, 0x0c, 0x81, 0x01]);
    expect(decodeValue({ msgpack: refined })).toEqual({ a: UNKNOWN });
    expect(decodeValue({ json: Buffer.from('{"a":"x"}') })).toEqual({ a: 'x' });
    expect(decodeValue({ msgpack: Buffer.from([0xc0]) })).toBeNull();
  });
});

describe('schema conversions', () => {
  it('normalises JSON the way jsonencode writes it', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });

  it('accepts import ids with Terraform (snake_case) or catalog (camelCase) key names', () => {
    const scope = getDefinition('ApiResourceScope');
    expect(importIdForReconciler(scope, 'resource_id=r1,name=read:x')).toBe('resourceId=r1,name=read:x');
    expect(importIdForReconciler(scope, 'resourceId=r1,name=a,b')).toBe('resourceId=r1,name=a,b');
    expect(importIdForReconciler(getDefinition('ApiResource'), 'indicator=https://x.example/a?b_c=1')).toBe(
      'indicator=https://x.example/a?b_c=1',
    );
  });

  it('names the attribute of malformed JSON', () => {
    const org = resourceSchema(getDefinition('Organization'));
    expect(() => toSpec(org.attrs, { name: 'x', custom_data: '{oops' })).toThrow(JsonAttributeError);
    expect(
      toSpec(org.attrs, { name: 'x', custom_data: '{"k":1}', branding: { logo_url: 'https://l' }, description: null }),
    ).toEqual({
      name: 'x',
      customData: { k: 1 },
      branding: { logoUrl: 'https://l' },
    });
  });
});

describe('terraformInstall', () => {
  it('writes a filesystem-mirror layout whose launcher runs the plugin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logto-tf-mirror-'));
    const result = terraformInstall(dir, { bundle: await pluginBundle(), version: '1.2.3' });
    expect(result.providerDir).toBe(
      join(
        dir,
        'registry.terraform.io',
        'logto-io',
        'logto',
        '1.2.3',
        `linux_${process.arch === 'x64' ? 'amd64' : process.arch}`,
      ),
    );
    expect(result.executable).toBe(join(result.providerDir, 'terraform-provider-logto_v1.2.3'));
    expect(statSync(result.executable).mode & 0o111).not.toBe(0);
    expect(existsSync(join(dir, 'registry.opentofu.org', 'logto-io', 'logto', '1.2.3'))).toBe(true);
    expect(result.cliConfig).toMatch(/filesystem_mirror \{\s+path\s+= ".+"/);
    expect(result.cliConfig).toMatch(/exclude = \["registry\.terraform\.io\/logto-io\/\*"/);
    const run = spawnSync(result.executable, [], {
      encoding: 'utf8',
      timeout: 15_000,
      env: { PATH: process.env.PATH, HOME: dir },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/not meant to be run directly/);
  });

  it("writes the same launcher whatever the machine's Node path, naming none (the locked hash is machine-independent)", async () => {
    const bundle = await pluginBundle();
    const a = terraformInstall(mkdtempSync(join(tmpdir(), 'logto-tf-mirror-')), { bundle, version: '1.2.3' });
    const b = terraformInstall(mkdtempSync(join(tmpdir(), 'logto-tf-mirror-')), { bundle, version: '1.2.3' });
    const launcher = readFileSync(a.executable, 'utf8');
    expect(readFileSync(b.executable, 'utf8')).toBe(launcher);
    expect(launcher).not.toContain(process.execPath);
    expect(launcher).toContain('exec "${LOGTO_IAC_NODE:-node}"');
    for (const f of readdirSync(a.providerDir))
      expect(readFileSync(join(b.providerDir, f)).equals(readFileSync(join(a.providerDir, f)))).toBe(true);
  });

  it('installs a single executable byte for byte, alone in the package directory (replacing a launcher install)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logto-tf-mirror-'));
    terraformInstall(dir, { bundle: await pluginBundle(), version: '1.2.3' });
    const exe = join(dir, 'built-executable');
    writeFileSync(exe, '#!/bin/sh\necho single executable\n');
    const result = terraformInstall(dir, { executable: exe, version: '1.2.3' });
    expect(result.kind).toBe('executable');
    expect(readdirSync(result.providerDir)).toEqual(['terraform-provider-logto_v1.2.3']);
    expect(readFileSync(result.executable).equals(readFileSync(exe))).toBe(true);
    expect(statSync(result.executable).mode & 0o111).not.toBe(0);
    expect(() => terraformInstall(dir, { executable: join(dir, 'missing') })).toThrow(/npm run build:sea/);
  });
});
