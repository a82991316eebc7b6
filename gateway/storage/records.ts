/** The sealed records' storage: one row per pushed version, the sealed record itself kept apart. */
export interface RecordRow {
  record_id: string;
  version: number;
  hospital: string;
  subject: string;
  mdtrt_id: string;
  setl_id: string;
  visit_date: string;
  content_digest: string;
  kek_id: string;
  wrapped_dek: Buffer;
  sealed_record: Buffer;
  sealed_facts: Buffer;
  created_at: number;
}

export type RecordKeyRow = Pick<RecordRow, 'record_id' | 'version' | 'subject' | 'kek_id' | 'wrapped_dek'>;

export interface RecordRepository {
  insert(r: RecordRow): void;
  /** The newest version pushed under a settlement id, without its sealed record. */
  latestBySetl(hospital: string, setlId: string): RecordRow | undefined;
  /** The newest version of a visit, without its sealed record (answers read only the facts). */
  latestByVisit(hospital: string, mdtrtId: string, subject: string): RecordRow | undefined;
  /** Every version of a record, sealed record included (maintenance and tests). */
  versions(recordId: string): RecordRow[];
  /** Rows whose data key is wrapped by another KEK than `notKek` (KEK rotation). */
  forRewrap(notKek: string, limit: number): RecordKeyRow[];
  updateKey(recordId: string, version: number, kekId: string, wrapped: Buffer): void;
  /** Counts one claim check by an insurer on a record; returns the count after it. */
  countClaimAttempt(insurer: string, recordId: string): number;
}
