/**
 * The conformance tool (`npm run conformance`) on two embedded emulators: it must find no difference between
 * the emulator and itself, and it must find the one a deliberately wrong answer makes. Against a real Logto
 * the same tool runs by hand (`npm run conformance -- --endpoint URL`); CI has none.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleSamlConfig, type LoopbackIdp, startIdp, unreachableIssuer } from '../../conformance/idp.js';
import { PROBES } from '../../conformance/probes.js';
import { formatReport, runConformance } from '../../conformance/run.js';
import type { Server } from '../../conformance/wire.js';
import { type RunningEmulator, startEmulator } from '../../emulator/index.js';

let left: RunningEmulator;
let right: RunningEmulator;
let idp: LoopbackIdp;
let env: { issuer: string; deadIssuer: string; certificate: string };

const server = (e: RunningEmulator): Server => ({
  url: e.url,
  appId: e.appId,
  appSecret: e.appSecret,
  resource: e.resource,
});

beforeAll(async () => {
  [left, right, idp] = await Promise.all([startEmulator({ port: 0 }), startEmulator({ port: 0 }), startIdp()]);
  env = {
    issuer: idp.issuer,
    deadIssuer: await unreachableIssuer(),
    certificate: exampleSamlConfig(join(import.meta.dirname, '..', '..')).x509Certificate,
  };
});

afterAll(async () => {
  await Promise.all([left?.close(), right?.close(), idp?.close()]);
});

describe('conformance tool', () => {
  it('finds no difference between the emulator and itself, over every probe', async () => {
    const results = await runConformance(server(left), server(right), env);
    expect(results.map((r) => r.probe)).toEqual(PROBES.map((p) => p.name));
    expect(results.flatMap((r) => r.differences)).toEqual([]);
    expect(results.reduce((n, r) => n + r.requests, 0)).toBeGreaterThan(80);
    expect(formatReport(results, ['emulator', 'emulator'])).toMatch(
      /conformance: \d+ probes, \d+ requests, 0 differences$/,
    );
  });

  it("finds a deliberately wrong answer: a 404 turned into a 500 by the emulator's fault injection", async () => {
    right.setFaults([{ route: '/roles/:id', method: 'GET', fault: 500 }]);
    try {
      const results = await runConformance(
        server(left),
        server(right),
        env,
        PROBES.filter((p) => p.name === 'not found'),
      );
      const diffs = results.flatMap((r) => r.differences);
      expect(diffs).toEqual(
        expect.arrayContaining([
          'GET /roles/nonexistent123: status 404 ≠ 500',
          expect.stringMatching(/^GET \/roles\/nonexistent123: code "entity\.not_exists_with_id" ≠ /),
        ]),
      );
      expect(formatReport(results, ['emulator', 'faulty emulator'])).toMatch(/^DIFF {2}not found/m);
    } finally {
      right.setFaults([]);
    }
  });
});
