import t from 'tap';
import { ERROR_CATALOGUE, GrpcStatus, VouchError, errorBody } from '../../gateway/errors.js';

t.test('every catalogue code has an HTTP status, a gRPC status and a fixed message', async (t) => {
  const grpcCodes = new Set<number>(Object.values(GrpcStatus));
  for (const [code, e] of Object.entries(ERROR_CATALOGUE)) {
    t.match(code, /^[A-Z][A-Z_]+$/, `${code} is a stable upper-case code`);
    t.ok(e.http >= 400 && e.http < 600, `${code} has an error HTTP status`);
    t.ok(grpcCodes.has(e.grpc), `${code} maps to a known gRPC status`);
    t.ok(e.message.length > 0 && !/\d{6,}/.test(e.message), `${code} message is fixed text`);
  }
});

t.test('the contract codes map as CONTRACT.md and the gRPC issue say', async (t) => {
  t.same([ERROR_CATALOGUE.NOT_AVAILABLE.http, ERROR_CATALOGUE.NOT_AVAILABLE.grpc], [404, GrpcStatus.NOT_FOUND]);
  t.same([ERROR_CATALOGUE.CONSENT_REQUIRED.http, ERROR_CATALOGUE.CONSENT_REQUIRED.grpc], [403, GrpcStatus.PERMISSION_DENIED]);
  t.same([ERROR_CATALOGUE.QUERY_BUDGET_EXCEEDED.http, ERROR_CATALOGUE.QUERY_BUDGET_EXCEEDED.grpc], [429, GrpcStatus.RESOURCE_EXHAUSTED]);
  t.same([ERROR_CATALOGUE.INVALID_RECORD.http, ERROR_CATALOGUE.UNAUTHENTICATED.http], [422, 401]);
});

t.test('error bodies have the contract shape and keep causes inside', async (t) => {
  const e = new VouchError('INTERNAL', undefined, { cause: new Error('secret internals 110101199003077777') });
  const body = errorBody(e, 'req-1');
  t.same(Object.keys(body.error).sort(), ['code', 'message', 'request_id']);
  t.notMatch(JSON.stringify(body), /secret|110101/);
});
