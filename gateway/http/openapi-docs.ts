import type { FastifySchema } from 'fastify';
import { ERROR_CATALOGUE } from '../errors.js';
import { REASON_CODES, REASON_MEANINGS } from '../domain/reasons.js';
import { RecordDocument } from './record-document.js';

/**
 * The prose and examples of the OpenAPI document: the conventions every operation follows, the tags,
 * and worked examples of the main flows (consent, push, quote, settlement, audit search), attached by
 * operationId when the document is generated so they never touch request validation.
 */

export const API_DESCRIPTION = [
  'Answer-only medical-insurance data gateway: 原始数据不出域、数据可用不可见 — records stay inside, insurers get answers and signed receipts, every access is a leaf in an RFC 6962 transparency log.',
  '',
  '**Money** is integer fen in every field ending `_fen`; national-platform records come in yuan and are converted exactly at the edge.',
  '',
  '**Errors** answer `{"error": {"code", "message", "request_id"}}` with a catalogue code. Each operation lists the codes it can answer in `x-error-codes`, and each error response lists the codes of its status with their meaning. Messages never carry a value from the request. `500 INTERNAL` is a defect and is not listed. To an insurer, no consent, a consent that does not cover the purpose or provider, no such policy and no such visit all answer the same `404 NOT_AVAILABLE`.',
  '',
  '**Exception: `POST /v1/token`** answers a form-encoded request (as OAuth clients send it) in RFC 6749 §5.2 form: `{"error": "invalid_request" | "invalid_client" | "unsupported_grant_type", "error_description", "code", "request_id"}`, with the catalogue code in `code`. A JSON request gets the catalogue body.',
  '',
  '**Reason codes** (eligibility answers): ' + REASON_CODES.map((r) => `\`${r}\` — ${REASON_MEANINGS[r]}`).join(' '),
  '',
  `**Catalogue**: ${Object.keys(ERROR_CATALOGUE).map((c) => `\`${c}\``).join(', ')}.`,
].join('\n');

export const TAGS = [
  { name: 'consents', description: 'Patients (and hospitals at the counter) grant and revoke consents; insurers see those granted to them, without identity.' },
  { name: 'records', description: 'Hospitals push treatment-and-settlement records in the national platform’s shapes.' },
  { name: 'policies', description: 'Insurers enroll policies under their products.' },
  { name: 'products', description: 'The products loaded from the payer adapters.' },
  { name: 'queries', description: 'Insurers’ questions: eligibility, a settlement quote, claim verification — answers and receipts only.' },
  { name: 'settlements', description: 'One-stop settlement at the cashier (一站式结算) and its reversal.' },
  { name: 'audit', description: 'The transparency access log: search, signed tree heads, leaves and proofs, signing keys.' },
  { name: 'patients', description: 'What patients see of the use of their data.' },
  { name: 'admin', description: 'Parties and keys (operators).' },
  { name: 'statistics', description: 'The pricing statistics lab (大数据实验室): counts and sums under zero-concentrated differential privacy, budgets set by the bureau, every release in the log (docs/statistics.md).' },
  { name: 'auth', description: 'Bearer tokens for parties (RFC 6749 client credentials with RFC 7523 assertions).' },
];

const CERTNO = '110101199003074477';
const HOSPITAL = 'H31010500001';
/** The salt of an example receipt's digests: kept with the answer, never passed on with a bare receipt. */
const SALT = '2b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfe';
const RECEIPT = {
  receipt_id: 'rcpt_4c1f9e2a7b3d4e5f8a6b0c9d1e2f3a4b',
  leaf_index: 1041,
  leaf_hash: 'c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3',
  issued_at: '2025-03-15T02:31:07.412Z',
  result_digest: '5d41402abc4b2a76b9719d911017c592ae1c3f2a8e4c0c7d5b1f3e9a6d2c4b8f',
  question_digest: '7e1a9c3f5b2d4e6a8c0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c',
  consent_id: 'cns_5f0c2a9e4b7d1a3c8e6f0b2d',
  consent_version: 1,
  record_digest: '9a0364b9e99bb480dd25e1f0284c8555d3f7a2c4b6e8d0f1a3c5e7b9d1f3a5c7',
  product_version: 'huhuibao-2025@2025.1.0',
  alg: 'Ed25519',
  key_id: '3f9a1c7e5b2d4f60',
  signature: 'oR4m1s6fVq0y9Wl2J8cX5tK3pN7bH1dZ4gQ6uE2aS0vY8rT5wI3kL9nM1jF7hC6xB4zD2eG0sA8qP5oU3iR1yA==',
};
const record = {
  certno: CERTNO,
  setlinfo: {
    mdtrt_id: 'MDT20250315001', setl_id: 'SETL20250315001', psn_no: '31000012345678', insutype: '310', med_type: '21',
    setl_time: '2025-03-15 10:20:30', fixmedins_code: HOSPITAL, clr_optins: '310100', insuplc_admdvs: '310100', mdtrtarea_admvs: '310100',
    medfee_sumamt: '53000.00', fulamt_ownpay_amt: '23000.00', inscp_scp_amt: '30000.00', act_pay_dedc: '1500.00', hifp_pay: '21000.00',
    fund_pay_sumamt: '21000.00', psn_part_amt: '32000.00', acct_pay: '0.00', psn_cash_pay: '32000.00',
  },
  setldetail: [{ fund_pay_type: '310100', fund_payamt: '21000.00' }],
  feedetail: [{ feedetl_sn: '1', med_list_codg: 'XA02BCA211A012010100154', det_item_fee_sumamt: '23000.00', cnt: 1, pric: '23000.00', chrgitm_lv: '03', med_chrgitm_type: '09', fulamt_ownpay_amt: '23000.00' }],
  diseinfo: [{ diag_type: '1', diag_code: 'C34.900', diag_name: '肺恶性肿瘤', maindiag_flag: '1' }],
};

interface Examples {
  request?: Record<string, { summary: string; value: unknown }>;
  response?: Record<number, Record<string, { summary: string; value: unknown }>>;
  query?: Record<string, string>;
}

/** Worked examples of the main flows, by operationId. */
export const EXAMPLES: Record<string, Examples> = {
  grantConsent: {
    request: {
      patient: { summary: 'A patient (bearer token from the identity provider) consents for one insurer', value: { grantee: 'huhuibao', purposes: ['eligibility', 'settlement'], providers: [HOSPITAL], valid_until: '2030-12-31' } },
      counter: { summary: 'A hospital records a consent given at its counter', value: { certno: CERTNO, grantee: 'huhuibao', purposes: ['settlement'], providers: [HOSPITAL], valid_until: '2030-12-31', evidence: 'signed form #2025-0315-0042, scanned' } },
    },
    response: { 201: { granted: { summary: 'The consent as recorded', value: { consent_id: 'cns_5f0c2a9e4b7d1a3c8e6f0b2d', version: 1, status: 'active', grantee: 'huhuibao', purposes: ['eligibility', 'settlement'], providers: [HOSPITAL], valid_from: '2025-03-15T02:00:00.000Z', valid_until: '2030-12-31T15:59:59.999Z', max_queries_per_day: null, recorded_by_role: 'patient' } } } },
  },
  pushRecord: {
    request: {
      bare: { summary: 'An inpatient settlement (2304 output) as the record itself', value: record },
      envelope: { summary: 'The same record inside the platform’s request envelope', value: { infno: '2304', msgid: `${HOSPITAL}202503151020300001`, fixmedins_code: HOSPITAL, insuplc_admdvs: '310100', mdtrtarea_admvs: '310100', inf_time: '2025-03-15 10:20:30', input: record } },
    },
    response: { 201: { stored: { summary: 'Stored (or the same content pushed again)', value: { record_id: 'rec_0195942a1b2c7d3e9f0a1b2c', version: 1 } } } },
  },
  quote: {
    request: { visit: { summary: 'What does policy HHB-2025-000123 owe for this visit?', value: { certno: CERTNO, policy_no: 'HHB-2025-000123', provider: HOSPITAL, mdtrt_id: 'MDT20250315001' } } },
    response: {
      200: {
        quote: {
          summary: 'A covered drug line of 23,000.00: (23,000 − 12,000 deductible) × 70 % = 7,700.00',
          value: {
            payable_fen: 770000, liabilities: [{ liability: 'domestic_special_drugs', payable_fen: 0 }, { liability: 'inpatient_selfpay', payable_fen: 770000 }],
            deductible_applied_fen: 1200000, reasons: [], product: 'huhuibao-2025', product_version: '2025.1.0', receipt_salt: SALT, receipt: RECEIPT,
          },
        },
      },
    },
  },
  settle: {
    request: { cashier: { summary: 'The cashier settles the commercial share of every product the patient holds', value: { certno: CERTNO, mdtrt_id: 'MDT20250315001', request_id: 'HIS-20250315-000042' } } },
    response: {
      201: {
        settled: {
          summary: 'Two payers in coordination-of-benefits order: 沪惠保 6,300.00; 百万医疗 on the 25,700 left, its deductible met first by those 6,300 (3,700 left): 22,000.00',
          value: {
            settlement_id: 'stl_6a1e3c5b7d9f0a2c4e6b8d0f', status: 'settled',
            lines: [
              { insurer: 'huhuibao', policy_no: 'HHB-2025-000123', product: 'huhuibao-2025', payable_fen: 630000, owed_fen: 630000, reasons: [], liabilities: [{ liability: 'inpatient_selfpay', payable_fen: 630000, owed_fen: 630000 }] },
              { insurer: 'baiwan', policy_no: 'BW-88001', product: 'baiwan-medical', payable_fen: 2200000, owed_fen: 2200000, reasons: [], liabilities: [{ liability: 'medical_expense', payable_fen: 2200000, owed_fen: 2200000 }] },
            ],
            insurers_total_fen: 2830000, patient_cash_fen: 370000, receipt_salt: SALT, receipt: RECEIPT,
          },
        },
      },
    },
  },
  statsQuery: {
    request: {
      count: {
        summary: 'Inpatient visits in Shanghai in 2025 by sex, at ρ = 0.05 (one visit per person)',
        value: { metric: 'count', group_by: ['gender'], filters: { visit_type: 'inpatient', region: '31', year: '2025' }, rho: 0.05 },
      },
    },
    response: {
      200: {
        released: {
          summary: 'Δ = 1 visit; σ² = Δ²/(2ρ) = 1/0.1 = 10, so σ ≈ 3.16 visits per cell',
          value: {
            release_id: 'rel_0195942a1b2c7d3e9f0a', cells: [{ key: { gender: 'F' }, value: 18342, stddev: 3.1622776601683795 }, { key: { gender: 'M' }, value: 17011, stddev: 3.1622776601683795 }],
            rho_spent: 0.05, rho_left: 0.45, leaf_index: 20417, metric: 'count', contributions: 1, sensitivity: 1, stddev: 3.1622776601683795, period_end: '2025-12-31',
          },
        },
      },
    },
  },
  statsPreview: {
    request: {
      sum: {
        summary: 'Out-of-list self-pay by age band, clamped at 20,000.00 per visit, at ρ = 0.1: how noisy?',
        value: { metric: 'sum', value: 'out_of_list_fen', group_by: ['age_band'], clamp_fen: 2000000, rho: 0.1 },
      },
    },
    response: {
      200: {
        preview: {
          summary: 'Δ = 2,000,000 fen; σ = Δ/√(2ρ) ≈ 4,472,136 fen (44,721.36 yuan) per cell — free, nothing spent',
          value: { cells: 8, stddev: 4472135.954999579, ci95_halfwidth: 8765386.471799176, sensitivity: 2000000, rho: 0.1, rho_left: 0.45, affordable: true, metric: 'sum', value: 'out_of_list_fen', clamp_fen: 2000000, contributions: 1 },
        },
      },
    },
  },
  listEvents: {
    query: { certno: CERTNO, from: '2025-03-01T00:00:00+08:00', outcome: 'denied', limit: '50' },
    response: {
      200: {
        events: {
          summary: 'The denied accesses to one person’s data this month (subject is the blind index)',
          value: {
            events: [{ leaf_index: 1038, time: '2025-03-15T02:30:55.120Z', actor: 'baiwan', actor_role: 'insurer', action: 'query.eligibility', purpose: 'eligibility', subject: 'b7f3c1e9a5d2f8b4c6e0a1d3f5b7c9e1a3d5f7b9c1e3a5d7f9b1c3e5a7d9f1b3', outcome: 'denied', reason: 'NO_CONSENT' }],
            next_cursor: null,
          },
        },
      },
    },
  },
};

/** Request bodies documented apart from the schema that validates them. */
export const DOCUMENTED_BODIES: Record<string, unknown> = { pushRecord: RecordDocument };

type Schema = Record<string, unknown>;

/**
 * @fastify/swagger's transform: the documented body where validation is done elsewhere, and the
 * examples, on copies of the route's schema (what validates requests is never touched).
 */
export function documentSchema({ schema, url }: { schema: FastifySchema | undefined; url: string }): { schema: FastifySchema; url: string } {
  const s: Schema = { ...((schema ?? {}) as Schema) };
  const id = typeof s.operationId === 'string' ? s.operationId : '';
  if (DOCUMENTED_BODIES[id]) s.body = DOCUMENTED_BODIES[id];
  const ex = EXAMPLES[id];
  if (ex?.request && s.body) s.body = { ...(s.body as Schema), 'x-examples': ex.request };
  if (ex?.response && s.response) {
    const response = { ...(s.response as Schema) };
    for (const [status, examples] of Object.entries(ex.response)) {
      if (response[status]) response[status] = { ...(response[status] as Schema), 'x-examples': examples };
    }
    s.response = response;
  }
  if (ex?.query && s.querystring) {
    const q = s.querystring as { properties?: Record<string, Schema> };
    const properties = { ...(q.properties ?? {}) };
    for (const [name, value] of Object.entries(ex.query)) if (properties[name]) properties[name] = { ...properties[name], examples: [value] };
    s.querystring = { ...q, properties };
  }
  return { schema: s as FastifySchema, url };
}
