/**
 * The interactive confirmation of `apply` on a terminal, in-process: `applyCommand` with stdin marked as a
 * TTY (a PassThrough the test types into once the question is on stderr), against an emulator (or the real
 * Logto of `LOGTO_E2E_*`) over HTTP.
 * Only `yes` applies; anything else exits 1 with no write request sent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyCommand, confirm, type Io } from '../../provider/cli/commands.js';
import { catalog } from '../../resources/index.js';
import { startTarget, type Target } from '../support/target.js';

const tenant = (prefix: string) => `
roles:
  ${prefix}confirmed-reader:
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

describe('apply on a terminal asks first', () => {
  let target: Target;
  let dir: string;
  let path: string;
  let role: string;

  beforeEach(async () => {
    target = await startTarget();
    role = `${target.prefix}confirmed-reader`;
    dir = mkdtempSync(join(tmpdir(), 'logto-iac-confirm-'));
    path = join(dir, 'tenant.yaml');
    writeFileSync(path, tenant(target.prefix));
  });

  afterEach(async () => {
    await target.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const roleNames = async () => (await target.client.list<{ name: string }>('/roles')).map((r) => r.name);

  const applyWith = (t: ReturnType<typeof terminal>) =>
    within(
      applyCommand(t.io, {
        files: [path],
        catalog,
        allowDelete: [],
        json: false,
        autoApprove: false,
        connect: async () => ({
          client: target.client,
          endpoint: target.url,
          embedded: false,
          close: async () => {},
        }),
      }),
      30_000,
    );

  /** Write requests the emulator counted (a real server counts none for us: the role check stands alone). */
  const writes = () =>
    Object.entries(target.emulator?.stats().byRoute ?? {}).filter(
      ([route]) => !route.startsWith('GET ') && route !== 'POST /oidc/token',
    );

  it('"no" exits 1 and sends no write request', async () => {
    const t = terminal('no');
    target.emulator?.resetStats();
    expect(await applyWith(t)).toBe(1);
    expect(t.stdout()).toContain(`+ create   Role.${role}`);
    expect(t.stderr()).toContain('Apply cancelled.');
    expect(writes()).toEqual([]);
    expect(await roleNames()).not.toContain(role);
  });

  it('"yes" applies', async () => {
    const t = terminal('yes');
    expect(await applyWith(t)).toBe(0);
    expect(t.stdout()).toContain('Apply complete! 1 created');
    expect(await roleNames()).toContain(role);
  });
});
