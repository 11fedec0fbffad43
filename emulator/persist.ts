/**
 * `--data` persistence: the whole `TenantState` as one JSON file. Writes go to `<file>.tmp` and are then
 * renamed over the file (atomic on POSIX), synchronously before the response is sent, so a kill -9 of
 * the process (the page cache survives it; no fsync, which only matters for power loss) never loses an acknowledged write and never leaves a half-written file.
 */
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { TenantState } from './types.js';

export function loadState(file: string): TenantState | undefined {
  if (!existsSync(file)) return undefined;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<TenantState>;
  if (!raw || typeof raw !== 'object' || typeof raw.tables !== 'object') {
    throw new Error(`emulator: ${file} is not an emulator state file (no "tables")`);
  }
  return { tables: raw.tables ?? {}, relations: raw.relations ?? {}, singletons: raw.singletons ?? {} };
}

/** Owner-only (0600): like Logto's database, the file holds the tenant's secrets (app and connector secrets). */
export function saveState(file: string, state: TenantState): void {
  const tmp = `${file}.tmp`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, JSON.stringify(state), { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
