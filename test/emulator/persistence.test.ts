import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEmulatorCommand } from '../../emulator/cli.js';
import { startEmulator } from '../../emulator/index.js';
import { raw, token, tokenRequest } from './core-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'logto-emu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function createRole(url: string, bearer: string, name: string) {
  return raw(`${url}/api/roles`, 'POST', {
    body: JSON.stringify({ name, description: 'persisted' }),
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
  });
}

describe('emulator persistence', () => {
  it('keeps state and credentials across a restart', async () => {
    const file = join(dir, 'restart.json');
    const first = await startEmulator({ data: file, seed: 'persist' });
    const created = await createRole(first.url, await token(first), 'survivor');
    expect(created.status).toBe(200);
    await first.close();
    expect(existsSync(`${file}.tmp`)).toBe(false);

    const second = await startEmulator({ data: file });
    try {
      expect(second.appId).toBe(first.appId);
      expect(second.appSecret).toBe(first.appSecret);
      const got = await raw(`${second.url}/api/roles/${created.json.id}`, 'GET', {
        headers: { authorization: `Bearer ${await token(second)}` },
      });
      expect(got.status).toBe(200);
      expect(got.json.name).toBe('survivor');
    } finally {
      await second.close();
    }
  });

  it('loses nothing acknowledged when the process is killed with SIGKILL', async () => {
    const file = join(dir, 'kill.json');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'serve-emulator.ts'), '--port', '0', '--data', file],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 30_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /export LOGTO_ENDPOINT=(\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1] as string);
          }
        });
        child.on('exit', (code) => reject(new Error(`emulator exited ${code}: ${out}`)));
      });
      const creds = JSON.parse(readFileSync(file, 'utf8'));
      expect(creds.tables).toBeDefined();
      const tokenRes = await tokenRequest(
        { url, ...findApp(creds) },
        { grant_type: 'client_credentials', resource: 'https://default.logto.app/api', scope: 'all' },
      );
      expect(tokenRes.status).toBe(200);
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await createRole(url, tokenRes.json.access_token, `killed-${i}`);
        expect(res.status).toBe(200);
        ids.push(res.json.id);
      }
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));

      const again = await startEmulator({ data: file });
      try {
        const bearer = await token(again);
        for (const id of ids) {
          const got = await raw(`${again.url}/api/roles/${id}`, 'GET', {
            headers: { authorization: `Bearer ${bearer}` },
          });
          expect(got.status).toBe(200);
        }
      } finally {
        await again.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('OIDC key ids', () => {
  async function keyIds(emu: Awaited<ReturnType<typeof startEmulator>>): Promise<string[]> {
    const bearer = await token(emu);
    const ids: string[] = [];
    for (const kind of ['private-keys', 'cookie-keys']) {
      const res = await raw(`${emu.url}/api/configs/oidc/${kind}`, 'GET', {
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(res.status).toBe(200);
      expect(res.json).toHaveLength(1);
      ids.push(res.json[0].id as string);
    }
    return ids;
  }

  it('are generated at seed time and survive a --data restart with only reads in between', async () => {
    const file = join(dir, 'oidc-keys.json');
    const first = await startEmulator({ data: file });
    const before = await keyIds(first);
    await first.close();
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.singletons.oidc_private_keys[0].id).toBe(before[0]);
    const second = await startEmulator({ data: file });
    try {
      expect(await keyIds(second)).toEqual(before);
    } finally {
      await second.close();
    }
  });

  it('are added to and persisted in a state file that has none', async () => {
    const file = join(dir, 'old-state.json');
    const seeded = await startEmulator({ data: file, seed: 'old' });
    await seeded.close();
    const state = JSON.parse(readFileSync(file, 'utf8'));
    delete state.singletons.oidc_private_keys;
    delete state.singletons.oidc_cookie_keys;
    writeFileSync(file, JSON.stringify(state));
    const first = await startEmulator({ data: file });
    const ids = await keyIds(first);
    await first.close();
    const second = await startEmulator({ data: file });
    try {
      expect(await keyIds(second)).toEqual(ids);
    } finally {
      await second.close();
    }
  });
});

/** `appId:secret` of the seeded app in a state file. */
/** The credentials of the app whose secret the persisted state holds. */
function findApp(state: { tables: Record<string, Record<string, Record<string, unknown>>> }): {
  appId: string;
  appSecret: string;
} {
  const secret = Object.values(state.tables.application_secrets ?? {})[0] as { applicationId: string; value: string };
  return { appId: secret.applicationId, appSecret: secret.value };
}

describe('logto-iac emulator command', () => {
  it('prints the URL, credentials and env lines, and stops when asked', async () => {
    const lines: string[] = [];
    let stop: () => void = () => {};
    const until = new Promise<void>((r) => {
      stop = r;
    });
    const done = runEmulatorCommand(['--port', '0', '--seed', 'cli'], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
      until,
    });
    for (let i = 0; i < 100 && !lines.some((l) => l.startsWith('export LOGTO_APP_SECRET=')); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const endpoint = lines.find((l) => l.startsWith('export LOGTO_ENDPOINT='))?.split('=')[1];
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.some((l) => /^export LOGTO_APP_ID=[0-9a-z]{21}$/.test(l))).toBe(true);
    const status = await raw(`${endpoint}/api/status`, 'GET');
    expect(status.status).toBe(204);
    stop();
    expect(await done).toBe(0);
  });

  it('rejects a bad --port with exit code 2 and names the flag', async () => {
    const errors: string[] = [];
    const code = await runEmulatorCommand(['--port', 'abc'], { out: () => {}, err: (l) => errors.push(l) });
    expect(code).toBe(2);
    expect(errors.join('\n')).toContain('--port');
  });
});
