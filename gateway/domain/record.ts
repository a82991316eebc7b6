/**
 * The treatment-and-settlement record as Vouch keeps it: the national platform's fields
 * (国家医疗保障信息平台 定点医药机构接口规范, transactions 2207/2304/5203 output) with amounts in
 * integer fen. Built by adapters/nhsa from the wire shapes; sealed in the vault.
 */

/** The amount fields of `setlinfo`: decimal yuan on the wire, integer fen here. */
export const SETL_AMOUNT_FIELDS = [
  'medfee_sumamt', 'fulamt_ownpay_amt', 'overlmt_selfpay', 'preselfpay_amt', 'inscp_scp_amt', 'act_pay_dedc',
  'hifp_pay', 'cvlserv_pay', 'hifes_pay', 'hifmi_pay', 'hifob_pay', 'maf_pay', 'hosp_part_amt', 'oth_pay',
  'fund_pay_sumamt', 'psn_part_amt', 'acct_pay', 'psn_cash_pay', 'acct_mulaid_pay', 'balc',
] as const;
export type SetlAmountField = (typeof SETL_AMOUNT_FIELDS)[number];

export interface SetlInfo {
  mdtrt_id: string;
  setl_id: string;
  psn_no: string | null;
  insutype: string | null;
  med_type: string;
  /** yyyy-MM-dd HH:mm:ss as sent. */
  setl_time: string;
  /** 开始日期: admission (住院) or visit start, yyyy-MM-dd HH:mm:ss, when the platform sends it. */
  begndate: string | null;
  /** 结束日期: discharge or visit end, when sent. */
  enddate: string | null;
  fixmedins_code: string | null;
  clr_optins: string | null;
  insuplc_admdvs: string | null;
  mdtrtarea_admvs: string | null;
  pool_prop_selfpay: string | null;
  psn_name: string | null;
  amounts: Record<SetlAmountField, number>;
}

export interface SetlDetail {
  fund_pay_type: string;
  fund_payamt: number;
}

export interface FeeDetail {
  feedetl_sn: string;
  med_list_codg: string;
  det_item_fee_sumamt: number;
  /** Decimal text as sent; negative on refund lines. */
  cnt: string;
  pric: number | null;
  chrgitm_lv: string;
  med_chrgitm_type: string;
  fulamt_ownpay_amt: number;
  overlmt_amt: number;
  preselfpay_amt: number;
  inscp_scp_amt: number;
}

export interface DiseInfo {
  diag_type: string;
  diag_code: string;
  diag_name: string | null;
  maindiag_flag: string;
}

export interface SettlementRecord {
  setlinfo: SetlInfo;
  setldetail: SetlDetail[];
  feedetail: FeeDetail[];
  diseinfo: DiseInfo[];
}

/** The four identities of DESIGN.md that hold in real national-platform data. */
export const IDENTITIES = [
  { id: 1, text: 'medfee_sumamt = fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt' },
  { id: 2, text: 'medfee_sumamt = fund_pay_sumamt + psn_part_amt (+ hosp_part_amt)' },
  { id: 3, text: 'psn_part_amt = acct_pay + psn_cash_pay' },
  { id: 4, text: 'fund_pay_sumamt = hifp_pay + cvlserv_pay + hifes_pay + hifmi_pay + hifob_pay + maf_pay + oth_pay' },
] as const;

/** ±0.01 yuan. */
export const IDENTITY_TOLERANCE_FEN = 1;

/** The first identity the amounts break, or undefined when all four hold within ±1 fen. */
export function firstBrokenIdentity(a: Record<SetlAmountField, number>): (typeof IDENTITIES)[number] | undefined {
  const near = (x: number, y: number): boolean => Math.abs(x - y) <= IDENTITY_TOLERANCE_FEN;
  const checks = [
    near(a.medfee_sumamt, a.fulamt_ownpay_amt + a.overlmt_selfpay + a.preselfpay_amt + a.inscp_scp_amt),
    // Some regions report the hospital's share beside fund and person (DESIGN.md identity 2).
    near(a.medfee_sumamt, a.fund_pay_sumamt + a.psn_part_amt) ||
      near(a.medfee_sumamt, a.fund_pay_sumamt + a.psn_part_amt + a.hosp_part_amt),
    near(a.psn_part_amt, a.acct_pay + a.psn_cash_pay),
    near(a.fund_pay_sumamt, a.hifp_pay + a.cvlserv_pay + a.hifes_pay + a.hifmi_pay + a.hifob_pay + a.maf_pay + a.oth_pay),
  ];
  const i = checks.indexOf(false);
  return i < 0 ? undefined : IDENTITIES[i];
}
