/** The emulator serves its admin credentials and unauthenticated stats: it binds to loopback only. */
import { describe, expect, it } from 'vitest';
import { runEmulatorCommand } from '../../emulator/cli.js';
import { isLoopbackHost, startEmulator } from '../../emulator/index.js';
import { raw } from './core-harness.js';

describe('emulator bind address', () => {
  it.each(['127.0.0.1', '127.0.0.2', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1'])(
    'accepts the loopback address %s',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each(['0.0.0.0', '::', '', '192.168.1.10', '10.0.0.1', 'example.com', '127.0.0.1.example.com', '128.0.0.1'])(
    'refuses the non-loopback address "%s"',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );

  it('startEmulator refuses host 0.0.0.0 before listening, naming the option and why', async () => {
    await expect(startEmulator({ port: 0, host: '0.0.0.0' })).rejects.toThrow(
      /host "0\.0\.0\.0" is not a loopback address.*credentials/,
    );
  });

  it('startEmulator serves on localhost', async () => {
    const emu = await startEmulator({ port: 0, host: 'localhost' });
    try {
      expect(emu.url).toMatch(/^http:\/\/(127\.0\.0\.1|\[::1\]):\d+$/);
      expect((await raw(`${emu.url}/api/status`, 'GET')).status).toBe(204);
    } finally {
      await emu.close();
    }
  });

  it('the CLI refuses --host 0.0.0.0 with exit code 2 and says why', async () => {
    const out: string[] = [];
    const errors: string[] = [];
    const code = await runEmulatorCommand(['--port', '0', '--host', '0.0.0.0'], {
      out: (l) => out.push(l),
      err: (l) => errors.push(l),
      until: Promise.resolve(),
    });
    expect(code).toBe(2);
    expect(errors.join('\n')).toMatch(/--host "0\.0\.0\.0" is not a loopback address/);
    expect(errors.join('\n')).toContain('loopback only');
    expect(out.join('\n')).not.toContain('LOGTO_APP_SECRET');
  });
});
