/**
 * Runs a Pulumi program (`./index.ts` of the working directory) without the Pulumi CLI, for
 * `npm run examples -- pulumi`: Pulumi's own runtime executes the program in mock mode, and every resource
 * registration is answered by the logto-iac dynamic provider's operations (the code Pulumi's dynamic-provider
 * host runs) against the tenant in LOGTO_*:
 *
 *   node runner.mjs up <state.json>       check + create each resource, in the program's dependency order
 *   node runner.mjs preview <state.json>  check + diff each resource against the live tenant (read-only)
 *
 * State (ids and outputs) is kept in <state.json> between the two, like a stack's state. Secrets are marked as
 * Pulumi marks them on the wire; they are unwrapped only to call the provider and never printed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as pulumi from '@pulumi/pulumi';
import { __logtoProviderOperations as operations } from 'logto-iac/pulumi';

const SECRET_KEY = '4dabf18193072939515e22adb298388d';
const [mode, statePath] = process.argv.slice(2);
if ((mode !== 'up' && mode !== 'preview') || !statePath) {
  process.stderr.write('usage: runner.mjs up|preview <state.json>\n');
  process.exit(1);
}
const TYPE_PREFIX = 'pulumi-nodejs:dynamic/logto:';

/** Pulumi's wire form of a secret (`{ <sig>: …, value }`) → the value, at any depth. */
function unwrap(value) {
  if (Array.isArray(value)) return value.map(unwrap);
  if (value && typeof value === 'object') {
    if (SECRET_KEY in value) return unwrap(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

const state = mode === 'up' ? {} : JSON.parse(readFileSync(statePath, 'utf8'));
const counts = { created: 0, same: 0, changed: 0 };
const changed = [];

await pulumi.runtime.setMocks(
  {
    async newResource(args) {
      if (!args.type.startsWith(TYPE_PREFIX)) return { id: undefined, state: {} };
      const kind = args.type.slice(TYPE_PREFIX.length);
      const news = unwrap(args.inputs);
      const prior = state[args.name];
      const checked = await operations.check(kind, prior?.outs ?? {}, news);
      if (checked.failures.length > 0)
        throw new Error(
          `logto.${kind} "${args.name}": ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join('; ')}`,
        );
      if (mode === 'up') {
        const { id, outs } = await operations.create(kind, checked.inputs);
        state[args.name] = { kind, id, outs };
        counts.created++;
        process.stdout.write(`  + logto:${kind} ${args.name} created\n`);
        return { id, state: outs };
      }
      if (!prior) throw new Error(`logto.${kind} "${args.name}" is not in the state: run up first`);
      const answer = await operations.diff(kind, prior.id, prior.outs, checked.inputs);
      if (answer.changes) {
        counts.changed++;
        changed.push(
          `${kind} ${args.name}${answer.replaces.length ? ` (replace: ${answer.replaces.join(', ')})` : ''}`,
        );
      } else counts.same++;
      return { id: prior.id, state: prior.outs };
    },
    call: () => ({}),
  },
  'logto-acme-shop',
  'demo',
  mode === 'preview',
);

await import(`${process.cwd()}/index.ts`);
await pulumi.runtime.disconnect();

if (mode === 'up') {
  writeFileSync(statePath, JSON.stringify(state), { mode: 0o600 });
  process.stdout.write(`Resources: ${counts.created} created\n`);
} else {
  for (const line of changed) process.stdout.write(`  ~ logto:${line}\n`);
  process.stdout.write(`Resources: ${counts.same} unchanged, ${counts.changed} to change\n`);
  process.exitCode = counts.changed > 0 ? 2 : 0;
}
