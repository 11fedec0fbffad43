/**
 * The plugin killed between Logto's commit and its answer to Terraform: Terraform never records the objects,
 * so the rerun must find them (journaled intents) instead of creating an application twice or failing on a
 * role name that is now taken. The emulator holds the POSTs (latency) so the kill lands at that moment.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { idsNamed, itEmulator } from '../support/harness.js';
import { exec } from '../support/process.js';
import { startTarget, type Target } from '../support/target.js';
import { terraformEnv } from './support.js';

const HOLD_MS = 2500;

describe('terraform apply with the plugin killed mid-create', () => {
  let target: Target;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let pids: string;

  beforeAll(async () => {
    target = await startTarget();
    const root = mkdtempSync(join(tmpdir(), 'logto-tf-kill-'));
    work = join(root, 'work');
    mkdirSync(work, { recursive: true });
    pids = join(root, 'plugin-pids');
    const wrapper = join(root, 'node-recording');
    writeFileSync(wrapper, `#!/bin/sh\necho $$ >> "${pids}"\nexec "${process.execPath}" "$@"\n`);
    chmodSync(wrapper, 0o755);
    env = { ...(await terraformEnv(root, target)), LOGTO_IAC_NODE: wrapper };
    const p = target.prefix;
    writeFileSync(
      join(work, 'main.tf'),
      [
        'terraform {\n  required_providers {\n    logto = { source = "logto-io/logto" }\n  }\n}\n',
        `resource "logto_application" "worker" {\n  name = "${p} worker"\n  type = "MachineToMachine"\n}\n`,
        `resource "logto_role" "reader" {\n  name        = "${p}-reader"\n  description = "Reads"\n}\n`,
      ].join('\n'),
    );
  }, 120_000);

  afterAll(async () => {
    await target?.cleanup();
  });

  const terraform = (...args: string[]) =>
    exec('terraform', [...args, '-no-color'], { cwd: work, env, timeoutMs: 180_000 });

  /** The newest plugin process still running. */
  function plugin(): number | undefined {
    const list = existsSync(pids) ? readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number) : [];
    return list.reverse().find((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
  }

  itEmulator(
    'the rerun adopts what the killed create made: no duplicate, no "already in use", a note says so',
    async () => {
      const emulator = target.emulator!;
      expect((await terraform('init', '-input=false')).code).toBe(0);
      emulator.setFaults([
        { route: '/applications', method: 'POST', latencyMs: HOLD_MS },
        { route: '/roles', method: 'POST', latencyMs: HOLD_MS },
      ]);
      emulator.resetStats();
      const apply: ChildProcess = spawn('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], {
        cwd: work,
        env,
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) => apply.on('exit', resolve));
      // Both POSTs have reached Logto and are held there: kill the plugin before either is answered.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const seen = emulator.stats().byRoute;
        if ((seen['POST /applications'] ?? 0) > 0 && (seen['POST /roles'] ?? 0) > 0) break;
        if (Date.now() > deadline) throw new Error('the creates never reached the emulator');
        await new Promise((r) => setTimeout(r, 20));
      }
      process.kill(plugin()!, 'SIGKILL');
      expect(await exited).not.toBe(0);
      await new Promise((r) => setTimeout(r, HOLD_MS + 500)); // Logto commits both
      emulator.setFaults([]);
      const p = target.prefix;
      expect(await idsNamed(target, '/applications', `${p} worker`)).toHaveLength(1);
      expect(readdirSync(join(work, '.terraform', 'logto-iac-pending'))).toHaveLength(2);

      const rerun = await terraform('apply', '-auto-approve', '-input=false');
      expect(rerun.code, rerun.out).toBe(0);
      expect(rerun.out).toMatch(/Apply complete! Resources: 2 added/);
      const said = rerun.out.replace(/\s+/g, ' '); // Terraform wraps the warnings' text
      expect(said).toMatch(
        /interrupted after Logto created this Application \(name "[^"]+ worker", id \w+\); adopted it/,
      );
      expect(said).toMatch(/interrupted after Logto created this Role \(name "[^"]+-reader", id \w+\); adopted it/);
      expect(await idsNamed(target, '/applications', `${p} worker`)).toHaveLength(1);
      expect(await idsNamed(target, '/roles', `${p}-reader`)).toHaveLength(1);
      // The intents stay until Terraform shows it recorded the objects: the plan's refresh settles them.
      expect(readdirSync(join(work, '.terraform', 'logto-iac-pending'))).toHaveLength(2);
      const plan = await terraform('plan', '-detailed-exitcode', '-input=false');
      expect(plan.code, plan.out).toBe(0);
      expect(readdirSync(join(work, '.terraform', 'logto-iac-pending'))).toHaveLength(0);
    },
    240_000,
  );
});
