import type { Async } from '../async.js';
import type { AccumulatorDeltaRow } from '../policies.js';
import type { SettlementLineRow, SettlementRepository, SettlementRow } from '../settlements.js';
import { rowPlaceholders, type Sql } from './sql.js';

/**
 * The unique key a concurrent duplicate settlement (same hospital, same request_id, another process)
 * hits: the storage retries such a unit whole, and the retry finds the winner's row (storage.ts).
 */
export const SETTLEMENT_REQUEST_KEY = 'settlements_hospital_request_id_key';

export class PostgresSettlementRepository implements Async<SettlementRepository> {
  constructor(private readonly sql: Sql) {}

  async insert(s: SettlementRow, deltas: readonly AccumulatorDeltaRow[], lines: readonly SettlementLineRow[]): Promise<void> {
    await this.sql.query(
      `INSERT INTO settlements (settlement_id, hospital, request_id, request_digest, record_id, record_version, subject, mdtrt_id,
         status, kek_id, wrapped_dek, sealed_answer, created_at, reversed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        s.settlement_id, s.hospital, s.request_id, s.request_digest, s.record_id, s.record_version, s.subject, s.mdtrt_id,
        s.status, s.kek_id, s.wrapped_dek, s.sealed_answer, s.created_at, s.reversed_at,
      ],
    );
    if (deltas.length > 0) {
      await this.sql.query(
        `INSERT INTO settlement_deltas (settlement_id, insurer, policy_no, period_no, acc_key, delta_fen) VALUES ${rowPlaceholders(deltas.length, 6)}`,
        deltas.flatMap((d) => [s.settlement_id, d.insurer, d.policy_no, d.period_no, d.acc_key, d.delta_fen]),
      );
    }
    if (lines.length > 0) {
      await this.sql.query(
        `INSERT INTO settlement_lines (settlement_id, line_no, insurer, policy_no, period_no, product, payable_fen, owed_fen)
         VALUES ${rowPlaceholders(lines.length, 8)}`,
        lines.flatMap((l) => [s.settlement_id, l.line_no, l.insurer, l.policy_no, l.period_no, l.product, l.payable_fen, l.owed_fen]),
      );
    }
  }
  async lines(id: string): Promise<SettlementLineRow[]> {
    const r = await this.sql.query<SettlementLineRow>(
      'SELECT line_no, insurer, policy_no, period_no, product, payable_fen, owed_fen FROM settlement_lines WHERE settlement_id = $1 ORDER BY line_no',
      [id],
    );
    return r.rows;
  }
  async byRequest(hospital: string, requestId: string): Promise<SettlementRow | undefined> {
    return (await this.sql.query<SettlementRow>('SELECT * FROM settlements WHERE hospital = $1 AND request_id = $2', [hospital, requestId])).rows[0];
  }
  async get(id: string): Promise<SettlementRow | undefined> {
    return (await this.sql.query<SettlementRow>('SELECT * FROM settlements WHERE settlement_id = $1', [id])).rows[0];
  }
  async activeForVisit(hospital: string, mdtrtId: string, subject: string): Promise<SettlementRow | undefined> {
    const r = await this.sql.query<SettlementRow>(
      "SELECT * FROM settlements WHERE hospital = $1 AND mdtrt_id = $2 AND subject = $3 AND status = 'settled'",
      [hospital, mdtrtId, subject],
    );
    return r.rows[0];
  }
  async deltas(id: string): Promise<AccumulatorDeltaRow[]> {
    // ORDER BY ctid: the order they were written (SQLite's rowid order); the table has no key of its own.
    const r = await this.sql.query<AccumulatorDeltaRow>(
      'SELECT insurer, policy_no, period_no, acc_key, delta_fen FROM settlement_deltas WHERE settlement_id = $1 ORDER BY ctid',
      [id],
    );
    return r.rows;
  }
  async markReversed(id: string, at: number): Promise<void> {
    await this.sql.query("UPDATE settlements SET status = 'reversed', reversed_at = $1 WHERE settlement_id = $2", [at, id]);
  }
  async between(from: number, to: number): Promise<SettlementRow[]> {
    // A scan for now, as in SQLite: a settlement-lines table with its own index is to back the summary later.
    const r = await this.sql.query<SettlementRow>(
      `SELECT * FROM settlements WHERE (created_at >= $1 AND created_at < $2) OR (reversed_at >= $1 AND reversed_at < $2)
       ORDER BY created_at, settlement_id COLLATE "C"`,
      [from, to],
    );
    return r.rows;
  }
}
