import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type pino from 'pino';
import protobuf from 'protobufjs';
import { toVouchError } from '../errors.js';
import { PROTO_DIR } from './protos.js';

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

/** A failed call as grpc-js sends it, with the catalogue code and HTTP status beside for metrics and logs. */
export type CallFailure = Partial<grpc.StatusObject> & { vouchCode: string; httpStatus: number };

/**
 * The catalogue error as a gRPC status: anything thrown goes through the same mapping as over HTTP
 * (errors.ts `toVouchError`), then the code is mapped; in the trailers the standard google.rpc.Status
 * (`grpc-status-details-bin`, its details an ErrorDetail), the ErrorDetail alone (`vouch-error-bin`),
 * and the catalogue code and request id as plain keys.
 */
export function grpcError(err: unknown, requestId: string, logger: pino.Logger): CallFailure {
  const v = toVouchError(err);
  if (v.status >= 500) logger.error({ err: v.cause ?? err, code: v.code, reqId: requestId }, 'rpc failed');
  const encoded = encodeErrorDetail(PROTO_DIR, v.grpcStatus, { code: v.code, message: v.message, request_id: requestId });
  const metadata = new grpc.Metadata();
  metadata.set('vouch-error-code', v.code);
  metadata.set('vouch-request-id', requestId);
  metadata.set('vouch-error-bin', encoded.detail);
  metadata.set('grpc-status-details-bin', encoded.status);
  return { code: v.grpcStatus, details: v.message, metadata, vouchCode: v.code, httpStatus: v.status };
}
