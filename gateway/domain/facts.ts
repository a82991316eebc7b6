import type { SettlementRecord } from './record.js';

/**
 * What products need from a record, derived once at push time (DESIGN.md "Buckets insurers' products
 * are written against") and sealed beside the record, so the query path never parses the full record.
 */
export type VisitType = 'outpatient' | 'chronic_outpatient' | 'inpatient' | 'pharmacy';

/**
 * The atoms the personal burden (psn_part_amt) splits into; every bucket is a union of atoms, so a
 * later payer in coordination of benefits sees exactly what earlier payers left.
 * - OOL 目录外自费 = fulamt_ownpay_amt + overlmt_selfpay
 * - PRE 先行自付 = preselfpay_amt
 * - DED 实际支付起付线 = act_pay_dedc
 * - COP co-pay share of the in-list part = 目录内个人自付 − PRE − DED
 */
export type Atom = 'OOL' | 'PRE' | 'DED' | 'COP';

export interface FactLine {
  code: string;
  type: string;
  lv: string;
  /** Out-of-list self-pay on this line: fulamt_ownpay_amt + overlmt_amt (fen). */
  ool: number;
  /** 先行自付 on this line (fen). */
  pre: number;
}

export interface RecordFacts {
  visit_type: VisitType;
  med_type: string;
  /** yyyy-MM-dd of settlement. */
  visit_date: string;
  /** Region (admdvs, 6 digits) whose basic insurance cleared the settlement, if known. */
  settled_region: string | null;
  medfee_fen: number;
  personal_burden_fen: number;
  cash_fen: number;
  atoms: Record<Atom, number>;
  has_lines: boolean;
  lines: FactLine[];
  diag_codes: string[];
}

/** 医疗类别 med_type → the visit types product terms are written against. */
export function visitTypeOf(medType: string): VisitType {
  if (medType === '14') return 'chronic_outpatient'; // 门诊慢特病 (门特)
  if (medType === '41') return 'pharmacy'; // 定点药店购药
  if (medType.startsWith('2') || medType === '52') return 'inpatient'; // 住院, 生育住院
  return 'outpatient';
}

/**
 * Where the settlement was cleared: `clr_optins` (清算经办机构), else the insured place
 * (`insuplc_admdvs`), else the region inside the institution code (H/P + 6-digit admdvs + serial).
 */
export function settledRegion(r: SettlementRecord): string | null {
  const s = r.setlinfo;
  for (const v of [s.clr_optins, s.insuplc_admdvs]) if (v && /^\d{6}/.test(v)) return v.slice(0, 6);
  if (s.fixmedins_code && /^[HP]\d{11}$/.test(s.fixmedins_code)) return s.fixmedins_code.slice(1, 7);
  return null;
}

const nonNeg = (n: number): number => (n > 0 ? n : 0);

/** Derives the facts products evaluate. Pure. */
export function deriveFacts(r: SettlementRecord, hospitalCode: string): RecordFacts {
  const a = r.setlinfo.amounts;
  const ool = nonNeg(a.fulamt_ownpay_amt + a.overlmt_selfpay);
  const inList = nonNeg(a.psn_part_amt - ool);
  const pre = Math.min(nonNeg(a.preselfpay_amt), inList);
  const ded = Math.min(nonNeg(a.act_pay_dedc), inList - pre);
  const cop = inList - pre - ded;
  const withCode = { ...r, setlinfo: { ...r.setlinfo, fixmedins_code: r.setlinfo.fixmedins_code ?? hospitalCode } };
  return {
    visit_type: visitTypeOf(r.setlinfo.med_type),
    med_type: r.setlinfo.med_type,
    visit_date: r.setlinfo.setl_time.slice(0, 10),
    settled_region: settledRegion(withCode),
    medfee_fen: a.medfee_sumamt,
    personal_burden_fen: nonNeg(a.psn_part_amt),
    cash_fen: nonNeg(a.psn_cash_pay),
    // The atoms add up to the personal burden exactly, whatever rounding the platform did.
    atoms: { OOL: Math.min(ool, nonNeg(a.psn_part_amt)), PRE: pre, DED: ded, COP: cop },
    has_lines: r.feedetail.length > 0,
    lines: r.feedetail.map((l) => ({
      code: l.med_list_codg,
      type: l.med_chrgitm_type,
      lv: l.chrgitm_lv,
      ool: l.fulamt_ownpay_amt + l.overlmt_amt,
      pre: l.preselfpay_amt,
    })),
    diag_codes: r.diseinfo.map((d) => d.diag_code),
  };
}
