import path from 'node:path';
import protobuf from 'protobufjs';

/**
 * The error detail of a failed call, in two encodings: the project's `vouch.v1.ErrorDetail` and the
 * standard `google.rpc.Status` (google/rpc/status.proto) that gRPC clients read from the
 * `grpc-status-details-bin` trailer (grpc-java's StatusProto, grpc-go's status.FromError, Envoy's
 * transcoder) with the ErrorDetail packed as its first `details` Any.
 *
 * Field names are kept as the .proto writes them (`keepCase`): protobufjs otherwise renames
 * `request_id` to `requestId`, and encoding `{ request_id }` silently dropped the request id — which is
 * why the detail never carried it.
 */
export const ERROR_DETAIL_TYPE_URL = 'type.googleapis.com/vouch.v1.ErrorDetail';

let types: { detail: protobuf.Type; status: protobuf.Type } | undefined;

/** google.rpc.Status and google.protobuf.Any as published (field numbers and names), built once. */
const STATUS_JSON = {
  nested: {
    google: {
      nested: {
        rpc: { nested: { Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 }, details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 } } } } },
        protobuf: { nested: { Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } } } },
      },
    },
  },
};

function load(protoDir: string): { detail: protobuf.Type; status: protobuf.Type } {
  if (!types) {
    const detail = new protobuf.Root().loadSync(path.join(protoDir, 'vouch/v1/common.proto'), { keepCase: true }).lookupType('vouch.v1.ErrorDetail');
    const status = protobuf.Root.fromJSON(STATUS_JSON).lookupType('google.rpc.Status');
    types = { detail, status };
  }
  return types;
}

export interface ErrorDetail {
  code: string;
  message: string;
  request_id: string;
}

/** The ErrorDetail alone (the `vouch-error-bin` trailer) and inside a google.rpc.Status (`grpc-status-details-bin`). */
export function encodeErrorDetail(protoDir: string, grpcCode: number, detail: ErrorDetail): { detail: Buffer; status: Buffer } {
  const t = load(protoDir);
  const bytes = Buffer.from(t.detail.encode(t.detail.fromObject(detail)).finish());
  const status = t.status.encode(t.status.fromObject({ code: grpcCode, message: detail.message, details: [{ type_url: ERROR_DETAIL_TYPE_URL, value: bytes }] })).finish();
  return { detail: bytes, status: Buffer.from(status) };
}
