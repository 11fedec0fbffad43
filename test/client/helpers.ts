/** Shared set-up of the client tests: a fault server and a client pointed at it with tiny retry delays. */
import { createClient, type HttpLogtoClient } from '../../core/client/index.js';
import type { ClientOptions } from '../../core/client/types.js';
import { type FaultServer, type FaultServerOptions, startFaultServer } from '../support/fault-server.js';

export interface Harness {
  server: FaultServer;
  client: HttpLogtoClient;
  /** Another client against the same server (closed by `done`). */
  extra(options?: Partial<ClientOptions>): HttpLogtoClient;
  done(): Promise<void>;
}

export async function harness(
  options: Partial<ClientOptions> = {},
  serverOptions?: FaultServerOptions,
): Promise<Harness> {
  const server = await startFaultServer(serverOptions);
  const clients: HttpLogtoClient[] = [];
  const make = (more: Partial<ClientOptions> = {}) => {
    const c = createClient(
      {
        endpoint: server.url,
        appId: server.appId,
        appSecret: server.appSecret,
        requestsPerSecond: 0,
        retryBaseMs: 2,
        retryMaxDelayMs: 10,
        callTimeoutMs: 10_000,
        ...options,
        ...more,
      },
      {},
    );
    clients.push(c);
    return c;
  };
  const client = make();
  return {
    server,
    client,
    extra: make,
    done: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
    },
  };
}
