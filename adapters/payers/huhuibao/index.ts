import type { PayerAdapter } from '../types.js';

/**
 * 沪惠保 2025 (Shanghai city-customised commercial medical insurance, 129 元/年, pre-existing conditions
 * insured). Terms from the 2025 product manual; amounts in fen, ratios in basis points.
 * The listed-item code lists below are sample entries in the national code format: the payer's feed
 * supplies the full 特药 / 质子重离子 / 海外特药 / CAR-T lists (docs/products.md).
 */
const SPECIAL_DRUGS = ['XL01XCS001B002010100001', 'XL01EXS002A001010100002', 'XL04ACS003B002010100003'];
const PROTON_HEAVY_ION = ['250401001000001', '250401002000001'];
const OVERSEAS_DRUGS = ['XL01XXO001B001010100001', 'XA16AXO002A001010100002'];
const CAR_T = ['XL01XXA001B001010100001', 'XL01XXR002B001010100002'];

const ALL_VISITS = ['outpatient', 'chronic_outpatient', 'inpatient', 'pharmacy'] as const;

/** 特定住院自费: drugs, surgical materials, examinations/tests and treatment (med_chrgitm_type). */
const INPATIENT_SELFPAY_ITEMS = ['03', '04', '05', '08', '09', '10', '11'];

function huhuibao(edition: 'standard' | 'xinshimin') {
  const xin = edition === 'xinshimin';
  return {
    code: xin ? 'huhuibao-2025-xinshimin' : 'huhuibao-2025',
    version: '2025.1.0',
    name: xin ? '沪惠保 2025 新市民版' : '沪惠保 2025 普通版',
    insurer: 'huhuibao',
    // Both editions are one cover: a person holds one 沪惠保 policy a year, standard or 新市民.
    family: 'huhuibao',
    cob_order: 10,
    local_region: '31',
    source: '沪惠保 2025 产品手册',
    liabilities: [
      {
        code: 'domestic_special_drugs', name: '国内特定高额药品', visit_types: [...ALL_VISITS], base: 'listed_items',
        items: { med_list_codes: SPECIAL_DRUGS }, ratio_bp: { normal: 7000, pre_existing: 3000 },
        requires_local_settlement: false, cap_fen: 100_000_000,
      },
      {
        code: 'proton_heavy_ion', name: '质子重离子医疗费用', visit_types: ['outpatient', 'inpatient'], base: 'listed_items',
        items: { med_list_codes: PROTON_HEAVY_ION }, ratio_bp: { normal: 7000, pre_existing: 3000 },
        requires_local_settlement: false, cap_fen: 30_000_000,
      },
      {
        code: 'overseas_special_drugs', name: '海外特殊药品', visit_types: [...ALL_VISITS], base: 'listed_items',
        items: { med_list_codes: OVERSEAS_DRUGS }, ratio_bp: { normal: 7000, pre_existing: 3000 },
        requires_local_settlement: false, cap_fen: 30_000_000,
      },
      {
        code: 'car_t', name: 'CAR-T 治疗药品', visit_types: [...ALL_VISITS], base: 'listed_items',
        items: { med_list_codes: CAR_T }, ratio_bp: { normal: 10_000, pre_existing: 10_000 },
        requires_local_settlement: false, cap_fen: 50_000_000,
      },
      {
        code: 'inpatient_selfpay', name: '特定住院自费医疗费用', visit_types: ['inpatient'], base: 'out_of_list_selfpay',
        items: { med_chrgitm_types: INPATIENT_SELFPAY_ITEMS },
        deductible: {
          amount_fen: 1_200_000,
          claim_free_tiers: [
            { min_claim_free_years: 2, amount_fen: 1_100_000 },
            { min_claim_free_years: 3, amount_fen: 1_000_000 },
          ],
        },
        ratio_bp: { normal: 7000, pre_existing: 5000 },
        requires_local_settlement: true,
        ...(xin ? { non_local_ratio_bp: { normal: 2000, pre_existing: 1000 } } : {}),
        cap_fen: 100_000_000,
      },
    ],
  };
}

export const huhuibaoAdapter: PayerAdapter = {
  id: 'huhuibao',
  name: '沪惠保',
  products: [huhuibao('standard'), huhuibao('xinshimin')],
};
