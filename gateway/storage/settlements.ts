import type { AccumulatorDeltaRow } from './policies.js';

/** Settlements at the cashier: the sealed answer, what each payer settled, and the accumulator use taken. */
export interface SettlementRow {
  settlement_id: string;
  hospital: string;
  request_id: string;
  request_digest: string;
  record_id: string;
  record_version: number;
  subject: string;
  mdtrt_id: string;
  status: 'settled' | 'reversed';
  kek_id: string;
  wrapped_dek: Buffer;
  sealed_answer: Buffer;
  created_at: number;
  reversed_at: number | null;
}

/** What one payer settled (and owed before the cash limit) in a settlement. */
export interface SettlementLineRow {
  line_no: number;
  insurer: string;
  policy_no: string;
  period_no: number;
  product: string;
  payable_fen: number;
  owed_fen: number;
}

export interface SettlementRepository {
  /** Writes a settlement with the accumulator changes it made (kept to give back on reversal) and its lines. */
  insert(s: SettlementRow, deltas: readonly AccumulatorDeltaRow[], lines: readonly SettlementLineRow[]): void;
  lines(id: string): SettlementLineRow[];
  byRequest(hospital: string, requestId: string): SettlementRow | undefined;
  get(id: string): SettlementRow | undefined;
  activeForVisit(hospital: string, mdtrtId: string, subject: string): SettlementRow | undefined;
  /** The accumulator changes a settlement made. */
  deltas(id: string): AccumulatorDeltaRow[];
  markReversed(id: string, at: number): void;
  /** Settlements created or reversed in [from, to) (ms), sealed answers included (the bureau's summary opens them). */
  between(from: number, to: number): SettlementRow[];
}
