import type { Async } from '../async.js';
import type { RecordKeyRow, RecordRepository, RecordRow } from '../records.js';
import type { Sql } from './sql.js';

/** Columns a look-up returns: everything but the sealed record itself (kept in record_blobs), as in SQLite. */
const VISIT_COLUMNS =
  "record_id, version, hospital, subject, mdtrt_id, setl_id, visit_date, content_digest, kek_id, wrapped_dek, ''::bytea AS sealed_record, sealed_facts, created_at";

export class PostgresRecordRepository implements Async<RecordRepository> {
  constructor(private readonly sql: Sql) {}

  async insert(r: RecordRow): Promise<void> {
    // One statement for both tables (a data-modifying CTE): one round trip, both rows or neither.
    await this.sql.query(
      `WITH b AS (INSERT INTO record_blobs (record_id, version, sealed_record) VALUES ($1, $2, $13))
       INSERT INTO records (record_id, version, hospital, subject, mdtrt_id, setl_id, visit_date, content_digest, kek_id,
         wrapped_dek, sealed_facts, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        r.record_id, r.version, r.hospital, r.subject, r.mdtrt_id, r.setl_id, r.visit_date, r.content_digest, r.kek_id,
        r.wrapped_dek, r.sealed_facts, r.created_at, r.sealed_record,
      ],
    );
  }
  async latestBySetl(hospital: string, setlId: string): Promise<RecordRow | undefined> {
    const r = await this.sql.query<RecordRow>(
      `SELECT ${VISIT_COLUMNS} FROM records WHERE hospital = $1 AND setl_id = $2 ORDER BY version DESC LIMIT 1`,
      [hospital, setlId],
    );
    return r.rows[0];
  }
  async latestByVisit(hospital: string, mdtrtId: string, subject: string): Promise<RecordRow | undefined> {
    const r = await this.sql.query<RecordRow>(
      `SELECT ${VISIT_COLUMNS} FROM records WHERE hospital = $1 AND mdtrt_id = $2 AND subject = $3 ORDER BY created_at DESC, version DESC LIMIT 1`,
      [hospital, mdtrtId, subject],
    );
    return r.rows[0];
  }
  async versions(recordId: string): Promise<RecordRow[]> {
    const r = await this.sql.query<RecordRow>(
      'SELECT r.*, b.sealed_record FROM records r JOIN record_blobs b USING (record_id, version) WHERE record_id = $1 ORDER BY version',
      [recordId],
    );
    return r.rows;
  }
  async forRewrap(notKek: string, limit: number): Promise<RecordKeyRow[]> {
    return (await this.sql.query<RecordKeyRow>('SELECT record_id, version, subject, kek_id, wrapped_dek FROM records WHERE kek_id <> $1 LIMIT $2', [notKek, limit])).rows;
  }
  async updateKey(recordId: string, version: number, kekId: string, wrapped: Buffer): Promise<void> {
    await this.sql.query('UPDATE records SET kek_id = $1, wrapped_dek = $2 WHERE record_id = $3 AND version = $4', [kekId, wrapped, recordId, version]);
  }
  async countClaimAttempt(insurer: string, recordId: string): Promise<number> {
    const r = await this.sql.query<{ attempts: number }>(
      `INSERT INTO claim_attempts (insurer, record_id, attempts) VALUES ($1, $2, 1)
       ON CONFLICT (insurer, record_id) DO UPDATE SET attempts = claim_attempts.attempts + 1 RETURNING attempts`,
      [insurer, recordId],
    );
    return r.rows[0]!.attempts;
  }
}
