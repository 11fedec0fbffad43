/**
 * The plugin's core: everything that serves tfplugin6 calls (the catalog and its zod schemas, the
 * reconciler, the HTTP client, cty/msgpack, the protobufjs codecs of the protocol). The bundle script
 * builds it into its own file next to the start-up bundle; the gRPC server (rpc.ts) loads it on the first
 * tfplugin6 call, after the handshake line is out, so none of it delays the handshake.
 */
export { loadServices } from './protocol.js';
export { LogtoTerraformProvider } from './server.js';
