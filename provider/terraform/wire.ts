/**
 * What the gRPC server needs before the handshake, without protobufjs: the method table of tfplugin6
 * (pre-parsed from tfplugin6.proto when the bundle is built) and hand-written codecs for go-plugin's
 * controller, stdio and broker services and the health service — messages of one or two fields.
 * The tfplugin6 messages are encoded by protobufjs in the core (protocol.ts), loaded on the first call.
 */
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

export interface MethodInfo {
  name: string;
  requestStream: boolean;
  responseStream: boolean;
}

export const PROVIDER_SERVICE = 'tfplugin6.Provider';

const EMPTY = Buffer.alloc(0);

function method<Req, Res>(
  service: string,
  name: string,
  streams: { requestStream?: boolean; responseStream?: boolean },
  decode: (bytes: Buffer) => Req,
  encode: (value: Res) => Buffer,
): MethodDefinition<Req, Res> {
  return {
    path: `/${service}/${name}`,
    requestStream: streams.requestStream ?? false,
    responseStream: streams.responseStream ?? false,
    requestSerialize: () => {
      throw new Error(`${service}/${name}: this definition only serves`);
    },
    requestDeserialize: decode,
    responseSerialize: encode,
    responseDeserialize: () => {
      throw new Error(`${service}/${name}: this definition only serves`);
    },
  };
}

/** Reads the string field 1 of a protobuf message (HealthCheckRequest.service); other fields are skipped. */
export function decodeStringField1(bytes: Buffer): string {
  let pos = 0;
  let found = '';
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw new Error('truncated protobuf message');
      const b = bytes[pos++] as number;
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
      shift += 7;
    }
  };
  while (pos < bytes.length) {
    const key = varint();
    const wire = key & 7;
    if (wire === 0) varint();
    else if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4;
      if (pos > bytes.length) throw new Error('truncated protobuf message');
    } else if (wire === 2) {
      const len = varint();
      if (pos + len > bytes.length) throw new Error('truncated protobuf message');
      if (key >>> 3 === 1) found = bytes.subarray(pos, pos + len).toString('utf8');
      pos += len;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return found;
}

const SERVING_STATUS = { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } as const;
export type ServingStatus = keyof typeof SERVING_STATUS;

/** HealthCheckResponse { ServingStatus status = 1 } (proto3: the default 0 is not written). */
export function encodeHealthResponse(value: { status: ServingStatus }): Buffer {
  const n = SERVING_STATUS[value.status];
  return n === 0 ? EMPTY : Buffer.from([0x08, n]);
}

export interface LightServices {
  controller: ServiceDefinition;
  stdio: ServiceDefinition;
  broker: ServiceDefinition;
  health: ServiceDefinition;
}

/** go-plugin's services and health, server side. */
export function lightServices(): LightServices {
  // A request of no interest still has to be a value: grpc-js takes null for "no message received".
  const ignore = () => ({});
  const empty = () => EMPTY;
  return {
    controller: { Shutdown: method('plugin.GRPCController', 'Shutdown', {}, ignore, empty) },
    // Terraform opens these streams and waits; the plugin never writes to them.
    stdio: { StreamStdio: method('plugin.GRPCStdio', 'StreamStdio', { responseStream: true }, ignore, empty) },
    broker: {
      StartStream: method(
        'plugin.GRPCBroker',
        'StartStream',
        { requestStream: true, responseStream: true },
        ignore,
        empty,
      ),
    },
    health: {
      Check: method(
        'grpc.health.v1.Health',
        'Check',
        {},
        (b) => ({ service: decodeStringField1(b) }),
        encodeHealthResponse,
      ),
      Watch: method(
        'grpc.health.v1.Health',
        'Watch',
        { responseStream: true },
        (b) => ({ service: decodeStringField1(b) }),
        encodeHealthResponse,
      ),
    },
  };
}

/** A response already in wire form (the pre-encoded GetProviderSchema answer); sent as is. */
export class Encoded {
  constructor(readonly bytes: Buffer) {}
}

/**
 * The tfplugin6 service from its method table; each message is encoded by the codecs `codecs()` returns
 * (the core's protobufjs definitions), fetched on the first message. Methods named in `emptyRequests`
 * have a request message without fields (GetProviderSchema): it is not decoded, so answering them with
 * an `Encoded` response never loads the core.
 */
export function providerService(
  methods: MethodInfo[],
  codecs: () => ServiceDefinition,
  emptyRequests: string[] = [],
): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const m of methods) {
    const codec = () => {
      const found = codecs()[m.name];
      if (!found) throw new Error(`${PROVIDER_SERVICE}/${m.name} is missing from the protocol definition`);
      return found;
    };
    definition[m.name] = {
      path: `/${PROVIDER_SERVICE}/${m.name}`,
      requestStream: m.requestStream,
      responseStream: m.responseStream,
      requestSerialize: (value) => codec().requestSerialize(value),
      requestDeserialize: emptyRequests.includes(m.name) ? () => ({}) : (bytes) => codec().requestDeserialize(bytes),
      responseSerialize: (value) => (value instanceof Encoded ? value.bytes : codec().responseSerialize(value)),
      responseDeserialize: (bytes) => codec().responseDeserialize(bytes),
    };
  }
  return definition as ServiceDefinition;
}

/** The method list of a protobufjs-built service definition (unbundled runs; the bundle script does the same). */
export function methodsOf(definition: ServiceDefinition): MethodInfo[] {
  return Object.entries(definition).map(([name, m]) => ({
    name,
    requestStream: m.requestStream,
    responseStream: m.responseStream,
  }));
}
