/** The party registry's storage: parties, hospitals' envelope registrations, used client assertions. */
export type PartyRole = 'hospital' | 'insurer' | 'bureau' | 'admin';
export const PARTY_ROLES: readonly PartyRole[] = ['hospital', 'insurer', 'bureau', 'admin'];

export interface Party {
  code: string;
  role: PartyRole;
  name: string;
  level: number | null;
  public_key_pem: string | null;
  certificate_pem: string | null;
  status: 'active' | 'suspended';
  created_at: number;
  updated_at: number;
}

/** Role, status and level of a party: what authentication and facility scopes need, nothing more. */
export type PartyStatus = Pick<Party, 'role' | 'status' | 'level'>;

/** A hospital's registration for the national SM4/SM2 envelope (its secret sealed). */
export interface PartyAppRow {
  app_id: string;
  party_code: string;
  sm2_public_key: string;
  kek_id: string;
  wrapped_dek: Buffer;
  sealed_secret: Buffer;
  created_at: number;
}

export interface PartyRepository {
  insert(p: Party): void;
  insertApp(a: PartyAppRow): void;
  app(appId: string): PartyAppRow | undefined;
  get(code: string): Party | undefined;
  list(): Party[];
  setStatus(code: string, status: Party['status'], at: number): boolean;
  /** Read on every request (authentication, facility checks): implementations may keep it for one read snapshot. */
  status(code: string): PartyStatus | undefined;
  /** Records a client assertion's jti; false when it was seen before (replay). */
  useAssertion(issuer: string, jti: string, expiresAt: number, now: number): boolean;
  /** True when a jti is recorded and not yet expired (a read-only early check; useAssertion decides). */
  assertionUsed(issuer: string, jti: string, now: number): boolean;
}
