/**
 * Scenario 5: how many creates per second the emulator serves over HTTP (plain undici, 16 connections), so
 * the other figures can be read as being about our code and not the emulator.
 */
import { startEmulator } from '../dist/emulator/index.js';
import { figure, mapLimit, now, RawApi, round } from './lib.js';

export const THROUGHPUT_CREATES = 2000;

export async function emulatorThroughput(log) {
  const S = '5 emulator';
  const emulator = await startEmulator({ port: 0, seed: 'bench-throughput' });
  const api = await new RawApi(emulator, 16).authenticate();
  try {
    const half = THROUGHPUT_CREATES / 2;
    log(`${THROUGHPUT_CREATES} creates (roles and organizations) over 16 connections…`);
    const t0 = now();
    await mapLimit(
      Array.from({ length: half }, (_, i) => i),
      16,
      (i) => api.post('/roles', { name: `tp-role-${i}`, description: `Throughput role ${i}` }),
    );
    await mapLimit(
      Array.from({ length: half }, (_, i) => i),
      16,
      (i) => api.post('/organizations', { name: `Throughput org ${i}` }),
    );
    const ms = now() - t0;
    const g0 = now();
    const reads = 1000;
    await mapLimit(
      Array.from({ length: reads }, (_, i) => i),
      16,
      () => api.get('/organizations?page=1&page_size=20'),
    );
    const readMs = now() - g0;
    return {
      figures: [
        figure(S, 'creates over HTTP', THROUGHPUT_CREATES, 'creates', {
          note: 'POST /roles and /organizations, 16 in flight',
        }),
        figure(S, 'create throughput', round(THROUGHPUT_CREATES / (ms / 1000)), 'creates/s'),
        figure(S, 'list-page throughput', round(reads / (readMs / 1000)), 'req/s', {
          note: 'GET /organizations page of 20',
        }),
      ],
    };
  } finally {
    await api.close();
    await emulator.close();
  }
}
