import type { Async } from '../async.js';
import type { Party, PartyAppRow, PartyRepository, PartyStatus } from '../parties.js';
import type { Sql } from './sql.js';

/**
 * The party registry on PostgreSQL. Unlike SQLite's reader, statuses are not kept per read snapshot:
 * the pool has no snapshot to key them on, so every call reads the committed row.
 */
export class PostgresPartyRepository implements Async<PartyRepository> {
  constructor(private readonly sql: Sql) {}

  async insert(p: Party): Promise<void> {
    await this.sql.query(
      `INSERT INTO parties (code, role, name, level, public_key_pem, certificate_pem, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [p.code, p.role, p.name, p.level, p.public_key_pem, p.certificate_pem, p.status, p.created_at, p.updated_at],
    );
  }
  async insertApp(a: PartyAppRow): Promise<void> {
    await this.sql.query(
      `INSERT INTO party_apps (app_id, party_code, sm2_public_key, kek_id, wrapped_dek, sealed_secret, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [a.app_id, a.party_code, a.sm2_public_key, a.kek_id, a.wrapped_dek, a.sealed_secret, a.created_at],
    );
  }
  async app(appId: string): Promise<PartyAppRow | undefined> {
    return (await this.sql.query<PartyAppRow>('SELECT * FROM party_apps WHERE app_id = $1', [appId])).rows[0];
  }
  async get(code: string): Promise<Party | undefined> {
    return (await this.sql.query<Party>('SELECT * FROM parties WHERE code = $1', [code])).rows[0];
  }
  async list(): Promise<Party[]> {
    // COLLATE "C": byte order, as SQLite's BINARY collation sorts (the database's default may not).
    return (await this.sql.query<Party>('SELECT * FROM parties ORDER BY code COLLATE "C"')).rows;
  }
  async setStatus(code: string, status: Party['status'], at: number): Promise<boolean> {
    return (await this.sql.query('UPDATE parties SET status = $1, updated_at = $2 WHERE code = $3', [status, at, code])).rowCount === 1;
  }
  async status(code: string): Promise<PartyStatus | undefined> {
    return (await this.sql.query<PartyStatus>('SELECT role, status, level FROM parties WHERE code = $1', [code])).rows[0];
  }
  async assertionUsed(issuer: string, jti: string, now: number): Promise<boolean> {
    const r = await this.sql.query('SELECT 1 FROM used_assertions WHERE issuer = $1 AND jti = $2 AND expires_at >= $3', [issuer, jti, now]);
    return r.rowCount === 1;
  }
  async useAssertion(issuer: string, jti: string, expiresAt: number, now: number): Promise<boolean> {
    await this.sql.query('DELETE FROM used_assertions WHERE expires_at < $1', [now]);
    // Two processes recording one jti at once: the second waits on the first's key, then does nothing.
    const r = await this.sql.query(
      'INSERT INTO used_assertions (issuer, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT (issuer, jti) DO NOTHING',
      [issuer, jti, expiresAt],
    );
    return r.rowCount === 1;
  }
}
