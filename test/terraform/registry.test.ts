/**
 * The provider as Terraform users get it: `terraform init` downloads the single executable from a provider
 * registry (and from a network mirror), verifies it against the signed SHA256SUMS, and runs it with no
 * Node.js on the PATH. The release files are the ones `npm run release:provider` writes, signed with a GPG
 * key made for the test; the registry is served over HTTPS on 127.0.0.1 with a CA made for the test
 * (Terraform trusts it through SSL_CERT_FILE).
 *
 * LOGTO_IAC_KEEP_REGISTRY_TEST=1 keeps the working directories and prints where they are, with the output
 * of every terraform command.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeValue, UNKNOWN } from '../../provider/terraform/cty.js';
import { providerVersion, terraformPlatform } from '../../provider/terraform/install.js';
import { resourceSchema } from '../../provider/terraform/schema.js';
import { getDefinition } from '../../resources/index.js';
// @ts-expect-error plain JS build script without types
import { seaExecutable } from '../../scripts/build-sea.mjs';
// @ts-expect-error plain JS build script without types
import { fileNames, releaseProvider } from '../../scripts/release-provider.mjs';
import { startTarget, type Target } from '../support/target.js';
import { call, launchPlugin, stopPlugin } from './support.js';

const KEEP = process.env.LOGTO_IAC_KEEP_REGISTRY_TEST === '1';
const NAMESPACE = 'logto-io';

/** The absolute path of `command` on this process's PATH. */
function which(command: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      execFileSync('test', ['-x', join(dir, command)]);
      return join(dir, command);
    } catch {
      // not here
    }
  }
  throw new Error(`${command} is not on PATH`);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A new RSA signing key in a fresh keyring at `home`: its id (16 hex digits) and its armored public key. */
