/**
 * The protocol definitions (tfplugin6 + go-plugin's services + health) as gRPC service definitions, with
 * serializers made straight from the message types (@grpc/proto-loader would also build reflection
 * descriptors nobody asks for). The messages come from proto-messages.ts: reflection over the .proto
 * files next to it, or in the bundles classes generated from them at build time. A method's types are
 * looked up on its first call: a plugin launch serves a few calls, not all of them.
 */
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { lazyValue } from '../../core/lazy-schema.js';
import { type MessageType, protocolMessages, type ServiceName } from './proto-messages.js';

const CONVERSION: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

const encode = (type: MessageType, value: unknown) =>
  Buffer.from(type.encode(type.fromObject(value as Record<string, unknown>)).finish());
const decode = (type: MessageType, bytes: Buffer) => type.toObject(type.decode(bytes), CONVERSION);

function serviceDefinition(service: ServiceName): ServiceDefinition {
  const messages = protocolMessages();
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of messages.services[service]) {
    const typesOf = lazyValue(() => ({
      request: messages.type(method.requestType),
      response: messages.type(method.responseType),
    }));
    definition[method.name] = {
      path: `/${service}/${method.name}`,
      requestStream: method.requestStream,
      responseStream: method.responseStream,
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
  loaded = {
    provider: serviceDefinition('tfplugin6.Provider'),
    controller: serviceDefinition('plugin.GRPCController'),
    stdio: serviceDefinition('plugin.GRPCStdio'),
    broker: serviceDefinition('plugin.GRPCBroker'),
    health: serviceDefinition('grpc.health.v1.Health'),
  };
  return loaded;
}
