/**
 * The mirror's launcher and loader: the plugin runs through them as Terraform runs it, and its V8 code
 * cache stays in a private per-user directory, keyed so that a stale or foreign cache is never used.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreBundleName, manifestName } from '../../provider/terraform/files.js';
import { terraformInstall } from '../../provider/terraform/install.js';
import { decodeStringField1, encodeHealthResponse } from '../../provider/terraform/wire.js';
import { call, launchPlugin, pluginBundle, stopPlugin } from './support.js';

const MAGIC = 'logto-iac v8 code cache\n';

describe('the launcher and its code cache', () => {
  let work: string;
  let launcher: string;
  let providerDir: string;
  let manifest: { bundle: { sha256: string }; core: { sha256: string } };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'logto-tf-cache-'));
    const bundle = await pluginBundle();
    manifest = JSON.parse(readFileSync(join(bundle, '..', manifestName(bundle)), 'utf8'));
    const installed = terraformInstall(join(work, 'mirror'), { bundle, version: '9.9.9' });
    launcher = installed.executable;
    providerDir = installed.providerDir;
  }, 60_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const cacheDirOf = (home: string) => join(home, '.cache', 'logto-iac');
  const cacheFiles = (home: string) => readdirSync(cacheDirOf(home)).filter((f) => f.endsWith('.v8cache'));

  /**
   * One launch through the launcher: handshake, health check, optionally tfplugin6 calls (GetMetadata
   * loads the core; GetProviderSchema is pre-encoded and would not), Shutdown.
   */
  async function launchOnce(home: string, rpc: false | 'schema' | 'core' = false): Promise<void> {
    const plugin = await launchPlugin({ HOME: home, XDG_CACHE_HOME: '', LOGTO_IAC_NO_CODE_CACHE: '' }, launcher);
    try {
      expect((await call(plugin.health, 'Check', { service: 'plugin' })).status).toBe('SERVING');
      if (rpc) {
        const schema = await call(plugin.provider, 'GetProviderSchema', {});
        expect(Object.keys(schema.resource_schemas)).toContain('logto_role');
        if (rpc === 'core') {
          const metadata = await call(plugin.provider, 'GetMetadata', {});
          expect(metadata.resources.map((r: { type_name: string }) => r.type_name)).toContain('logto_role');
        }
      }
    } finally {
      expect(await stopPlugin(plugin)).toBe(0);
    }
  }

  it('installs the start-up bundle, the core and the loader next to the launcher', () => {
    expect(readdirSync(providerDir).sort()).toEqual(
      [
        'logto-iac-loader.cjs',
        'logto-iac-provider.cjs',
        coreBundleName('logto-iac-provider.cjs'),
        'terraform-provider-logto_v9.9.9',
      ].sort(),
    );
    const loader = readFileSync(join(providerDir, 'logto-iac-loader.cjs'), 'utf8');
    // The key's build hashes come from the manifest the bundle script wrote.
    expect(loader).toContain(manifest.bundle.sha256);
    expect(loader).toContain(manifest.core.sha256);
  });

  it('writes both caches into ~/.cache/logto-iac (0700, files 0600), never into the mirror', async () => {
    const home = mkdtempSync(join(work, 'home-'));
    await launchOnce(home, 'core');
    const dir = cacheDirOf(home);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = cacheFiles(home);
    expect(files.some((f) => f.startsWith('logto-iac-provider-core-'))).toBe(true);
    expect(files.some((f) => f.startsWith(`logto-iac-provider-${manifest.bundle.sha256.slice(0, 16)}`))).toBe(true);
    for (const f of files) {
      expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
      const head = readFileSync(join(dir, f)).subarray(0, 200).toString('latin1');
      expect(head.startsWith(MAGIC)).toBe(true);
      expect(head).toContain(process.version);
    }
    expect(readdirSync(providerDir).some((f) => f.endsWith('.v8cache'))).toBe(false);

    // The next three launches add what they compiled (generations 2–4); after that a launch uses the
    // caches as they are and rewrites nothing.
    const generationOf = (f: string) => {
      const data = readFileSync(join(dir, f));
      return data[data.indexOf(10, MAGIC.length) + 1];
    };
    expect(files.map(generationOf)).toEqual(files.map(() => '1'.charCodeAt(0)));
    for (let i = 0; i < 3; i++) await launchOnce(home, 'core');
    expect(cacheFiles(home).map(generationOf)).toEqual(files.map(() => '4'.charCodeAt(0)));
    const before = cacheFiles(home).map((f) => statSync(join(dir, f)).ino);
    await launchOnce(home, 'core');
    expect(cacheFiles(home).map((f) => statSync(join(dir, f)).ino)).toEqual(before);
  }, 60_000);

  it('answers a launch that only fetches the schema without loading the core', async () => {
    const home = mkdtempSync(join(work, 'home-'));
    await launchOnce(home, 'schema');
    // The core writes its cache when it was loaded; only the start-up bundle's is there.
    expect(cacheFiles(home)).toEqual([
      expect.stringMatching(new RegExp(`^logto-iac-provider-${manifest.bundle.sha256.slice(0, 16)}-`)),
    ]);
  }, 60_000);

  it('ignores a cache file whose key does not match (stale or foreign) and replaces it', async () => {
    const home = mkdtempSync(join(work, 'home-'));
    await launchOnce(home);
    const dir = cacheDirOf(home);
    const [file] = cacheFiles(home);
    expect(file).toBeDefined();
    const path = join(dir, file as string);
    const original = readFileSync(path);
    const foreignKey = Buffer.from(`${MAGIC}["logto-iac-provider.cjs","${'0'.repeat(64)}"]\n1\n`);
    const payload = original.subarray(original.indexOf(10, original.indexOf(10, MAGIC.length) + 1) + 1);
    writeFileSync(path, Buffer.concat([foreignKey, payload]), {
      mode: 0o600,
    });
    await launchOnce(home);
    const replaced = readFileSync(path);
    expect(replaced.subarray(0, foreignKey.length).equals(foreignKey)).toBe(false);
    expect(replaced.toString('latin1', 0, 200)).toContain(manifest.bundle.sha256);
  }, 60_000);

  it('neither reads nor writes a cache directory that others can write to', async () => {
    const home = mkdtempSync(join(work, 'home-'));
    await launchOnce(home);
    const dir = cacheDirOf(home);
    for (const f of cacheFiles(home)) rmSync(join(dir, f));
    chmodSync(dir, 0o777);
    try {
      await launchOnce(home, 'core');
      expect(cacheFiles(home)).toEqual([]);
    } finally {
      chmodSync(dir, 0o700);
    }
  }, 60_000);
});

describe('the light service codecs (health, before protobufjs is loaded)', () => {
  it('reads HealthCheckRequest.service, skipping other fields', () => {
    expect(decodeStringField1(Buffer.from([0x0a, 0x06, ...Buffer.from('plugin')]))).toBe('plugin');
    // field 2 (varint 300) before field 1
    expect(decodeStringField1(Buffer.from([0x10, 0xac, 0x02, 0x0a, 0x01, 0x78]))).toBe('x');
    expect(decodeStringField1(Buffer.alloc(0))).toBe('');
    expect(() => decodeStringField1(Buffer.from([0x0a, 0x05, 0x61]))).toThrow();
  });

  it('writes HealthCheckResponse.status as protobuf does (default value omitted)', () => {
    expect(encodeHealthResponse({ status: 'SERVING' })).toEqual(Buffer.from([0x08, 0x01]));
    expect(encodeHealthResponse({ status: 'SERVICE_UNKNOWN' })).toEqual(Buffer.from([0x08, 0x03]));
    expect(encodeHealthResponse({ status: 'UNKNOWN' }).length).toBe(0);
  });
});
