import type { PayerAdapter } from '../types.js';

/**
 * A charity / 医疗救助-style payer that pays last: 50 % of the cash burden the other payers left, for
 * listed conditions (malignant neoplasms C00–C97, aplastic anaemia D61, CKD stage 5 N18.5), up to
 * 50,000 yuan a year.
 */
export const charityAdapter: PayerAdapter = {
  id: 'charity',
  name: '慈善医疗救助',
  products: [
    {
      code: 'charity-relief',
      version: '1.0.0',
      name: '大病慈善救助',
      insurer: 'charity',
      cob_order: 90,
      liabilities: [
        {
          code: 'relief', name: '大病救助金', visit_types: ['outpatient', 'chronic_outpatient', 'inpatient', 'pharmacy'],
          base: 'cash_burden', ratio_bp: { normal: 5000, pre_existing: 5000 }, requires_local_settlement: false,
          covered_diagnoses: ['C', 'D61', 'N18.5'], cap_fen: 5_000_000,
        },
      ],
    },
  ],
};
