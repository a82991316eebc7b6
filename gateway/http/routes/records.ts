import { OPERATIONS } from '../../services/identity/operations.js';
import { isSmEnvelope } from '../../../adapters/nhsa/sm-envelope.js';
import { VouchError } from '../../errors.js';
import { op } from '../openapi.js';
import { withErrors } from '../schemas/common.js';
import { RecordAnswer, RecordBody } from '../schemas/records.js';
import type { RoutePlugin } from '../typed.js';

/** Record pushes from hospitals: bare, in the platform's envelope, or in its SM4/SM2 encrypted envelope. */
const recordRoutes: RoutePlugin = async (app, opts) => {
  app.post(
    '/v1/records',
    {
      config: { roles: OPERATIONS.pushRecord, envelope: true },
      schema: {
        ...op({
          id: 'pushRecord', summary: 'Push a treatment-and-settlement record', tags: ['records'], answer: 'The record id and version; pushing the same content again answers the same.',
          description:
            'National platform shapes and field names, amounts in yuan; bare or in the platform’s request or response envelope. Accepted only while an active consent covers this hospital ' +
            '(403 CONSENT_REQUIRED, nothing stored); 422 INVALID_RECORD names the amount identity that failed. ' +
            'Also the national service platform’s encrypted envelope {appId, encType: "SM4", signType: "SM2", timestamp, version, encData, signData} from a hospital registered ' +
            'with its SM2 public key, appId and app secret: no bearer token needed (with one, it must be the same hospital). encData = upper-case hex of SM4-ECB under the working key ' +
            'upperHex(SM4-ECB_{appId[0:16]}(appSecret))[0:16] over the record JSON; signData = base64 of the SM2 signature (SM3, user id 1234567812345678, r ‖ s) over the sorted ' +
            'k=v&… of the envelope without signData/encData/extra and empty values, with data as sorted JSON without empty values, then &key=appSecret; ' +
            'timestamp in Unix seconds or milliseconds (or yyyyMMddHHmmss, Beijing time) within 5 minutes; each signature once.',
          errors: [
            'INVALID_CERTNO', 'INVALID_AMOUNT', 'INVALID_RECORD', 'PROVIDER_MISMATCH', 'CONSENT_REQUIRED', 'ENVELOPE_INVALID', 'ENVELOPE_UNKNOWN_APP',
            'ENVELOPE_SIGNATURE_INVALID', 'ENVELOPE_STALE', 'ENVELOPE_REPLAYED', 'LOG_UNAVAILABLE',
          ],
        }),
        body: RecordBody,
        response: withErrors({ 201: RecordAnswer }),
      },
    },
    async (req, reply) => {
      let by = req.principal;
      let body: unknown = req.body;
      let guard: Parameters<typeof opts.gateway.records.push>[3];
      if (isSmEnvelope(req.body)) {
        const opened = await opts.gateway.envelopes.open(req.body);
        if (by && by.code !== opened.principal.code) throw new VouchError('PROVIDER_MISMATCH');
        ({ principal: by, data: body, guard } = opened);
      }
      if (!by) throw new VouchError('UNAUTHENTICATED');
      const r = await opts.gateway.records.push(by, body, Date.now(), guard);
      // 201 also for an identical re-push: the same record_id and version come back (idempotent create).
      return reply.code(201).send({ record_id: r.record_id, version: r.version });
    },
  );
};
export default recordRoutes;
