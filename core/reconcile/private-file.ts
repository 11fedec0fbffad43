/**
 * Files that may hold anything sensitive (state with secret digests, saved plans, create journals) are
 * written owner-only (0600), atomically: beside the target, then renamed over it, so a run killed mid-write
 * leaves the previous file whole and the mode holds from the first byte (a file that existed with a wider
 * mode is narrowed too).
 */
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

export function writePrivateFile(path: string, text: string): void {
  const partial = `${path}.${process.pid}.tmp`;
  rmSync(partial, { force: true });
  writeFileSync(partial, text, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  chmodSync(partial, PRIVATE_FILE_MODE); // the umask may have narrowed it further, never widened: keep it exact
  renameSync(partial, path);
}

/** A directory for private files: made owner-only when this call creates it. */
export function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Make `path`'s directory (and parents) when missing; existing ones keep their mode. */
export function ensureDirOf(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
}
