import type { PayerAdapter } from '../types.js';

/**
 * 穗岁康 (Guangzhou), settled at the hospital together with basic insurance. Liability (一): the
 * in-list personal burden of inpatient and 门特 visits — the part below the basic deductible plus the
 * co-pay share, 先行自付 being a separate bucket — above 16,000 yuan cumulative per policy year, paid at
 * 80 %, up to 1,000,000 yuan. Only visits settled through Guangzhou basic insurance.
 */
export const suisuikangAdapter: PayerAdapter = {
  id: 'suisuikang',
  name: '穗岁康',
  products: [
    {
      code: 'suisuikang-2022',
      version: '2022.1.0',
      name: '穗岁康商业补充健康保险 2022',
      insurer: 'suisuikang',
      cob_order: 10,
      local_region: '4401',
      source: '穗岁康 2022 保险条款 责任(一)',
      liabilities: [
        {
          code: 'in_list_burden', name: '医保目录内个人负担医疗费用', visit_types: ['inpatient', 'chronic_outpatient'],
          base: 'in_list_excluding_preselfpay', deductible: { amount_fen: 1_600_000 },
          ratio_bp: { normal: 8000, pre_existing: 8000 }, requires_local_settlement: true, cap_fen: 100_000_000,
        },
      ],
    },
  ],
};
