import { VouchError } from '../../errors.js';
import type { PushResult } from '../../services/records/records.js';
import { unary, type CallContext } from '../call.js';
import type { PushRecordRequest__Output as PushRecordRequest } from '../generated/vouch/v1/PushRecordRequest.js';
import type { PushRecordResponse } from '../generated/vouch/v1/PushRecordResponse.js';
import type { RecordServiceHandlers } from '../generated/vouch/v1/RecordService.js';

/** PushRecordRequest → the record the service checks: record_json is the national platform's JSON, as over HTTP. */
export function recordBody(r: PushRecordRequest): unknown {
  try {
    return JSON.parse(r.record_json);
  } catch {
    throw new VouchError('VALIDATION_FAILED', 'Field record_json is not valid JSON.');
  }
}

const pushedMessage = (res: PushResult): PushRecordResponse => ({ record_id: res.record_id, version: res.version });

/** RecordService (proto/vouch/v1/record.proto) over the record service. */
export function recordHandlers(ctx: CallContext) {
  const records = ctx.gateway.records;
  return {
    PushRecord: unary(ctx, 'pushRecord', async (p, r: PushRecordRequest) => pushedMessage(await records.push(p, recordBody(r)))),
  } satisfies RecordServiceHandlers;
}
