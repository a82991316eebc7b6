import type { Migration } from './database.js';

/**
 * The main database (`vouch.db`): parties, consents, sealed records, policies, accumulators,
 * settlements. Personal data is never stored in clear: subjects are blind indexes, records and
 * settlement answers are sealed (AES-256-GCM, per-row data key wrapped by a KEK).
 */
export const MAIN_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE parties (
        code TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('hospital','insurer','bureau','admin')),
        name TEXT NOT NULL,
        level INTEGER CHECK (level IS NULL OR level IN (1,2,3)),
        public_key_pem TEXT,
        certificate_pem TEXT,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      -- client assertions already used at /v1/token (RFC 7523 §3: jti must not be replayed)
      CREATE TABLE used_assertions (
        issuer TEXT NOT NULL,
        jti TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (issuer, jti)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE consents (
        consent_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        subject TEXT NOT NULL,
        grantee TEXT NOT NULL,
        purposes TEXT NOT NULL,
        providers TEXT,
        valid_from INTEGER NOT NULL,
        valid_until INTEGER NOT NULL,
        max_queries_per_day INTEGER,
        status TEXT NOT NULL CHECK (status IN ('active','revoked')),
        recorded_by TEXT NOT NULL,
        recorded_by_role TEXT NOT NULL,
        evidence_digest TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX consents_subject ON consents (subject, grantee);
      CREATE INDEX consents_grantee ON consents (grantee, created_at);

      -- append-only ledger of consent changes; rows are never updated or deleted
      CREATE TABLE consent_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        consent_id TEXT NOT NULL REFERENCES consents (consent_id),
        version INTEGER NOT NULL,
        kind TEXT NOT NULL,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        snapshot_digest TEXT NOT NULL,
        UNIQUE (consent_id, version)
      ) STRICT;
      CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
        BEGIN SELECT RAISE(ABORT, 'consent ledger is append-only'); END;
      CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
        BEGIN SELECT RAISE(ABORT, 'consent ledger is append-only'); END;

      CREATE TABLE consent_usage (
        consent_id TEXT NOT NULL,
        day TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (consent_id, day)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE records (
        record_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        hospital TEXT NOT NULL,
        subject TEXT NOT NULL,
        mdtrt_id TEXT NOT NULL,
        setl_id TEXT NOT NULL,
        visit_date TEXT NOT NULL,
        content_digest TEXT NOT NULL,
        kek_id TEXT NOT NULL,
        wrapped_dek BLOB NOT NULL,
        sealed_record BLOB NOT NULL,
        sealed_facts BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (record_id, version)
      ) STRICT;
      CREATE INDEX records_setl ON records (hospital, setl_id, version);
      CREATE INDEX records_visit ON records (hospital, mdtrt_id, subject);

      CREATE TABLE policies (
        insurer TEXT NOT NULL,
        policy_no TEXT NOT NULL,
        subject TEXT NOT NULL,
        product TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        pre_existing INTEGER NOT NULL,
        claim_free_years INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (insurer, policy_no)
      ) STRICT;
      CREATE INDEX policies_subject ON policies (subject);

      -- deductible and cap use per policy, accumulator key and policy year
      CREATE TABLE accumulators (
        insurer TEXT NOT NULL,
        policy_no TEXT NOT NULL,
        acc_key TEXT NOT NULL,
        year_start TEXT NOT NULL,
        used_fen INTEGER NOT NULL CHECK (used_fen >= 0),
        PRIMARY KEY (insurer, policy_no, acc_key, year_start)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE settlements (
        settlement_id TEXT PRIMARY KEY,
        hospital TEXT NOT NULL,
        request_id TEXT NOT NULL,
        request_digest TEXT NOT NULL,
        record_id TEXT NOT NULL,
        record_version INTEGER NOT NULL,
        subject TEXT NOT NULL,
        mdtrt_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('settled','reversed')),
        kek_id TEXT NOT NULL,
        wrapped_dek BLOB NOT NULL,
        sealed_answer BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        reversed_at INTEGER,
        UNIQUE (hospital, request_id)
      ) STRICT;
      -- one active commercial settlement per visit: a second one would pay twice
      CREATE UNIQUE INDEX settlements_active_visit ON settlements (hospital, mdtrt_id, subject) WHERE status = 'settled';

      CREATE TABLE settlement_deltas (
        settlement_id TEXT NOT NULL REFERENCES settlements (settlement_id),
        insurer TEXT NOT NULL,
        policy_no TEXT NOT NULL,
        acc_key TEXT NOT NULL,
        year_start TEXT NOT NULL,
        delta_fen INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX settlement_deltas_by_settlement ON settlement_deltas (settlement_id);

      CREATE TABLE claim_attempts (
        insurer TEXT NOT NULL,
        record_id TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        PRIMARY KEY (insurer, record_id)
      ) STRICT, WITHOUT ROWID;

      -- transactional outbox: access-log events written in the same transaction as the state change
      -- they describe, moved into the log by the log writer, so a crash between the two loses nothing
      CREATE TABLE audit_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE,
        event TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'record blobs apart',
    // Answers read only the small sealed facts; the sealed record (kilobytes) inline made every record row
    // span overflow pages, so the table a query walks was several times larger than what it reads
    // (quote throughput fell 43 % from 10^4 to 10^6 records). The blob now lives in its own table.
    sql: `
      CREATE TABLE record_blobs (
        record_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        sealed_record BLOB NOT NULL,
        PRIMARY KEY (record_id, version)
      ) STRICT;
      INSERT INTO record_blobs (record_id, version, sealed_record) SELECT record_id, version, sealed_record FROM records;
      ALTER TABLE records DROP COLUMN sealed_record;
    `,
  },
  {
    version: 3,
    name: 'policy periods, accumulators per period, settlement lines',
    // A policy number holds a chain of periods (first, then renewals), each one policy year with its own
    // accumulators; renewing no longer overwrites the period earlier visits were settled under. Periods
    // carry when an answer first used them (their terms freeze then) and how often they were corrected.
    // Settlement lines keep what each payer settled and owed, for statements and the bureau's counts.
    sql: `
      CREATE TABLE policy_periods (
        insurer TEXT NOT NULL,
        policy_no TEXT NOT NULL,
        period_no INTEGER NOT NULL CHECK (period_no >= 1),
        product TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        pre_existing INTEGER NOT NULL,
        claim_free_years INTEGER NOT NULL,
        used_at INTEGER,
        corrections INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (insurer, policy_no, period_no),
        FOREIGN KEY (insurer, policy_no) REFERENCES policies (insurer, policy_no)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO policy_periods (insurer, policy_no, period_no, product, start_date, end_date, pre_existing, claim_free_years,
          used_at, corrections, created_at, updated_at)
        SELECT insurer, policy_no, 1, product, start_date, end_date, pre_existing, claim_free_years, NULL, 0, created_at, updated_at FROM policies;

      CREATE TABLE period_accumulators (
        insurer TEXT NOT NULL,
        policy_no TEXT NOT NULL,
        period_no INTEGER NOT NULL,
        acc_key TEXT NOT NULL,
        used_fen INTEGER NOT NULL CHECK (used_fen >= 0),
        PRIMARY KEY (insurer, policy_no, period_no, acc_key)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO period_accumulators (insurer, policy_no, period_no, acc_key, used_fen)
        SELECT a.insurer, a.policy_no, 1, a.acc_key, a.used_fen FROM accumulators a
        JOIN policies p ON p.insurer = a.insurer AND p.policy_no = a.policy_no AND p.start_date = a.year_start;
      DROP TABLE accumulators;

      ALTER TABLE settlement_deltas ADD COLUMN period_no INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE settlement_deltas DROP COLUMN year_start;

      ALTER TABLE policies DROP COLUMN product;
      ALTER TABLE policies DROP COLUMN start_date;
      ALTER TABLE policies DROP COLUMN end_date;
      ALTER TABLE policies DROP COLUMN pre_existing;
      ALTER TABLE policies DROP COLUMN claim_free_years;

      CREATE TABLE settlement_lines (
        settlement_id TEXT NOT NULL REFERENCES settlements (settlement_id),
        line_no INTEGER NOT NULL,
        insurer TEXT NOT NULL,
        policy_no TEXT NOT NULL,
        period_no INTEGER NOT NULL,
        product TEXT NOT NULL,
        payable_fen INTEGER NOT NULL,
        owed_fen INTEGER NOT NULL,
        PRIMARY KEY (settlement_id, line_no)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    // The data's identity and the log it belongs to: a log that vanished or was swapped for another is
    // caught at start (see storage/integrity.ts), not discovered by a bureau months later.
    version: 4,
    name: 'deployment facts',
    sql: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    // 国密 (issue 23): a hospital registered for the national platform's SM4/SM2 envelope — its appId,
    // its SM2 public key (uncompressed point, hex) and its app secret, sealed like a record (the secret
    // is needed in clear to derive the SM4 working key and to check the signing string's &key=).
    version: 5,
    name: 'national envelope apps',
    sql: `
      CREATE TABLE party_apps (
        app_id TEXT PRIMARY KEY,
        party_code TEXT NOT NULL UNIQUE REFERENCES parties (code),
        sm2_public_key TEXT NOT NULL,
        kek_id TEXT NOT NULL,
        wrapped_dek BLOB NOT NULL,
        sealed_secret BLOB NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 6,
    name: 'statistics lab: visit facts, privacy budgets, releases',
    // The pricing statistics lab (docs/statistics.md). One row per visit (its newest version), written
    // with the record at push time — the only moment the ID number, hence age and sex, is at hand. Rows
    // carry no record id, subject, hospital or date: a keyed pseudonym of the visit and of the person
    // (HMACs under the digest key, unlinkable to records without it), coarse keys in clear for the
    // filters (age band, sex, visit type, province, year), and the amounts sealed (AES-256-GCM, own data
    // key wrapped by the KEK) since amounts are personal data at rest.
    // Budgets are integer micro-ρ (10^-6) so charges add up exactly; releases are kept for the bureau.
    sql: `
      CREATE TABLE stat_visits (
        visit_key TEXT PRIMARY KEY,
        person TEXT NOT NULL,
        age_band TEXT NOT NULL,
        gender TEXT NOT NULL,
        visit_type TEXT NOT NULL,
        region TEXT NOT NULL,
        year TEXT NOT NULL,
        kek_id TEXT NOT NULL,
        wrapped_dek BLOB NOT NULL,
        sealed_amounts BLOB NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX stat_visits_person ON stat_visits (person, visit_key);

      CREATE TABLE stat_budgets (
        party TEXT PRIMARY KEY,
        rho_total_micro INTEGER NOT NULL CHECK (rho_total_micro >= 0),
        rho_spent_micro INTEGER NOT NULL CHECK (rho_spent_micro >= 0),
        period_end TEXT NOT NULL,
        set_by TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE stat_releases (
        release_id TEXT PRIMARY KEY,
        party TEXT NOT NULL,
        period_end TEXT NOT NULL,
        rho_micro INTEGER NOT NULL CHECK (rho_micro > 0),
        question TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX stat_releases_party ON stat_releases (party, created_at);
    `,
  },
];
