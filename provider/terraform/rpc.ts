/**
 * The plugin's gRPC server: tfplugin6.Provider plus go-plugin's controller, stdio and broker services and
 * the health service. It is built before the handshake line is printed, from light pieces only (grpc-js
 * and wire.ts); the tfplugin6 handlers and codecs come from the core, which `core()` loads on the first
 * tfplugin6 call.
 */
import * as grpc from '@grpc/grpc-js';
import type { Handler } from './server.js';
import { Encoded, lightServices, type MethodInfo, providerService } from './wire.js';

/** What the server needs from the core. */
export interface PluginCore {
  /** Handlers of the tfplugin6 RPCs the provider implements, by method name. */
  handlers: Record<string, Handler>;
  /** protobufjs-built codecs of tfplugin6.Provider. */
  codecs: grpc.ServiceDefinition;
}

export interface PluginServerOptions {
  /** tfplugin6.Provider's methods (names and stream flags). */
  providerMethods: MethodInfo[];
  /** Loads the core (synchronously) on first use; called again, returns the same core. */
  core: () => PluginCore;
  /**
   * GetProviderSchema's response, encoded when the bundle was built from the same catalog (the schema
   * depends on nothing else). A launch that only fetches the schema — the first of every Terraform
   * command — then never loads the core.
   */
  providerSchema?: Buffer;
  /** Called after Shutdown was answered. */
  onShutdown: () => void;
  log?: (line: string) => void;
}

/** The DER bytes of each certificate in a PEM text. */
function pemCertificates(pem: string): Buffer[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => Buffer.from(b.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'));
}

/**
 * Server credentials for go-plugin's AutoMTLS that trust exactly the client certificate Terraform passed
 * in PLUGIN_CLIENT_CERT, compared byte for byte on every call.
 *
 * Why not `ServerCredentials.createSsl(clientCert, …, true)`: giving Node's TLS a CA certificate makes it
 * build its root store first, parsing the ~145 certificates it bundles (20–30 ms, on every one of
 * Terraform's launches). With an empty CA list no store is built; OpenSSL still asks for the client's
 * certificate but cannot verify it, so the TLS layer accepts the connection (`rejectUnauthorized: false`)
 * and an interceptor, which runs before any service sees the call, refuses every call whose peer did not
 * present the pinned certificate (UNAUTHENTICATED). That is stricter than the CA check it replaces: a
 * certificate issued by Terraform's key is not enough, it must be the one certificate.
 */
export class PinnedClientCredentials extends grpc.ServerCredentials {
  private readonly pinned: Buffer[];

  constructor(clientCertPem: string, server: { keyPem: string; certPem: string }) {
    super(
      { requestCert: true, rejectUnauthorized: false },
      { ca: [], cert: Buffer.from(server.certPem), key: Buffer.from(server.keyPem) },
    );
    this.pinned = pemCertificates(clientCertPem);
    if (this.pinned.length === 0) throw new Error('PLUGIN_CLIENT_CERT holds no PEM certificate');
  }

  override _getInterceptors(): grpc.ServerInterceptor[] {
    return [
      (_method, call) =>
        new grpc.ServerInterceptingCall(call, {
          start: (next) => {
            const peer = call.getAuthContext().sslPeerCertificate?.raw;
            if (peer && this.pinned.some((der) => der.equals(peer))) {
              next();
              return;
            }
            call.sendStatus({
              code: grpc.status.UNAUTHENTICATED,
              details: 'the client did not present the certificate given in PLUGIN_CLIENT_CERT',
              metadata: new grpc.Metadata(),
            });
          },
        }),
    ];
  }

  _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function createPluginServer(options: PluginServerOptions): { server: grpc.Server; closeStreams: () => void } {
  const log = options.log ?? (() => {});
  const light = lightServices();
  const server = new grpc.Server({
    'grpc.max_receive_message_length': 256 * 1024 * 1024,
    'grpc.max_send_message_length': 256 * 1024 * 1024,
  });
  const openStreams = new Set<{ end: () => void }>();

  const implementation: grpc.UntypedServiceImplementation = {};
  const preEncoded: Record<string, Buffer> = options.providerSchema
    ? { GetProviderSchema: options.providerSchema }
    : {};
  for (const { name } of options.providerMethods) {
    const encoded = preEncoded[name];
    if (encoded) {
      implementation[name] = (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        callback(null, new Encoded(encoded));
      continue;
    }
    implementation[name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      let handler: Handler | undefined;
      try {
        handler = options.core().handlers[name];
      } catch (e) {
        log(`[ERROR] ${name}: ${messageOf(e)}`);
        callback({ code: grpc.status.INTERNAL, details: `Logto provider: ${messageOf(e)}` }, null);
        return;
      }
      if (!handler) {
        callback(
          { code: grpc.status.UNIMPLEMENTED, details: `The server does not implement the method ${name}` },
          null,
        );
        return;
      }
      handler(call.request).then(
        (response) => callback(null, response),
        (e: unknown) => {
          log(`[ERROR] ${name}: ${messageOf(e)}`);
          callback(null, {
            diagnostics: [{ severity: 'ERROR', summary: `Logto provider: ${name} failed`, detail: messageOf(e) }],
          });
        },
      );
    };
  }
  server.addService(
    providerService(options.providerMethods, () => options.core().codecs, Object.keys(preEncoded)),
    implementation,
  );

  server.addService(light.controller, {
    Shutdown: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      callback(null, {});
      setImmediate(options.onShutdown);
    },
  });
  server.addService(light.stdio, {
    StreamStdio: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      openStreams.add(call);
      call.on('cancelled', () => openStreams.delete(call));
    },
  });
  server.addService(light.broker, {
    StartStream: (call: grpc.ServerDuplexStream<unknown, unknown>) => {
      openStreams.add(call);
      call.on('data', () => {});
      call.on('end', () => {
        openStreams.delete(call);
        call.end();
      });
      call.on('cancelled', () => openStreams.delete(call));
    },
  });
  const status = (service: string) => ({
    status: service === '' || service === 'plugin' ? ('SERVING' as const) : ('SERVICE_UNKNOWN' as const),
  });
  server.addService(light.health, {
    Check: (call: grpc.ServerUnaryCall<{ service: string }, unknown>, callback: grpc.sendUnaryData<unknown>) =>
      callback(null, status(call.request.service)),
    Watch: (call: grpc.ServerWritableStream<{ service: string }, unknown>) => {
      openStreams.add(call);
      call.write(status(call.request.service));
      call.on('cancelled', () => openStreams.delete(call));
    },
  });

  const closeStreams = () => {
    for (const s of openStreams) {
      try {
        s.end();
      } catch {
        // already closed
      }
    }
    openStreams.clear();
  };
  return { server, closeStreams };
}
