import t from 'tap';
import { eventMessage, eventQuery } from '../../../gateway/grpc/handlers/audit.js';
import { consentMessage, grantInput } from '../../../gateway/grpc/handlers/consent.js';
import { productMessage } from '../../../gateway/grpc/handlers/policy.js';
import { claimInput } from '../../../gateway/grpc/handlers/query.js';
import { recordBody } from '../../../gateway/grpc/handlers/record.js';
import type { ConsentView } from '../../../gateway/services/consents/consents.js';
import type { ProductView } from '../../../gateway/services/answers/products.js';

t.test('GrantConsentRequest: unset proto3 fields are absent, not empty', async (t) => {
  const unset = { certno: '', grantee: 'INS1', purposes: ['eligibility'], providers: [], valid_until: '2027-01-01', valid_from: '', max_queries_per_day: 0, evidence: '' };
  t.same(grantInput(unset), { certno: undefined, grantee: 'INS1', purposes: ['eligibility'], providers: undefined, valid_until: '2027-01-01', valid_from: undefined, max_queries_per_day: undefined, evidence: undefined });
  const set = { ...unset, certno: 'C', providers: ['H31010100001'], valid_from: '2026-01-01', max_queries_per_day: 5, evidence: 'E' };
  t.match(grantInput(set), { certno: 'C', providers: ['H31010100001'], valid_from: '2026-01-01', max_queries_per_day: 5, evidence: 'E' });
});

t.test('Consent: every provider is all_providers, no daily budget is 0', async (t) => {
  const c: ConsentView = {
    consent_id: 'cns_1', version: 1, status: 'active', grantee: 'INS1', purposes: ['eligibility'], providers: null,
    valid_from: 'a', valid_until: 'b', max_queries_per_day: null, recorded_by_role: 'patient',
  };
  t.match(consentMessage(c), { providers: [], all_providers: true, max_queries_per_day: 0 });
  t.match(consentMessage({ ...c, providers: ['H31010100001'], max_queries_per_day: 3 }), { providers: ['H31010100001'], all_providers: false, max_queries_per_day: 3 });
});

t.test('ClaimQuery: an amount not set is absent (refused later, never compared as 0)', async (t) => {
  const base = { certno: 'C', provider: 'H31010100001', mdtrt_id: 'M1' };
  t.same(claimInput({ ...base, claimed: null }).claimed, undefined);
  t.same(claimInput({ ...base, claimed: { medfee_sumamt_fen: 0, psn_cash_pay_fen: 0 } }).claimed, {}, 'no oneof marker: not set');
  t.same(claimInput({ ...base, claimed: { medfee_sumamt_fen: 100, _medfee_sumamt_fen: 'medfee_sumamt_fen' } }).claimed, { medfee_sumamt_fen: 100 });
});

t.test('record_json that is not JSON is VALIDATION_FAILED naming the field', async (t) => {
  t.same(recordBody({ record_json: '{"a":1}' }), { a: 1 });
  t.throws(() => recordBody({ record_json: '{' }), { name: 'VouchError', code: 'VALIDATION_FAILED', message: /record_json/ });
});

t.test('Event: what is absent is the empty string; ListEventsRequest: a limit of 0 is the default', async (t) => {
  const e = { leaf_index: 7, time: 't', actor: 'a', actor_role: 'insurer', action: 'query.quote', purpose: null, subject: null, outcome: 'allowed' };
  t.same(eventMessage(e), { ...e, purpose: '', subject: '', reason: '' });
  t.same(eventMessage({ ...e, purpose: 'settlement', subject: undefined, reason: 'X' }), { ...e, purpose: 'settlement', subject: '', reason: 'X' });
  t.equal(eventQuery({ from: '', to: '', actor: '', certno: '', action: '', outcome: '', limit: 0, cursor: '' }).limit, undefined);
});

t.test('Product: the one product view with each liability’s item lists side by side', async (t) => {
  const v: ProductView = {
    code: 'P', insurer: 'INS1', name: 'n', version: '1', cob_order: 1, family: 'f', term_years: 1,
    liabilities: [
      {
        code: 'L', name: 'l', bucket: 'personal_burden', visit_types: ['inpatient'], deductible_fen: 0, ratio_bp: 10000, pre_existing_ratio_bp: 0,
        requires_local_settlement: false, cap_fen: 100, items: { med_list_codes: ['X1'] },
      },
    ],
  };
  const m = productMessage(v);
  t.notOk('items' in m.liabilities![0]!, 'no nested items');
  t.same([m.liabilities![0]!.med_chrgitm_types, m.liabilities![0]!.chrgitm_lv, m.liabilities![0]!.med_list_codes], [[], [], ['X1']]);
  t.equal(m.code, 'P');
});
