import type { PayerAdapter } from '../types.js';

/**
 * A 百万医疗-style product: 10,000 yuan annual deductible over all personal burden, then 100 %, cap
 * 2,000,000. As in common 百万医疗 terms (“免赔额可由…其他商业保险…已赔付的部分抵扣”), what an earlier commercial
 * payer paid on the visit counts toward the deductible; basic insurance does not.
 */
export const baiwanAdapter: PayerAdapter = {
  id: 'baiwan',
  name: '百万医疗',
  products: [
    {
      code: 'baiwan-medical',
      version: '1.0.0',
      name: '百万医疗险',
      insurer: 'baiwan',
      cob_order: 20,
      deductible_offset_by: 'commercial',
      liabilities: [
        {
          code: 'medical_expense', name: '一般医疗保险金', visit_types: ['inpatient', 'chronic_outpatient'],
          base: 'personal_burden', deductible: { amount_fen: 1_000_000 },
          ratio_bp: { normal: 10_000, pre_existing: 10_000 }, requires_local_settlement: false, cap_fen: 200_000_000,
        },
      ],
    },
  ],
};
