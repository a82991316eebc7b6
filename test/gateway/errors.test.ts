import t from 'tap';
import { ERROR_CATALOGUE, GrpcStatus, VouchError, errorBody, toVouchError } from '../../gateway/errors.js';

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

t.test('one mapping from anything thrown to the catalogue, for both transports', async (t) => {
  const own = new VouchError('CONSENT_REQUIRED');
  t.equal(toVouchError(own), own, 'a catalogue error passes as it is');
  t.equal(toVouchError(Object.assign(new Error('disk'), { code: 'SQLITE_FULL' })).code, 'STORAGE_UNAVAILABLE');
  t.equal(toVouchError(new Error('x', { cause: Object.assign(new Error('io'), { code: 'ENOSPC' }) })).code, 'STORAGE_UNAVAILABLE', 'the cause is looked at too');
  t.equal(toVouchError(new SyntaxError('Unexpected token')).code, 'VALIDATION_FAILED');
  t.equal(toVouchError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' }).code, 'PAYLOAD_TOO_LARGE');
  const invalid = toVouchError({ validation: [{ keyword: 'pattern', instancePath: '/provider', message: 'must match pattern "^[HP]"' }], validationContext: 'body' });
  t.same([invalid.code, invalid.detail], ['VALIDATION_FAILED', 'Field body/provider: is not in the expected format.'], 'a pattern is named as a format, never quoted');
  const internal = toVouchError(new Error('secret internals 110101199003077777'));
  t.equal(internal.code, 'INTERNAL');
  t.notMatch(internal.message, /secret|110101/);
});
