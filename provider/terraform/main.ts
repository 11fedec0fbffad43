/**
 * Entry point of `terraform-provider-logto`. Checks the magic cookie, starts the gRPC server on a unix
 * socket with AutoMTLS, prints the handshake line (the only thing ever written to stdout) and serves until
 * Terraform calls Shutdown. Logs go to stderr, where Terraform picks them up (visible with TF_LOG).
 */
import { unlinkSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { makeServerCertificate } from './cert.js';
import { handshakeLine, hasMagicCookie, NOT_FROM_TERRAFORM, socketPath } from './handshake.js';
import { createPluginServer, LogtoTerraformProvider } from './server.js';

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!hasMagicCookie(env)) {
    process.stderr.write(`${NOT_FROM_TERRAFORM}\n`);
    process.exit(1);
  }
  const clientCert = env.PLUGIN_CLIENT_CERT;
  if (!clientCert) {
    process.stderr.write(
      'PLUGIN_CLIENT_CERT is not set: this Terraform does not use AutoMTLS, which the Logto provider requires.\n',
    );
    process.exit(1);
  }
  // Terraform forwards Ctrl-C to the whole process group; it stops us with Shutdown instead.
  process.on('SIGINT', () => {});

  const log = (line: string) => process.stderr.write(`${line}\n`);
  const cert = makeServerCertificate();
  const provider = new LogtoTerraformProvider({ env, log });
  const path = socketPath(env);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    closeStreams();
    const done = () => {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
      process.exit(0);
    };
    server.tryShutdown(done);
    setTimeout(() => {
      server.forceShutdown();
      done();
    }, 500).unref();
  };
  const { server, closeStreams } = createPluginServer({ provider, onShutdown: stop, log });
  const credentials = grpc.ServerCredentials.createSsl(
    Buffer.from(clientCert),
    [{ private_key: Buffer.from(cert.keyPem), cert_chain: Buffer.from(cert.certPem) }],
    true,
  );
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix:${path}`, credentials, (e) => (e ? reject(e) : resolve()));
  });
  process.stdout.write(`${handshakeLine('unix', path, cert.der)}\n`);
  process.on('SIGTERM', stop);
}
