/**
 * What products need from a record, derived once at push time (DESIGN.md "Buckets insurers' products
 * are written against") and sealed beside the record, so the query path never parses the full record.
 */
import type { SettlementRecord } from './record.js';

/** The kinds of visit product terms are written against. */
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
  /**
   * This line's share of the record's in-list co-pay (the COP atom), in proportion to its
   * `inscp_scp_amt` over the record's in-list lines, rounded half up to the fen; exact for one line.
   * Absent in facts sealed before it existed (read as 0).
   */
  cop?: number;
}

export interface RecordFacts {
  visit_type: VisitType;
  med_type: string;
  /**
   * yyyy-MM-dd the visit is dated by: the admission (`begndate`) when the record carries it, else the
   * settlement — a stay that began inside a policy period is covered to discharge.
   */
  visit_date: string;
  /** Region (admdvs, 6 digits) of the basic insurance the visit was settled through, if known. */
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
 * Whose basic insurance the visit was settled through: the insured place (`insuplc_admdvs`, 参保地)
 * when present, then the clearing agency (`clr_optins`, 清算经办机构); unknown counts as not local
 * (a 新市民 insured elsewhere and treated in Shanghai is not settled through Shanghai basic insurance,
 * whatever agency cleared the cross-region settlement).
 */
export function settledRegion(r: SettlementRecord): string | null {
  const s = r.setlinfo;
  for (const v of [s.insuplc_admdvs, s.clr_optins]) if (v && /^\d{6}$/.test(v)) return v;
  return null;
}

const nonNeg = (n: number): number => (n > 0 ? n : 0);

/** round(total × part / whole) half up (half away from zero for negative parts), exactly, in BigInt. */
function proportionHalfUp(total: number, part: number, whole: number): number {
  const neg = part < 0;
  const num = BigInt(total) * BigInt(Math.abs(part));
  const w = BigInt(whole);
  const q = (num * 2n + w) / (2n * w);
  return Number(neg ? -q : q);
}

/**
 * Each fee line's share of the co-pay: the record's COP shared over the in-list lines by
 * `inscp_scp_amt` (DESIGN.md 2026-12-01: a listed drug is paid on what the patient is left with for that
 * line after basic insurance). Refund lines carry negative shares that net out against their purchase.
 */
export function copayShares(lines: readonly { inscp_scp_amt: number }[], cop: number): number[] {
  const whole = lines.reduce((s, l) => s + l.inscp_scp_amt, 0);
  if (cop <= 0 || whole <= 0) return lines.map(() => 0);
  return lines.map((l) => (l.inscp_scp_amt === 0 ? 0 : proportionHalfUp(cop, l.inscp_scp_amt, whole)));
}

/** Derives the facts products evaluate. Pure. */
export function deriveFacts(r: SettlementRecord): RecordFacts {
  const a = r.setlinfo.amounts;
  const ool = nonNeg(a.fulamt_ownpay_amt + a.overlmt_selfpay);
  const inList = nonNeg(a.psn_part_amt - ool);
  const pre = Math.min(nonNeg(a.preselfpay_amt), inList);
  const ded = Math.min(nonNeg(a.act_pay_dedc), inList - pre);
  const cop = inList - pre - ded;
  const shares = copayShares(r.feedetail, cop);
  return {
    visit_type: visitTypeOf(r.setlinfo.med_type),
    med_type: r.setlinfo.med_type,
    visit_date: (r.setlinfo.begndate ?? r.setlinfo.setl_time).slice(0, 10),
    settled_region: settledRegion(r),
    medfee_fen: a.medfee_sumamt,
    personal_burden_fen: nonNeg(a.psn_part_amt),
    cash_fen: nonNeg(a.psn_cash_pay),
    // The atoms add up to the personal burden exactly, whatever rounding the platform did.
    atoms: { OOL: Math.min(ool, nonNeg(a.psn_part_amt)), PRE: pre, DED: ded, COP: cop },
    has_lines: r.feedetail.length > 0,
    lines: r.feedetail.map((l, i) => ({
      code: l.med_list_codg,
      type: l.med_chrgitm_type,
      lv: l.chrgitm_lv,
      ool: l.fulamt_ownpay_amt + l.overlmt_amt,
      pre: l.preselfpay_amt,
      cop: shares[i]!,
    })),
    diag_codes: r.diseinfo.map((d) => d.diag_code),
  };
}
