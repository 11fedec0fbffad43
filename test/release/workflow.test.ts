/**
 * The release workflow (.github/workflows/release.yml) cannot run here; this checks what can be checked
 * offline: it parses, runs on version tags, builds the provider on the five platforms the registries list
 * with the npm script that writes the archives, signs one SHA256SUMS with the GPG key from secrets, publishes
 * to npm with provenance, and pins every action it uses. Also the registry manifest at the repository root.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  'runs-on': string;
  if?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix: { include: { runner: string; platform: string }[] } };
  steps: Step[];
}

const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8')) as {
  on: { push: { tags: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const jobs = workflow.jobs;
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');
const needs = (job: Job) => [job.needs ?? []].flat();

describe('release workflow', () => {
  it('runs on version tags with read-only default permissions', () => {
    expect(workflow.on.push.tags).toEqual(['v*']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  it('tests first (the CI entry point, with terraform), checking the tag against package.json', () => {
    const test = jobs.test as Job;
    expect(runs(test)).toContain('.ci/run');
    expect(runs(test)).toContain('does not match package.json');
    expect(test.steps.some((s) => s.uses?.startsWith('hashicorp/setup-terraform@'))).toBe(true);
  });

  it('builds the provider archive on linux, macOS and Windows, amd64 and arm64, with npm run release:provider', () => {
    const provider = jobs.provider as Job;
    expect(needs(provider)).toEqual(['test']);
    expect(provider['runs-on']).toBe('${{ matrix.runner }}');
    expect(provider.strategy?.matrix.include).toEqual([
      { runner: 'ubuntu-latest', platform: 'linux_amd64' },
      { runner: 'ubuntu-24.04-arm', platform: 'linux_arm64' },
      { runner: 'macos-14', platform: 'darwin_arm64' },
      { runner: 'macos-15-intel', platform: 'darwin_amd64' },
      { runner: 'windows-latest', platform: 'windows_amd64' },
    ]);
    expect(runs(provider)).toContain('npm run release:provider -- --version "${GITHUB_REF_NAME#v}" --out release');
    expect(runs(provider)).toContain('terraform-provider-logto_${GITHUB_REF_NAME#v}_${{ matrix.platform }}.zip');
  });

  it('merges every platform into one SHA256SUMS, signs it with the secret key, verifies both, releases', () => {
    const release = jobs.release as Job;
    expect(needs(release)).toEqual(['provider']);
    expect(release.permissions).toEqual({ contents: 'write' });
    const gpg = release.steps.find((s) => s.uses?.startsWith('crazy-max/ghaction-import-gpg@'));
    expect(gpg?.with).toEqual({
      gpg_private_key: '${{ secrets.GPG_PRIVATE_KEY }}',
      passphrase: '${{ secrets.PASSPHRASE }}',
    });
    const script = runs(release);
    expect(script).toContain('--no-build --gpg-key "$GPG_FINGERPRINT"');
    for (const platform of ['linux_amd64', 'linux_arm64', 'darwin_arm64', 'darwin_amd64', 'windows_amd64'])
      expect(script).toContain(platform);
    expect(script).toContain('sha256sum -c');
    expect(script).toContain('gpg --verify');
    expect(script).toContain('terraform-registry-manifest.json');
    expect(script).toMatch(/gh release create "\$GITHUB_REF_NAME" release\/\* --verify-tag/);
  });

  it('publishes the npm package with provenance after the release', () => {
    const npm = jobs.npm as Job;
    expect(needs(npm)).toEqual(['release']);
    expect(npm.permissions?.['id-token']).toBe('write');
    const publish = npm.steps.find((s) => s.run?.includes('npm publish'));
    expect(publish?.run).toContain('npm publish --provenance --access public');
    expect(publish?.env?.NODE_AUTH_TOKEN).toBe('${{ secrets.NPM_TOKEN }}');
  });

  it('mirrors docs, manifest and release into the terraform-provider-logto repository when one is configured', () => {
    const mirror = jobs['provider-repository'] as Job;
    expect(mirror.if).toBe("vars.PROVIDER_REPOSITORY != ''");
    const script = runs(mirror);
    for (const part of ['docs/index.md', 'docs/resources', 'docs/data-sources', 'terraform-registry-manifest.json'])
      expect(script).toContain(part);
  });

  it('pins every action to a major version', () => {
    const unpinned = Object.values(jobs)
      .flatMap((j) => j.steps)
      .map((s) => s.uses)
      .filter((u): u is string => u !== undefined && !/@v\d+$/.test(u));
    expect(unpinned).toEqual([]);
  });
});

describe('terraform-registry-manifest.json', () => {
  it('declares plugin protocol 6.0, as the plugin speaks', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'terraform-registry-manifest.json'), 'utf8'))).toEqual({
      version: 1,
      metadata: { protocol_versions: ['6.0'] },
    });
  });
});
