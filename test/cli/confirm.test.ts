/**
 * The interactive confirmation of `apply` on a terminal, in-process: `applyCommand` with stdin marked as a
 * TTY (a PassThrough the test types into once the question is on stderr), against an emulator over HTTP.
 * Only `yes` applies; anything else exits 1 with no write request sent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';
import { applyCommand, confirm, type Io } from '../../provider/cli/commands.js';
import { createClient } from '../../provider/client/index.js';
import type { LogtoClient } from '../../provider/client/types.js';
import { catalog } from '../../resources/index.js';
import { realServerConfigured } from '../support/target.js';

const TENANT = `
roles:
  confirmed-reader:
    description: Reads
`;

const QUESTION = "Only 'yes' will be accepted";

/** A terminal: stdin/stdout/stderr flagged as TTYs; `answer` is typed once the question appears on stderr. */
function terminal(answer: string): { io: Io; stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  let answered = false;
  const stderr = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        err += String(chunk);
        if (!answered && err.includes(QUESTION)) {
          answered = true;
          stdin.write(`${answer}\n`);
        }
        done();
      },
    }),
    { isTTY: false },
  );
  const stdout = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    }),
    { isTTY: false },
  );
  return {
    io: { stdin, stdout, stderr, env: { NO_COLOR: '1' } },
    stdout: () => out,
    stderr: () => err,
  };
}

/** Bounds a promise: a confirmation that never reads its answer fails the test instead of hanging it. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no result within ${ms} ms`)), ms).unref()),
  ]);
}

describe('confirm()', () => {
  for (const [answer, expected] of [
    ['yes', true],
    ['  yes  ', true],
    ['no', false],
    ['y', false],
    ['YES', false],
    ['', false],
  ] as const) {
    it(`answer ${JSON.stringify(answer)} → ${expected}`, async () => {
      const t = terminal(answer);
      expect(await within(confirm(t.io), 10_000)).toBe(expected);
      expect(t.stderr()).toContain('Do you want to perform these actions?');
    });
  }
});

describe.skipIf(realServerConfigured())('apply on a terminal asks first', () => {
  let emulator: RunningEmulator;
  let client: LogtoClient;
  let dir: string;
  let path: string;

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0 });
    client = createClient(
      { endpoint: emulator.url, appId: emulator.appId, appSecret: emulator.appSecret, requestsPerSecond: 0 },
      {},
    );
    dir = mkdtempSync(join(tmpdir(), 'logto-iac-confirm-'));
    path = join(dir, 'tenant.yaml');
    writeFileSync(path, TENANT);
  });

  afterEach(async () => {
    await client.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const applyWith = (t: ReturnType<typeof terminal>) =>
    within(
      applyCommand(t.io, {
        files: [path],
        catalog,
        allowDelete: [],
        json: false,
        autoApprove: false,
        connect: async () => ({
          client,
          endpoint: emulator.url,
          embedded: false,
          close: async () => {},
        }),
      }),
      30_000,
    );

  const writes = () =>
    Object.entries(emulator.stats().byRoute).filter(
      ([route]) => !route.startsWith('GET ') && route !== 'POST /oidc/token',
    );

  it('"no" exits 1 and sends no write request', async () => {
    const t = terminal('no');
    emulator.resetStats();
    expect(await applyWith(t)).toBe(1);
    expect(t.stdout()).toContain('+ create   Role.confirmed-reader');
    expect(t.stderr()).toContain('Apply cancelled.');
    expect(writes()).toEqual([]);
    expect((await client.list<{ name: string }>('/roles')).map((r) => r.name)).not.toContain('confirmed-reader');
  });

  it('"yes" applies', async () => {
    const t = terminal('yes');
    expect(await applyWith(t)).toBe(0);
    expect(t.stdout()).toContain('Apply complete! 1 created');
    expect((await client.list<{ name: string }>('/roles')).map((r) => r.name)).toContain('confirmed-reader');
  });
});
