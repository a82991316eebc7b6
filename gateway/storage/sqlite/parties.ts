import type { Party, PartyAppRow, PartyRepository, PartyStatus } from '../parties.js';
import type { Statements } from './statements.js';

export class SqlitePartyRepository implements PartyRepository {
  /** Party status read in the current snapshot: authentication and facility checks ask on every request. */
  private statuses = new Map<string, PartyStatus | undefined>();
  private statusesGeneration = -1;

  constructor(private readonly st: Statements) {}

  insert(p: Party): void {
    this.st.get(
      `INSERT INTO parties (code, role, name, level, public_key_pem, certificate_pem, status, created_at, updated_at)
       VALUES (@code, @role, @name, @level, @public_key_pem, @certificate_pem, @status, @created_at, @updated_at)`,
    ).run(p);
  }
  insertApp(a: PartyAppRow): void {
    this.st.get(
      `INSERT INTO party_apps (app_id, party_code, sm2_public_key, kek_id, wrapped_dek, sealed_secret, created_at)
       VALUES (@app_id, @party_code, @sm2_public_key, @kek_id, @wrapped_dek, @sealed_secret, @created_at)`,
    ).run(a);
  }
  app(appId: string): PartyAppRow | undefined {
    return this.st.get('SELECT * FROM party_apps WHERE app_id = ?').get(appId) as PartyAppRow | undefined;
  }
  get(code: string): Party | undefined {
    return this.st.get('SELECT * FROM parties WHERE code = ?').get(code) as Party | undefined;
  }
  list(): Party[] {
    return this.st.get('SELECT * FROM parties ORDER BY code').all() as Party[];
  }
  setStatus(code: string, status: Party['status'], at: number): boolean {
    return this.st.get('UPDATE parties SET status = ?, updated_at = ? WHERE code = ?').run(status, at, code).changes === 1;
  }
  status(code: string): PartyStatus | undefined {
    const read = () => this.st.get('SELECT role, status, level FROM parties WHERE code = ?').get(code) as PartyStatus | undefined;
    const snapshot = this.st.snapshot;
    if (!snapshot) return read();
    snapshot.enter();
    if (this.statusesGeneration !== snapshot.generation) {
      this.statuses = new Map();
      this.statusesGeneration = snapshot.generation;
    }
    if (this.statuses.has(code)) return this.statuses.get(code);
    const r = read();
    this.statuses.set(code, r);
    return r;
  }
  assertionUsed(issuer: string, jti: string, now: number): boolean {
    return this.st.get('SELECT 1 FROM used_assertions WHERE issuer = ? AND jti = ? AND expires_at >= ?').get(issuer, jti, now) !== undefined;
  }
  useAssertion(issuer: string, jti: string, expiresAt: number, now: number): boolean {
    this.st.get('DELETE FROM used_assertions WHERE expires_at < ?').run(now);
    return this.st.get('INSERT OR IGNORE INTO used_assertions (issuer, jti, expires_at) VALUES (?, ?, ?)').run(issuer, jti, expiresAt).changes === 1;
  }
}
