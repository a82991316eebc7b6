import type { AccumulatorDeltaRow } from '../policies.js';
import type { SettlementLineRow, SettlementRepository, SettlementRow } from '../settlements.js';
import type { Statements } from './statements.js';

export class SqliteSettlementRepository implements SettlementRepository {
  constructor(private readonly st: Statements) {}

  insert(s: SettlementRow, deltas: readonly AccumulatorDeltaRow[], lines: readonly SettlementLineRow[]): void {
    this.st.get(
      `INSERT INTO settlements (settlement_id, hospital, request_id, request_digest, record_id, record_version, subject, mdtrt_id,
         status, kek_id, wrapped_dek, sealed_answer, created_at, reversed_at)
       VALUES (@settlement_id, @hospital, @request_id, @request_digest, @record_id, @record_version, @subject, @mdtrt_id,
         @status, @kek_id, @wrapped_dek, @sealed_answer, @created_at, @reversed_at)`,
    ).run(s);
    const delta = this.st.get(
      `INSERT INTO settlement_deltas (settlement_id, insurer, policy_no, period_no, acc_key, delta_fen)
       VALUES (?, @insurer, @policy_no, @period_no, @acc_key, @delta_fen)`,
    );
    for (const d of deltas) delta.run(s.settlement_id, d);
    const line = this.st.get(
      `INSERT INTO settlement_lines (settlement_id, line_no, insurer, policy_no, period_no, product, payable_fen, owed_fen)
       VALUES (?, @line_no, @insurer, @policy_no, @period_no, @product, @payable_fen, @owed_fen)`,
    );
    for (const l of lines) line.run(s.settlement_id, l);
  }
  lines(id: string): SettlementLineRow[] {
    return this.st.get(
      'SELECT line_no, insurer, policy_no, period_no, product, payable_fen, owed_fen FROM settlement_lines WHERE settlement_id = ? ORDER BY line_no',
    ).all(id) as SettlementLineRow[];
  }
  byRequest(hospital: string, requestId: string): SettlementRow | undefined {
    return this.st.get('SELECT * FROM settlements WHERE hospital = ? AND request_id = ?').get(hospital, requestId) as SettlementRow | undefined;
  }
  get(id: string): SettlementRow | undefined {
    return this.st.get('SELECT * FROM settlements WHERE settlement_id = ?').get(id) as SettlementRow | undefined;
  }
  activeForVisit(hospital: string, mdtrtId: string, subject: string): SettlementRow | undefined {
    return this.st.get("SELECT * FROM settlements WHERE hospital = ? AND mdtrt_id = ? AND subject = ? AND status = 'settled'").get(
      hospital, mdtrtId, subject,
    ) as SettlementRow | undefined;
  }
  deltas(id: string): AccumulatorDeltaRow[] {
    return this.st.get('SELECT insurer, policy_no, period_no, acc_key, delta_fen FROM settlement_deltas WHERE settlement_id = ?').all(id) as AccumulatorDeltaRow[];
  }
  markReversed(id: string, at: number): void {
    this.st.get("UPDATE settlements SET status = 'reversed', reversed_at = ? WHERE settlement_id = ?").run(at, id);
  }
  between(from: number, to: number): SettlementRow[] {
    // A scan for now: a settlement-lines table with its own index is to back the summary later.
    return this.st.get('SELECT * FROM settlements WHERE (created_at >= ? AND created_at < ?) OR (reversed_at >= ? AND reversed_at < ?) ORDER BY created_at, settlement_id')
      .all(from, to, from, to) as SettlementRow[];
  }
}
