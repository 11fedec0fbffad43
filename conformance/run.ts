/** Runs every probe against two servers, one probe at a time, and lists where their answers differ. */
import { randomBytes } from 'node:crypto';
import { PROBES, type Probe, type ProbeEnv } from './probes.js';
import { type Answer, connect, differences, type Server } from './wire.js';

export interface ProbeResult {
  probe: string;
  behaviour: string;
  requests: number;
  differences: string[];
}

export async function runConformance(
  reference: Server,
  candidate: Server,
  env: Omit<ProbeEnv, 'prefix'>,
  probes: Probe[] = PROBES,
): Promise<ProbeResult[]> {
  const [a, b] = await Promise.all([connect(reference), connect(candidate)]);
  const results: ProbeResult[] = [];
  for (const probe of probes) {
    // A fresh prefix per probe, the same on both sides, so messages that quote a name compare equal.
    const probeEnv = { ...env, prefix: `conf${randomBytes(3).toString('hex')}` };
    const left = await probe.run(a, probeEnv);
    const right = await probe.run(b, probeEnv);
    const diffs: string[] = [];
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      const x: Answer | undefined = left[i];
      const y: Answer | undefined = right[i];
      if (!x || !y) diffs.push(`${(x ?? y)!.request}: asked of one server only`);
      else diffs.push(...differences(x, y));
    }
    results.push({ probe: probe.name, behaviour: probe.behaviour, requests: left.length, differences: diffs });
  }
  return results;
}

/** The report: one line per probe, its differences indented, and the summary line. */
export function formatReport(results: ProbeResult[], names: [string, string]): string {
  const lines = [`conformance: ${names[0]} (left) vs ${names[1]} (right)`];
  for (const r of results) {
    lines.push(`${r.differences.length === 0 ? 'same' : 'DIFF'}  ${r.probe} — ${r.requests} requests (${r.behaviour})`);
    for (const d of r.differences) lines.push(`      ${d}`);
  }
  const total = results.reduce((n, r) => n + r.differences.length, 0);
  const requests = results.reduce((n, r) => n + r.requests, 0);
  lines.push(`conformance: ${results.length} probes, ${requests} requests, ${total} differences`);
  return lines.join('\n');
}
