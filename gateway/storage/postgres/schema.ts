import type { Migration } from '../sqlite/database.js';

/**
 * The PostgreSQL schema (VOUCH_DATABASE_URL=postgres://…, issue 17): state and access log in one database,
 * so a state change and the log events it owes commit together (the outbox) and several gateway processes
 * share both. The tables mirror the SQLite ones (gateway/storage/schema*.ts) at their newest version —
 * same names, same columns, same constraints — so one set of repository semantics serves both stores.
 * Types: epoch milliseconds and counts are BIGINT (read back as numbers by the pool's type parser),
 * sealed blobs and hashes BYTEA, dates TEXT `YYYY-MM-DD` as in SQLite (compared as text, never as dates).
 * Append-only tables (the consent ledger, leaves, nodes, tree heads) refuse UPDATE and DELETE by trigger.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'state and access log',
    sql: `
      CREATE FUNCTION vouch_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;

      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE parties (
        code TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('hospital','insurer','bureau','admin')),
        name TEXT NOT NULL,
        level INTEGER CHECK (level IS NULL OR level IN (1,2,3)),
        public_key_pem TEXT,
        certificate_pem TEXT,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended')),
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE party_apps (
        app_id TEXT PRIMARY KEY,
        party_code TEXT NOT NULL UNIQUE REFERENCES parties (code),
        sm2_public_key TEXT NOT NULL,
        kek_id TEXT NOT NULL,
        wrapped_dek BYTEA NOT NULL,
        sealed_secret BYTEA NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE used_assertions (
        issuer TEXT NOT NULL,
        jti TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (issuer, jti)
      );

      CREATE TABLE consents (
        consent_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        subject TEXT NOT NULL,
        grantee TEXT NOT NULL,
        purposes TEXT NOT NULL,
        providers TEXT,
        valid_from BIGINT NOT NULL,
        valid_until BIGINT NOT NULL,
        max_queries_per_day INTEGER,
        status TEXT NOT NULL CHECK (status IN ('active','revoked')),
        recorded_by TEXT NOT NULL,
        recorded_by_role TEXT NOT NULL,
        evidence_digest TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX consents_subject ON consents (subject, grantee);
      CREATE INDEX consents_grantee ON consents (grantee, created_at);
      CREATE TABLE consent_events (
        seq BIGSERIAL PRIMARY KEY,
        consent_id TEXT NOT NULL REFERENCES consents (consent_id),
        version INTEGER NOT NULL,
        kind TEXT NOT NULL,
        at BIGINT NOT NULL,
        actor TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        snapshot_digest TEXT NOT NULL,
        UNIQUE (consent_id, version)
      );
      CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
        FOR EACH ROW EXECUTE FUNCTION vouch_append_only();
      CREATE TABLE consent_usage (
        consent_id TEXT NOT NULL,
        day TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (consent_id, day)
      );

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
        wrapped_dek BYTEA NOT NULL,
        sealed_facts BYTEA NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (record_id, version)
      );
      CREATE INDEX records_setl ON records (hospital, setl_id, version);
      CREATE INDEX records_visit ON records (hospital, mdtrt_id, subject);
      CREATE TABLE record_blobs (
        record_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        sealed_record BYTEA NOT NULL,
        PRIMARY KEY (record_id, version)
      );

      CREATE TABLE policies (
        insurer TEXT NOT NULL,
        policy_no TEXT NOT NULL,
        subject TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (insurer, policy_no)
      );
      CREATE INDEX policies_subject ON policies (subject);
      CREATE TABLE policy_periods (
        insurer TEXT NOT NULL,
        policy_no TEXT NOT NULL,
        period_no INTEGER NOT NULL CHECK (period_no >= 1),
        product TEXT NOT NULL,
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        pre_existing INTEGER NOT NULL,
        claim_free_years INTEGER NOT NULL,
        used_at BIGINT,
        corrections INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (insurer, policy_no, period_no),
        FOREIGN KEY (insurer, policy_no) REFERENCES policies (insurer, policy_no)
      );
      CREATE TABLE period_accumulators (
        insurer TEXT NOT NULL,
        policy_no TEXT NOT NULL,
        period_no INTEGER NOT NULL,
        acc_key TEXT NOT NULL,
        used_fen BIGINT NOT NULL CHECK (used_fen >= 0),
        PRIMARY KEY (insurer, policy_no, period_no, acc_key)
      );

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
        wrapped_dek BYTEA NOT NULL,
        sealed_answer BYTEA NOT NULL,
        created_at BIGINT NOT NULL,
        reversed_at BIGINT,
        UNIQUE (hospital, request_id)
      );
      CREATE UNIQUE INDEX settlements_active_visit ON settlements (hospital, mdtrt_id, subject) WHERE status = 'settled';
      CREATE TABLE settlement_deltas (
        settlement_id TEXT NOT NULL REFERENCES settlements (settlement_id),
        insurer TEXT NOT NULL,
        policy_no TEXT NOT NULL,
        acc_key TEXT NOT NULL,
        delta_fen BIGINT NOT NULL,
        period_no INTEGER NOT NULL DEFAULT 1
      );
      CREATE INDEX settlement_deltas_by_settlement ON settlement_deltas (settlement_id);
      CREATE TABLE settlement_lines (
        settlement_id TEXT NOT NULL REFERENCES settlements (settlement_id),
        line_no INTEGER NOT NULL,
        insurer TEXT NOT NULL,
        policy_no TEXT NOT NULL,
        period_no INTEGER NOT NULL,
        product TEXT NOT NULL,
        payable_fen BIGINT NOT NULL,
        owed_fen BIGINT NOT NULL,
        PRIMARY KEY (settlement_id, line_no)
      );
      CREATE TABLE claim_attempts (
        insurer TEXT NOT NULL,
        record_id TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        PRIMARY KEY (insurer, record_id)
      );

      CREATE TABLE stat_visits (
        visit_key TEXT PRIMARY KEY,
        person TEXT NOT NULL,
        age_band TEXT NOT NULL,
        gender TEXT NOT NULL,
        visit_type TEXT NOT NULL,
        region TEXT NOT NULL,
        year TEXT NOT NULL,
        kek_id TEXT NOT NULL,
        wrapped_dek BYTEA NOT NULL,
        sealed_amounts BYTEA NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX stat_visits_person ON stat_visits (person, visit_key);
      CREATE TABLE stat_budgets (
        party TEXT PRIMARY KEY,
        rho_total_micro BIGINT NOT NULL CHECK (rho_total_micro >= 0),
        rho_spent_micro BIGINT NOT NULL CHECK (rho_spent_micro >= 0),
        period_end TEXT NOT NULL,
        set_by TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE stat_releases (
        release_id TEXT PRIMARY KEY,
        party TEXT NOT NULL,
        period_end TEXT NOT NULL,
        rho_micro BIGINT NOT NULL CHECK (rho_micro > 0),
        question TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX stat_releases_party ON stat_releases (party, created_at);

      -- The outbox: log events committed with the state change they describe. Any process inserts; the
      -- one sequencer (the process holding the log's advisory lock) moves them into leaves in seq order.
      CREATE TABLE audit_outbox (
        seq BIGSERIAL PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        event TEXT NOT NULL
      );

      CREATE TABLE leaves (
        leaf_index BIGINT PRIMARY KEY CHECK (leaf_index >= 0),
        event_id TEXT NOT NULL UNIQUE,
        leaf BYTEA NOT NULL,
        leaf_hash BYTEA NOT NULL,
        time BIGINT NOT NULL,
        actor TEXT NOT NULL,
        actor_role TEXT NOT NULL,
        action TEXT NOT NULL,
        purpose TEXT,
        subject TEXT,
        outcome TEXT NOT NULL,
        reason TEXT
      );
      CREATE INDEX leaves_time ON leaves (time, leaf_index);
      CREATE INDEX leaves_actor ON leaves (actor, leaf_index);
      CREATE INDEX leaves_action ON leaves (action, leaf_index);
      CREATE INDEX leaves_subject ON leaves (subject, leaf_index) WHERE subject IS NOT NULL;
      CREATE TRIGGER leaves_append_only BEFORE UPDATE OR DELETE ON leaves
        FOR EACH ROW EXECUTE FUNCTION vouch_append_only();
      CREATE TABLE nodes (
        level INTEGER NOT NULL,
        idx BIGINT NOT NULL,
        hash BYTEA NOT NULL,
        PRIMARY KEY (level, idx)
      );
      CREATE TRIGGER nodes_append_only BEFORE UPDATE OR DELETE ON nodes
        FOR EACH ROW EXECUTE FUNCTION vouch_append_only();
      CREATE TABLE tree_heads (
        tree_size BIGINT PRIMARY KEY,
        timestamp BIGINT NOT NULL,
        root_hash BYTEA NOT NULL,
        key_id TEXT NOT NULL,
        signature BYTEA NOT NULL,
        alg TEXT NOT NULL DEFAULT 'Ed25519' CHECK (alg IN ('Ed25519', 'SM2')),
        cosignatures TEXT
      );
      CREATE TRIGGER tree_heads_append_only BEFORE UPDATE OR DELETE ON tree_heads
        FOR EACH ROW EXECUTE FUNCTION vouch_append_only();
    `,
  },
];
