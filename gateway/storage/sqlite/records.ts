import type { RecordKeyRow, RecordRepository, RecordRow } from '../records.js';
import type { Statements } from './statements.js';

/**
 * Columns a look-up returns: everything but the sealed record itself (kept in record_blobs), which
 * answers never open — they read the small sealed facts.
 */
const VISIT_COLUMNS =
  "record_id, version, hospital, subject, mdtrt_id, setl_id, visit_date, content_digest, kek_id, wrapped_dek, x'' AS sealed_record, sealed_facts, created_at";

export class SqliteRecordRepository implements RecordRepository {
  constructor(private readonly st: Statements) {}

  insert(r: RecordRow): void {
    this.st.get(
      `INSERT INTO records (record_id, version, hospital, subject, mdtrt_id, setl_id, visit_date, content_digest, kek_id,
         wrapped_dek, sealed_facts, created_at)
       VALUES (@record_id, @version, @hospital, @subject, @mdtrt_id, @setl_id, @visit_date, @content_digest, @kek_id,
         @wrapped_dek, @sealed_facts, @created_at)`,
    ).run(r);
    this.st.get('INSERT INTO record_blobs (record_id, version, sealed_record) VALUES (@record_id, @version, @sealed_record)').run(r);
  }
  latestBySetl(hospital: string, setlId: string): RecordRow | undefined {
    return this.st.get(`SELECT ${VISIT_COLUMNS} FROM records WHERE hospital = ? AND setl_id = ? ORDER BY version DESC LIMIT 1`).get(hospital, setlId) as RecordRow | undefined;
  }
  latestByVisit(hospital: string, mdtrtId: string, subject: string): RecordRow | undefined {
    return this.st.get(
      `SELECT ${VISIT_COLUMNS} FROM records INDEXED BY records_visit WHERE hospital = ? AND mdtrt_id = ? AND subject = ? ORDER BY created_at DESC, version DESC LIMIT 1`,
    ).get(hospital, mdtrtId, subject) as RecordRow | undefined;
  }
  versions(recordId: string): RecordRow[] {
    return this.st.get(
      'SELECT r.*, b.sealed_record FROM records r JOIN record_blobs b USING (record_id, version) WHERE record_id = ? ORDER BY version',
    ).all(recordId) as RecordRow[];
  }
  forRewrap(notKek: string, limit: number): RecordKeyRow[] {
    return this.st.get('SELECT record_id, version, subject, kek_id, wrapped_dek FROM records WHERE kek_id <> ? LIMIT ?').all(notKek, limit) as RecordKeyRow[];
  }
  updateKey(recordId: string, version: number, kekId: string, wrapped: Buffer): void {
    this.st.get('UPDATE records SET kek_id = ?, wrapped_dek = ? WHERE record_id = ? AND version = ?').run(kekId, wrapped, recordId, version);
  }
  countClaimAttempt(insurer: string, recordId: string): number {
    return this.st.get(
      `INSERT INTO claim_attempts (insurer, record_id, attempts) VALUES (?, ?, 1)
       ON CONFLICT (insurer, record_id) DO UPDATE SET attempts = attempts + 1 RETURNING attempts`,
    ).pluck().get(insurer, recordId) as number;
  }
}
