/**
 * The protocol definitions (tfplugin6 + go-plugin's services + health) as gRPC service definitions.
 *
 * The .proto files next to this module are the source. The bundle carries them pre-parsed (the protobufjs
 * JSON descriptor, made from the same text at build time by scripts/bundle-terraform.mjs) because parsing
 * the text costs ~25 ms on every one of Terraform's plugin launches. Serializers are built straight from
 * protobufjs types (@grpc/proto-loader would also build reflection descriptors nobody asks for).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';

declare const __LOGTO_TF_DESCRIPTOR__: protobuf.INamespace | undefined;

export const PROTO_FILES = [
  'tfplugin6.proto',
  'grpc_controller.proto',
  'grpc_stdio.proto',
  'grpc_broker.proto',
  'health.proto',
] as const;

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

function loadRoot(): protobuf.Root {
  if (typeof __LOGTO_TF_DESCRIPTOR__ !== 'undefined') return protobuf.Root.fromJSON(__LOGTO_TF_DESCRIPTOR__);
  return parseProtos(readProtoTexts());
}

const CONVERSION: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

const encode = (type: protobuf.Type, value: unknown) =>
  Buffer.from(type.encode(type.fromObject(value as object)).finish());
const decode = (type: protobuf.Type, bytes: Buffer) => type.toObject(type.decode(bytes), CONVERSION);

function serviceDefinition(root: protobuf.Root, name: string): ServiceDefinition {
  const service = root.lookupService(name);
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methodsArray) {
    // Resolved on first use: a plugin launch encodes the messages of the few calls it serves, not all of them.
    let types: { request: protobuf.Type; response: protobuf.Type } | undefined;
    const typesOf = () => {
      if (!types) {
        method.resolve();
        types = {
          request: method.resolvedRequestType as protobuf.Type,
          response: method.resolvedResponseType as protobuf.Type,
        };
      }
      return types;
    };
    definition[method.name] = {
      path: `/${name}/${method.name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: (value) => encode(typesOf().request, value),
      requestDeserialize: (bytes) => decode(typesOf().request, bytes),
      responseSerialize: (value) => encode(typesOf().response, value),
      responseDeserialize: (bytes) => decode(typesOf().response, bytes),
    };
  }
  return definition as ServiceDefinition;
}

export interface Services {
  provider: ServiceDefinition;
  controller: ServiceDefinition;
  stdio: ServiceDefinition;
  broker: ServiceDefinition;
  health: ServiceDefinition;
}

let loaded: Services | undefined;

export function loadServices(): Services {
  if (loaded) return loaded;
  const root = loadRoot();
  loaded = {
    provider: serviceDefinition(root, 'tfplugin6.Provider'),
    controller: serviceDefinition(root, 'plugin.GRPCController'),
    stdio: serviceDefinition(root, 'plugin.GRPCStdio'),
    broker: serviceDefinition(root, 'plugin.GRPCBroker'),
    health: serviceDefinition(root, 'grpc.health.v1.Health'),
  };
  return loaded;
}
