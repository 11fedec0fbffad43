/**
 * A tiny OpenID provider on loopback: it serves only `/.well-known/openid-configuration`, which is what Logto
 * (and the emulator) fetch when an OIDC SSO connector is created or its config changes. A real Logto on the
 * same machine reaches 127.0.0.1, so one issuer works against both. Used by the conformance tool and tests.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface LoopbackIdp {
  /** `http://127.0.0.1:<port>`: use it as the connector's `issuer`. */
  issuer: string;
  /** Discovery requests received so far. */
  requests(): number;
  close(): Promise<void>;
}

export async function startIdp(): Promise<LoopbackIdp> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    const { port } = server.address() as AddressInfo;
    const issuer = `http://127.0.0.1:${port}`;
    if (req.url === '/.well-known/openid-configuration') {
      count++;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          userinfo_endpoint: `${issuer}/me`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      );
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    issuer: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An issuer URL on loopback where nothing answers (a server that was started and closed again). */
export async function unreachableIssuer(): Promise<string> {
  const gone = await startIdp();
  await gone.close();
  return gone.issuer;
}

/** The example tenant's SAML IdP settings (public): a config Logto accepts without reaching the IdP. */
export function exampleSamlConfig(root: string): { entityId: string; signInEndpoint: string; x509Certificate: string } {
  const example = parse(readFileSync(join(root, 'examples', 'tenant.yaml'), 'utf8'));
  const { entityId, signInEndpoint, x509Certificate } = example.ssoConnectors['globex-saml'].config;
  return { entityId, signInEndpoint, x509Certificate };
}