function signingKey(home: string, uid: string): { home: string; id: string; armor: string } {
  mkdirSync(home, { mode: 0o700 });
  const gpg = (args: string[]) =>
    execFileSync('gpg', ['--batch', '--homedir', home, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  gpg(['--passphrase', '', '--quick-gen-key', uid, 'rsa2048', 'sign', '1d']);
  const pub = gpg(['--with-colons', '--list-keys'])
    .split('\n')
    .find((l) => l.startsWith('pub:'));
  const id = (pub?.split(':')[4] ?? '').toUpperCase();
  expect(id).toMatch(/^[0-9A-F]{16}$/);
  return { home, id, armor: gpg(['--armor', '--export', id]) };
}

describe('terraform init from a provider registry and a network mirror (single executable, no Node.js)', () => {
  let target: Target;
  let work: string;
  let server: Server;
  let port: number;
  let version: string;
  let keyId: string;
  let publicKey: string;
  /** A key that did not sign the release: served for the `forged` namespace. */
  let otherKey: { id: string; armor: string };
  let zipSha: string;
  const requests: string[] = [];
  let baseEnv: NodeJS.ProcessEnv;
  const platform = terraformPlatform();
  const [os, arch] = platform.split('_') as [string, string];
  const log: string[] = [];

  function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv = baseEnv): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        'terraform',
        args,
        { cwd, env, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
          log.push(`$ (cd ${cwd} && terraform ${args.join(' ')})  → exit ${code}\n${stdout}${stderr}`);
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  function config(source: string, p: string): string {
    return [
      'terraform {',
      '  required_providers {',
      `    logto = { source = "${source}", version = "${version}" }`,
      '  }',
      '}',
      '',
      'provider "logto" {}',
      '',
      'resource "logto_api_resource" "api" {',
      `  name      = "${p} registry API"`,
      `  indicator = "https://${p}.registry.example"`,
      '}',
      '',
      'resource "logto_api_resource_scope" "read" {',
      '  resource_id = logto_api_resource.api.id',
      `  name        = "${p}:read"`,
      '}',
      '',
      'resource "logto_role" "reader" {',
      `  name        = "${p}-reader"`,
      '  description = "Reads"',
      '  scope_ids   = [logto_api_resource_scope.read.id]',
      '}',
      '',
    ].join('\n');
  }

  beforeAll(async () => {
    target = await startTarget();
    work = mkdtempSync(join(tmpdir(), 'logto-tf-registry-'));
    version = providerVersion();

    // A throwaway signing key, as a maintainer's release key would be (see docs/install-terraform.md), and a
    // second one, in a keyring of its own, that signed nothing.
    const signing = signingKey(join(work, 'gnupg'), 'logto-iac test release <release@example.invalid>');
    keyId = signing.id;
    publicKey = signing.armor;
    const other = signingKey(join(work, 'gnupg-other'), 'someone else <other@example.invalid>');
    otherKey = { id: other.id, armor: other.armor };

    // The release, exactly as `npm run release:provider` writes it (from the cached executable build).
    const executable = (await seaExecutable()) as string;
    const release = join(work, 'release');
    await releaseProvider({ version, out: release, executable, gpgKey: keyId, gpgHome: signing.home });
    const names = fileNames(version);
    zipSha = createHash('sha256')
      .update(readFileSync(join(release, names.zip(platform))))
      .digest('hex');

    // A CA and a certificate for localhost / 127.0.0.1 signed by it.
    const tls = join(work, 'tls');
    mkdirSync(tls);
    const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: tls, stdio: 'pipe' });
    openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=logto-iac registry test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    ]);
    openssl([
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=localhost',
    ]);
    writeFileSync(join(tls, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    openssl([
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
    ]);

    const file = (name: string) => readFileSync(join(release, name));
    const json = (value: unknown) => Buffer.from(JSON.stringify(value));
    const routes = (): Record<string, () => { type: string; body: Buffer }> => {
      const base = `https://localhost:${port}`;
      const files = `${base}/files`;
      const mirrorPath = `/mirror/registry.terraform.io/${NAMESPACE}/logto`;
      const r: Record<string, () => { type: string; body: Buffer }> = {
        '/.well-known/terraform.json': () => ({
          type: 'application/json',
          body: json({ 'providers.v1': '/v1/providers/' }),
        }),
        [`${mirrorPath}/index.json`]: () => ({ type: 'application/json', body: json({ versions: { [version]: {} } }) }),
        [`${mirrorPath}/${version}.json`]: () => ({
          type: 'application/json',
          body: json({
            archives: { [platform]: { url: `${base}/files/${names.zip(platform)}`, hashes: [`zh:${zipSha}`] } },
          }),
        }),
      };
      // The release under our namespace, and the same files under `forged` announced with another key.
      for (const [namespace, key] of [
        [NAMESPACE, { id: keyId, armor: publicKey }],
        ['forged', otherKey],
      ] as const) {
        const providerPath = `/v1/providers/${namespace}/logto`;
        r[`${providerPath}/versions`] = () => ({
          type: 'application/json',
          body: json({ versions: [{ version, protocols: ['6.0'], platforms: [{ os, arch }] }] }),
        });
        r[`${providerPath}/${version}/download/${os}/${arch}`] = () => ({
          type: 'application/json',
          body: json({
            protocols: ['6.0'],
            os,
            arch,
            filename: names.zip(platform),
            download_url: `${files}/${names.zip(platform)}`,
            shasums_url: `${files}/${names.sums}`,
            shasums_signature_url: `${files}/${names.sig}`,
            shasum: zipSha,
            signing_keys: { gpg_public_keys: [{ key_id: key.id, ascii_armor: key.armor }] },
          }),
        });
      }
      for (const name of [names.zip(platform), names.sums, names.sig, names.manifest])
        r[`/files/${name}`] = () => ({ type: 'application/octet-stream', body: file(name) });
      return r;
    };
    server = createServer(
      { key: readFileSync(join(tls, 'server.key')), cert: readFileSync(join(tls, 'server.pem')) },
      (req, res) => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        requests.push(path);
        const route = routes()[path];
        if (!route || req.method !== 'GET') {
          res.writeHead(404).end();
          return;
        }
        const { type, body } = route();
        res.writeHead(200, { 'content-type': type, 'content-length': body.length }).end(body);
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;

    // Terraform's PATH: a directory holding only `terraform`, so no `node` can be found.
    const bin = join(work, 'bin');
    mkdirSync(bin);
    symlinkSync(which('terraform'), join(bin, 'terraform'));
    const home = join(work, 'home');
    mkdirSync(home);
    writeFileSync(join(work, 'direct.tfrc'), '');
    baseEnv = {
      PATH: bin,
      HOME: home,
      SSL_CERT_FILE: join(tls, 'ca.pem'),
      TF_CLI_CONFIG_FILE: join(work, 'direct.tfrc'),
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      LOGTO_ENDPOINT: target.url,
      LOGTO_APP_ID: target.appId,
      LOGTO_APP_SECRET: target.appSecret,
    };
  }, 300_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await target?.cleanup();
    if (KEEP) {
      const transcript = join(work, 'transcript.txt');
      writeFileSync(transcript, log.join('\n'));
      process.stderr.write(`registry test kept in ${work} (terraform output: ${transcript})\n`);
    } else if (work) rmSync(work, { recursive: true, force: true });
  });

  it("terraform's PATH holds no node", () => {
    let found = '';
    try {
      found = execFileSync('/bin/sh', ['-c', 'command -v node'], { env: { PATH: baseEnv.PATH }, encoding: 'utf8' });
    } catch {
      found = '';
    }
    expect(found.trim()).toBe('');
  });

  it('init downloads and verifies the signed release; plan, apply, plan (no changes), destroy run the executable', async () => {
    const dir = join(work, 'registry-1');
    mkdirSync(dir);
    const source = `localhost:${port}/${NAMESPACE}/logto`;
    writeFileSync(join(dir, 'main.tf'), config(source, target.prefix));

    const init = await terraform(['init', '-input=false', '-no-color'], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(`Installed ${source} v${version} (self-signed, key ID ${keyId})`);
    expect(requests).toContain(`/files/${fileNames(version).zip(platform)}`);
    expect(requests).toContain(`/files/${fileNames(version).sig}`);
    const lock = readFileSync(join(dir, '.terraform.lock.hcl'), 'utf8');
    expect(lock).toContain(`provider "${source}"`);
    expect(lock).toContain(`"zh:${zipSha}"`);
    expect(lock).toMatch(/"h1:[A-Za-z0-9+/=]+"/);

    const plan = await terraform(['plan', '-input=false', '-no-color', '-detailed-exitcode'], dir);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain('Plan: 3 to add, 0 to change, 0 to destroy.');
    const apply = await terraform(['apply', '-input=false', '-no-color', '-auto-approve'], dir);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('Apply complete! Resources: 3 added, 0 changed, 0 destroyed.');
    const roles = await target.client.list<{ name: string }>('/roles');
    expect(roles.map((r) => r.name)).toContain(`${target.prefix}-reader`);
    const again = await terraform(['plan', '-input=false', '-no-color', '-detailed-exitcode'], dir);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(again.stdout).toContain('No changes.');
    const destroy = await terraform(['destroy', '-input=false', '-no-color', '-auto-approve'], dir);
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(destroy.stdout).toContain('Destroy complete! Resources: 3 destroyed.');
    expect((await target.client.list<{ name: string }>('/roles')).map((r) => r.name)).not.toContain(
      `${target.prefix}-reader`,
    );
  }, 300_000);

  it('the lock file of that run works unchanged in a fresh directory, and a tampered one is refused', async () => {
    const source = `localhost:${port}/${NAMESPACE}/logto`;
    const lockFile = join(work, 'registry-1', '.terraform.lock.hcl');
    const lock = readFileSync(lockFile, 'utf8');
    const dir = join(work, 'registry-2');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.tf'), config(source, `${target.prefix}b`));
    copyFileSync(lockFile, join(dir, '.terraform.lock.hcl'));
    const before = requests.length;
    const init = await terraform(['init', '-input=false', '-no-color', '-lockfile=readonly'], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(requests.slice(before)).toContain(`/files/${fileNames(version).zip(platform)}`);
    expect(readFileSync(join(dir, '.terraform.lock.hcl'), 'utf8')).toBe(lock);
    const plan = await terraform(['plan', '-input=false', '-no-color', '-detailed-exitcode'], dir);
    expect(plan.code, plan.stderr).toBe(2);

    // The same lock with another package checksum: Terraform must refuse the download.
    const tampered = join(work, 'registry-3');
    mkdirSync(tampered);
    writeFileSync(join(tampered, 'main.tf'), config(source, `${target.prefix}c`));
    writeFileSync(
      join(tampered, '.terraform.lock.hcl'),
      lock.replace(/"h1:[^"]+"/, `"h1:${Buffer.alloc(32, 1).toString('base64')}"`).replace(zipSha, 'f'.repeat(64)),
    );
    const refused = await terraform(['init', '-input=false', '-no-color'], tampered);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.replace(/\s+/g, ' ')).toMatch(/doesn't match any of the checksums/);
  }, 300_000);

  it('init refuses the release when the registry announces a key that did not sign it', async () => {
    const dir = join(work, 'forged');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.tf'), config(`localhost:${port}/forged/logto`, `${target.prefix}f`));
    const init = await terraform(['init', '-input=false', '-no-color'], dir);
    expect(init.code).not.toBe(0);
    expect(init.stderr.replace(/\s+/g, ' ')).toMatch(/signature/i);
    expect(init.stdout).not.toContain('Installed');
  }, 120_000);

  it('a network_mirror serves the same release: init, plan, apply, plan (no changes), destroy, lock reused', async () => {
    const cli = join(work, 'mirror.tfrc');
    writeFileSync(
      cli,
      [
        'provider_installation {',
        '  network_mirror {',
        `    url = "https://localhost:${port}/mirror/"`,
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const env = { ...baseEnv, TF_CLI_CONFIG_FILE: cli };
    const dir = join(work, 'mirror-1');
    mkdirSync(dir);
    const p = `${target.prefix}m`;
    writeFileSync(join(dir, 'main.tf'), config(`${NAMESPACE}/logto`, p));
    const before = requests.length;
    const init = await terraform(['init', '-input=false', '-no-color'], dir, env);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(`Installed ${NAMESPACE}/logto v${version}`);
    expect(requests.slice(before)).toContain(`/mirror/registry.terraform.io/${NAMESPACE}/logto/${version}.json`);
    const lock = readFileSync(join(dir, '.terraform.lock.hcl'), 'utf8');
    expect(lock).toContain(`provider "registry.terraform.io/${NAMESPACE}/logto"`);
    // The package unpacked from the mirror hashes (h1) exactly as the one from the registry.
    const registryLock = readFileSync(join(work, 'registry-1', '.terraform.lock.hcl'), 'utf8');
    const h1 = /"(h1:[^"]+)"/.exec(registryLock)?.[1];
    expect(h1).toBeDefined();
    expect(lock).toContain(`"${h1}"`);

    const plan = await terraform(['plan', '-input=false', '-no-color', '-detailed-exitcode'], dir, env);
    expect(plan.code, plan.stderr).toBe(2);
    const apply = await terraform(['apply', '-input=false', '-no-color', '-auto-approve'], dir, env);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('Apply complete! Resources: 3 added, 0 changed, 0 destroyed.');
    const again = await terraform(['plan', '-input=false', '-no-color', '-detailed-exitcode'], dir, env);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    const destroy = await terraform(['destroy', '-input=false', '-no-color', '-auto-approve'], dir, env);
    expect(destroy.code, destroy.stderr).toBe(0);

    const fresh = join(work, 'mirror-2');
    mkdirSync(fresh);
    writeFileSync(join(fresh, 'main.tf'), config(`${NAMESPACE}/logto`, `${p}b`));
    copyFileSync(join(dir, '.terraform.lock.hcl'), join(fresh, '.terraform.lock.hcl'));
    const reinit = await terraform(['init', '-input=false', '-no-color', '-lockfile=readonly'], fresh, env);
    expect(reinit.code, reinit.stderr).toBe(0);
    expect(readFileSync(join(fresh, '.terraform.lock.hcl'), 'utf8')).toBe(lock);
  }, 300_000);

  it('the executable in the release is the one terraform runs (no launcher, no bundle files)', () => {
    const pkg = join(
      work,
      'registry-1',
      '.terraform',
      'providers',
      `localhost:${port}`,
      NAMESPACE,
      'logto',
      version,
      platform,
    );
    const files = execFileSync('ls', [pkg], { encoding: 'utf8' }).trim().split('\n');
    expect(files).toEqual([`terraform-provider-logto_v${version}`]);
    expect(readFileSync(join(pkg, files[0]!)).subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(dirname(pkg)).toContain(version);
    // Run by hand, it says what it is (and needs no node either).
    const run = spawnSync(join(pkg, files[0]!), [], { encoding: 'utf8', env: { PATH: baseEnv.PATH }, timeout: 15_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/not meant to be run directly/);
  });

  it('the executable validates a resource from the core it carries, with V8 taking the code cache built with it', async () => {
    const plugin = await launchPlugin({ PATH: baseEnv.PATH }, (await seaExecutable()) as string);
    try {
      const role = resourceSchema(getDefinition('Role')).type;
      const valid = await call(plugin.provider, 'ValidateResourceConfig', {
        type_name: 'logto_role',
        config: { msgpack: encodeValue({ name: 'admin', description: 'Admins', scope_ids: UNKNOWN }, role) },
      });
      expect(valid.diagnostics).toEqual([]);
      const invalid = await call(plugin.provider, 'ValidateResourceConfig', {
        type_name: 'logto_role',
        config: { msgpack: encodeValue({ name: '', description: 'Admins' }, role) },
      });
      expect(invalid.diagnostics[0].attribute.steps).toEqual([expect.objectContaining({ attribute_name: 'name' })]);
    } finally {
      await stopPlugin(plugin);
    }
    // (the executable warns on stderr, which Terraform shows with TF_LOG, when V8 refuses the cache)
    expect(plugin.stderr()).not.toMatch(/rejected/);
  }, 120_000);
});
