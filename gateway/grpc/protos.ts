import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { describeFiles, standardProtos } from './descriptors.js';
import type { ProtoGrpcType as AuditProto } from './generated/audit.js';
import type { ProtoGrpcType as ConsentProto } from './generated/consent.js';
import type { ProtoGrpcType as PolicyProto } from './generated/policy.js';
import type { ProtoGrpcType as QueryProto } from './generated/query.js';
import type { ProtoGrpcType as RecordProto } from './generated/record.js';
import type { ProtoGrpcType as SettlementProto } from './generated/settlement.js';

/** proto/ in the source tree (the server runs from dist/gateway/grpc). */
export const PROTO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../proto');
export const PROTO_FILES = fs.readdirSync(path.join(PROTO_DIR, 'vouch/v1')).filter((f) => f.endsWith('.proto')).sort().map((f) => `vouch/v1/${f}`);
export const SERVICES = ['ConsentService', 'RecordService', 'PolicyService', 'QueryService', 'SettlementService', 'AuditService'] as const;

type Proto = AuditProto & ConsentProto & PolicyProto & QueryProto & RecordProto & SettlementProto;

/** The service definitions of proto/vouch/v1, loaded as the generated types (gateway/grpc/generated) describe them. */
export function loadProtos(): { definition: protoLoader.PackageDefinition; proto: Proto } {
  const definition = protoLoader.loadSync(PROTO_FILES, {
    keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR],
  });
  return { definition, proto: grpc.loadPackageDefinition(definition) as unknown as Proto };
}

/**
 * Descriptors served by reflection: every file of proto/vouch/v1 and the standard health and reflection
 * services, each under its own name, with comments (grpc/descriptors.ts).
 */
export function reflectionDefinition(): protoLoader.PackageDefinition {
  const files = [...PROTO_FILES.map((name) => ({ name, file: path.join(PROTO_DIR, name) })), ...standardProtos()];
  // @grpc/reflection reads only `fileDescriptorProtos` from a package definition's entries.
  return { files: { fileDescriptorProtos: describeFiles(files) } } as unknown as protoLoader.PackageDefinition;
}
