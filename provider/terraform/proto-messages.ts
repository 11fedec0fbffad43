/**
 * The protocol's messages (tfplugin6, go-plugin's controller, stdio and broker services, gRPC health) by
 * full name, and each service's methods with their message types, from the .proto files next to this
 * module, through protobufjs reflection.
 *
 * This is what runs from the modules (tests, build scripts, an unbundled plugin). The bundles replace this
 * module (scripts/bundle-terraform.mjs): there the messages are classes generated from the same .proto
 * files at build time, so a plugin launch neither parses .proto text nor builds reflection objects nor
 * generates code (together about 10 ms of every launch that serves resources).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export const PROTO_FILES = [
  'tfplugin6.proto',
  'grpc_controller.proto',
  'grpc_stdio.proto',
  'grpc_broker.proto',
  'health.proto',
] as const;

export const SERVICES = [
  'tfplugin6.Provider',
  'plugin.GRPCController',
  'plugin.GRPCStdio',
  'plugin.GRPCBroker',
  'grpc.health.v1.Health',
] as const;
export type ServiceName = (typeof SERVICES)[number];

/** A message type: what protobufjs reflection and the generated classes both offer. */
export interface MessageType {
  fromObject(object: Record<string, unknown>): unknown;
  toObject(message: unknown, options: protobuf.IConversionOptions): Record<string, unknown>;
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
}

/** A method with the full names of its message types. */
export interface MethodTypes {
  name: string;
  requestType: string;
  responseType: string;
  requestStream: boolean;
  responseStream: boolean;
}

export interface ProtocolMessages {
  services: Record<ServiceName, MethodTypes[]>;
  type: (fullName: string) => MessageType;
}

/** Parse the .proto texts into one root (build time, tests, unbundled runs). */
export function parseProtos(texts: Record<string, string>): protobuf.Root {
  const root = new protobuf.Root();
  for (const file of PROTO_FILES) {
    const text = texts[file];
    if (text === undefined) throw new Error(`missing protocol definition ${file}`);
    protobuf.parse(text, root, { keepCase: true });
  }
  root.resolveAll();
  return root;
}

export function readProtoTexts(dir?: string): Record<string, string> {
  const here = dir ?? dirname(fileURLToPath(import.meta.url));
  const candidates = [here, join(here, '..', '..', '..', 'provider', 'terraform')];
  const found = candidates.find((d) => existsSync(join(d, 'tfplugin6.proto')));
  if (!found) throw new Error(`tfplugin6.proto not found next to ${here}`);
  return Object.fromEntries(PROTO_FILES.map((f) => [f, readFileSync(join(found, f), 'utf8')]));
}

/** Each service's methods, with their message types' full names (no leading dot). */
export function serviceMethods(root: protobuf.Root): Record<ServiceName, MethodTypes[]> {
  const of = (service: ServiceName) =>
    root.lookupService(service).methodsArray.map((method) => {
      method.resolve();
      return {
        name: method.name,
        requestType: (method.resolvedRequestType as protobuf.Type).fullName.slice(1),
        responseType: (method.resolvedResponseType as protobuf.Type).fullName.slice(1),
        requestStream: Boolean(method.requestStream),
        responseStream: Boolean(method.responseStream),
      };
    });
  return Object.fromEntries(SERVICES.map((s) => [s, of(s)])) as Record<ServiceName, MethodTypes[]>;
}

let loaded: ProtocolMessages | undefined;

export function protocolMessages(): ProtocolMessages {
  if (!loaded) {
    const root = parseProtos(readProtoTexts());
    loaded = { services: serviceMethods(root), type: (fullName) => root.lookupType(fullName) };
  }
  return loaded;
}
