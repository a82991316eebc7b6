/** Products, policies, insurers' questions and the cashier's settlement. */

import { Type } from 'typebox';
import { Certno, Fen, Id, InstitutionCode, ReceiptRef, ReceiptSalt, Reasons } from './common.js';

export const PolicyParams = Type.Object({ policy_no: Type.String({ minLength: 1, maxLength: 64 }) });
export const PolicyBody = Type.Object(
  {
    certno: Certno,
    product: Type.String({ minLength: 1, maxLength: 64 }),
    start_date: Type.String({ maxLength: 10 }),
    end_date: Type.String({ maxLength: 10 }),
    pre_existing: Type.Optional(Type.Boolean()),
    claim_free_years: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 })),
    correction: Type.Optional(Type.Boolean({ description: 'An explicit, logged correction of the latest period after an answer used it (at most 2 per period).' })),
  },
  { additionalProperties: false },
);
const PeriodStatus = Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('upcoming')]);
const PeriodView = Type.Object({
  period_no: Type.Integer(),
  product: Type.String(),
  start_date: Type.String(),
  end_date: Type.String(),
  status: PeriodStatus,
  pre_existing: Type.Boolean(),
  claim_free_years: Type.Integer(),
  terms_frozen: Type.Boolean({ description: 'An answer used this period: its product, dates and flags are frozen.' }),
  corrections: Type.Integer(),
});
export const PolicyAnswer = Type.Object({
  policy_no: Type.String(),
  product: Type.String(),
  product_version: Type.String(),
  start_date: Type.String(),
  end_date: Type.String(),
  pre_existing: Type.Boolean(),
  claim_free_years: Type.Integer(),
  status: Type.Literal('enrolled'),
  periods: Type.Array(PeriodView),
});
export const PolicyDetailsAnswer = Type.Object({
  policy_no: Type.String(),
  product: Type.String(),
  periods: Type.Array(
    Type.Object({
      ...PeriodView.properties,
      deductible_met: Type.Boolean(),
      liabilities: Type.Array(Type.Object({ liability: Type.String(), paid_fen: Type.Integer(), cap_left_fen: Type.Integer() })),
    }),
  ),
});

const Codes = Type.Array(Type.String());
export const ProductsAnswer = Type.Object({
  products: Type.Array(
    Type.Object({
      code: Type.String(),
      insurer: Type.String({ description: 'The party code of the payer; only it may enroll policies under the product.' }),
      name: Type.String(),
      version: Type.String(),
      cob_order: Type.Integer(),
      family: Type.String(),
      term_years: Type.Integer(),
      local_region: Type.Optional(Type.String()),
      deductible_offset_by: Type.Optional(Type.Literal('commercial')),
      source: Type.Optional(Type.String()),
      shared_caps: Type.Optional(Type.Record(Type.String(), Type.Integer())),
      liabilities: Type.Array(
        Type.Object({
          code: Type.String(),
          name: Type.String(),
          bucket: Type.String(),
          visit_types: Codes,
          deductible_fen: Type.Integer(),
          deductible_tiers: Type.Optional(Type.Array(Type.Object({ min_claim_free_years: Type.Integer(), deductible_fen: Type.Integer() }))),
          shared_deductible: Type.Optional(Type.String()),
          ratio_bp: Type.Integer(),
          pre_existing_ratio_bp: Type.Integer(),
          non_local_ratio_bp: Type.Optional(Type.Integer()),
          non_local_pre_existing_ratio_bp: Type.Optional(Type.Integer()),
          requires_local_settlement: Type.Boolean(),
          cap_fen: Type.Integer(),
          shared_cap: Type.Optional(Type.String()),
          items: Type.Optional(Type.Object({ med_chrgitm_types: Type.Optional(Codes), chrgitm_lv: Type.Optional(Codes), med_list_codes: Type.Optional(Codes) })),
          facility_levels: Type.Optional(Type.Array(Type.Integer())),
          excluded_diagnoses: Type.Optional(Codes),
          covered_diagnoses: Type.Optional(Codes),
          waiting_days: Type.Optional(Type.Integer()),
        }),
      ),
    }),
  ),
});

export const VisitQueryBody = Type.Object(
  { certno: Certno, policy_no: Type.String({ minLength: 1, maxLength: 64 }), provider: InstitutionCode, mdtrt_id: Id },
  { additionalProperties: false },
);
export const EligibilityAnswer = Type.Object({
  eligible: Type.Boolean({ description: 'True when the product would pay something for this visit.' }),
  reasons: Reasons,
  receipt_salt: ReceiptSalt,
  receipt: ReceiptRef,
});
export const QuoteAnswer = Type.Object({
  payable_fen: Fen,
  liabilities: Type.Array(Type.Object({ liability: Type.String(), payable_fen: Fen })),
  deductible_applied_fen: Type.Integer({ description: 'Deductible met by this visit on liabilities that pay; 0 when nothing is payable.' }),
  reasons: Reasons,
  product: Type.String(),
  product_version: Type.String(),
  receipt_salt: ReceiptSalt,
  receipt: ReceiptRef,
});

export const ClaimBody = Type.Object(
  {
    certno: Certno,
    provider: InstitutionCode,
    mdtrt_id: Id,
    claimed: Type.Object(
      { medfee_sumamt_fen: Type.Integer({ minimum: 0, maximum: 9_999_999_999_999_999 }), psn_cash_pay_fen: Type.Optional(Type.Integer({ minimum: 0, maximum: 9_999_999_999_999_999 })) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export const ClaimAnswer = Type.Object({ match: Type.Boolean(), receipt_salt: ReceiptSalt, receipt: ReceiptRef });

export const SettleBody = Type.Object(
  { certno: Certno, mdtrt_id: Id, request_id: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);
export const SettleAnswer = Type.Object({
  settlement_id: Type.String(),
  status: Type.Literal('settled'),
  lines: Type.Array(
    Type.Object({
      insurer: Type.String(),
      policy_no: Type.String(),
      product: Type.String(),
      payable_fen: Fen,
      owed_fen: Type.Integer({ description: 'What the product owes before the cash limit; above payable_fen the rest may be claimed after the fact.' }),
      reasons: Reasons,
      liabilities: Type.Array(Type.Object({ liability: Type.String(), payable_fen: Fen, owed_fen: Fen })),
    }),
  ),
  insurers_total_fen: Fen,
  patient_cash_fen: Fen,
  // Optional only for settlements stored before receipts were salted (their digests are unsalted).
  receipt_salt: Type.Optional(ReceiptSalt),
  receipt: ReceiptRef,
});
export const SettlementParams = Type.Object({ settlement_id: Type.String({ minLength: 1, maxLength: 64 }) });
export const ReversalAnswer = Type.Object({ settlement_id: Type.String(), status: Type.Literal('reversed'), receipt_salt: ReceiptSalt, receipt: ReceiptRef });
