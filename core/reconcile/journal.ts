/**
 * Creates that survive their process being killed, for front ends whose state is written by someone else
 * (Terraform records an object only when the plugin answers; a plugin killed between Logto's commit and that
 * answer would otherwise leave an object no state knows, and the rerun would POST it again: a duplicate, or
 * for a unique key a 422 on every later run).
 *
 * Before the POST, an intent file is written into `dir`, named by a hash of the tenant, kind, parent and key.
 * Once Logto has answered, the intent records the object's id, and it is removed only when the front end shows
 * that its state holds that object (`settle`: Terraform refreshing it), because the process may still die
 * before its answer is recorded. A create that finds its intent still there looks the object up by key
 * first: the object the intent recorded, else the one match that is not among the ids the intent saw before
 * its POST, is adopted and brought to the desired spec instead of created again. Kinds without a key are not
 * journaled (nothing to find them by).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceContext, ResourceDefinition, Spec } from '../contract.js';
import { AmbiguousKeyError, PartialCreateError } from './errors.js';
import { describeKey, identityKey } from './identity.js';
import { type CreateReport, createContext, createObjectWithReport, readObject, updateObject } from './objects.js';
import { makePrivateDir, writePrivateFile } from './private-file.js';

interface Intent {
  kind: string;
  key: string;
  /** Ids matching the key before the POST (adoption keys only: a unique key has none, or the POST failed). */
  existing: string[];
  startedAt: string;
  /** The object once Logto answered (created or adopted): kept until the front end's state shows it. */
  id?: string;
}

export class CreateJournal {
  /** Key lookups for `existing`: one list per kind and parent per process, not cleared by this process's writes. */
  private lookups: ResourceContext | undefined;
  /** `kind\0parent\0key` → ids this process created (they postdate `lookups`). */
  private readonly created = new Map<string, string[]>();

  /** `dir` holds the intents; `tenant` (the endpoint) keeps two tenants' intents apart. */
  constructor(
    readonly dir: string,
    private readonly tenant: string,
  ) {}

  async create(ctx: ResourceContext, definition: ResourceDefinition<any>, spec: Spec): Promise<CreateReport> {
    const key = identityKey(definition);
    if (!key) return createObjectWithReport(ctx, definition, spec);
    const { name, file } = this.intentFile(definition, spec);

    const intent = readIntent(file);
    if (intent) {
      const found = (await definition.findByKey!(ctx, spec)).filter((l) => !intent.existing.includes(l.id));
      const recorded = found.filter((l) => l.id === intent.id);
      const candidates = recorded.length === 1 ? recorded : found;
      if (candidates.length > 1) {
        throw new AmbiguousKeyError(
          definition.kind,
          key.of(spec),
          candidates.map((l) => l.id),
          `an earlier apply was interrupted while creating it and ${candidates.length} objects now match ${describeKey(key, spec)}; delete the extra ones (or import one) and rerun`,
        );
      }
      const adopted = candidates[0];
      if (adopted) {
        const live = (await readObject(ctx, definition, adopted.id, spec)) ?? adopted;
        const updated = await updateObject(ctx, definition, live.id, spec, live);
        writeIntent(this.dir, file, { ...intent, id: updated.id });
        return {
          live: updated,
          note: `an earlier apply was interrupted after Logto created this ${definition.kind} (${describeKey(key, spec)}, id ${updated.id}); adopted it instead of creating it again`,
        };
      }
    }

    const started: Intent = {
      kind: definition.kind,
      key: key.of(spec),
      existing: key.unique ? [] : await this.existing(ctx, definition, spec, name),
      startedAt: new Date().toISOString(),
    };
    writeIntent(this.dir, file, started);
    try {
      const report = await createObjectWithReport(ctx, definition, spec);
      this.created.set(name, [...(this.created.get(name) ?? []), report.live.id]);
      writeIntent(this.dir, file, { ...started, id: report.live.id });
      return report;
    } catch (error) {
      // A partial create hands the object to the caller, who records it. Any other failure may have come after
      // Logto's commit (a lost answer whose recovery read failed too), so the intent stays as it is: at worst
      // the next run spends one key lookup to find nothing.
      if (error instanceof PartialCreateError) writeIntent(this.dir, file, { ...started, id: error.id });
      throw error;
    }
  }

  /** The front end's state holds object `id` (of `spec`): its create is settled, and its intent goes. */
  settle(definition: ResourceDefinition<any>, spec: Spec, id: string): void {
    if (!identityKey(definition)) return;
    let file: string;
    try {
      file = this.intentFile(definition, spec).file;
    } catch {
      return; // a state without the key's fields (an odd import): nothing to settle by
    }
    if (readIntent(file)?.id === id) forget(file);
  }

  private intentFile(definition: ResourceDefinition<any>, spec: Spec): { name: string; file: string } {
    const parent = definition.parent ? String(spec[definition.parent.field] ?? '') : '';
    const name = `${definition.kind}\0${parent}\0${identityKey(definition)!.of(spec)}`;
    const hash = createHash('sha256').update(`${this.tenant}\0${name}`).digest('hex').slice(0, 32);
    return { name, file: join(this.dir, `${hash}.json`) };
  }

  private async existing(ctx: ResourceContext, definition: ResourceDefinition<any>, spec: Spec, name: string) {
    this.lookups ??= createContext(ctx.client);
    const listed = (await definition.findByKey!(this.lookups, spec)).map((l) => l.id);
    return [...new Set([...listed, ...(this.created.get(name) ?? [])])];
  }
}

function readIntent(file: string): Intent | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const intent = JSON.parse(readFileSync(file, 'utf8')) as Intent;
    return Array.isArray(intent.existing) ? intent : undefined;
  } catch {
    return undefined; // not ours or unreadable: act as without an intent
  }
}

/**
 * Best effort: a working directory that cannot be written (a read-only checkout) costs the protection, never
 * the create itself. An intent holds no secret (kind, key, ids, time), yet keys may be personal data (a
 * user's name): owner-only, like the state beside it.
 */
function writeIntent(dir: string, file: string, intent: Intent): void {
  try {
    makePrivateDir(dir);
    writePrivateFile(file, JSON.stringify(intent));
  } catch {
    // not journaled
  }
}

function forget(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // left for a later refresh or create, which then spends one key lookup
  }
}
