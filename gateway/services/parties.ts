import crypto from 'node:crypto';
import { VouchError } from '../errors.js';
import { makeEvent } from '../domain/audit-events.js';
import type { KeyStore } from '../../keys/keystore.js';
import { PARTY_ROLES, type Party, type PartyRole, type Repositories } from '../storage/repositories.js';
import type { Journal } from './journal.js';
import type { Principal } from './auth.js';

export interface NewParty {
  code: string;
  role: PartyRole;
  name: string;
  level?: number | undefined;
  public_key_pem?: string | undefined;
}

/** Institution codes: H (hospital) or P (pharmacy) + 6-digit admdvs + 5-digit serial. */
export const HOSPITAL_CODE = /^[HP]\d{11}$/;
/** Other parties' codes: short, URL- and log-safe. */
export const PARTY_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$/;

/** The public view of a party (never its status history or anything secret). */
export function partyView(p: Party) {
  return {
    code: p.code,
    role: p.role,
    name: p.name,
    level: p.level,
    status: p.status,
    has_public_key: p.public_key_pem !== null,
    certificate_pem: p.certificate_pem,
  };
}

/**
 * The directory every signed-in party and patient may read (the console shows names, not codes):
 * hospitals, insurers and bureaus, active or suspended, by code, role, name and status — never an
 * admin, a key or a certificate.
 */
export function directoryOf(parties: readonly Party[]): { code: string; role: PartyRole; name: string; status: Party['status'] }[] {
  return parties.filter((p) => p.role !== 'admin').map((p) => ({ code: p.code, role: p.role, name: p.name, status: p.status }));
}

/**
 * Checks a registration: the code fits the role, the level is a hospital's, the key is one the gateway
 * can verify client assertions with (Ed25519, P-256, RSA ≥ 2048 bits). RSA keys are also certified by
 * the gateway CA for mutual TLS.
 */
export function checkNewParty(p: NewParty, keys: KeyStore): { certificate_pem: string | null; public_key_pem: string | null } {
  if (!PARTY_ROLES.includes(p.role)) throw new VouchError('VALIDATION_FAILED', 'Field role must be hospital, insurer, bureau or admin.');
  if (p.role === 'hospital' ? !HOSPITAL_CODE.test(p.code) : !PARTY_CODE.test(p.code)) {
    throw new VouchError('VALIDATION_FAILED', p.role === 'hospital' ? 'Field code must be H or P followed by 11 digits.' : 'Field code must be 2-40 letters, digits, _ or -.');
  }
  if (typeof p.name !== 'string' || p.name.trim().length === 0 || p.name.length > 200) throw new VouchError('VALIDATION_FAILED', 'Field name is required.');
  if (p.level !== undefined && (p.role !== 'hospital' || ![1, 2, 3].includes(p.level))) {
    throw new VouchError('VALIDATION_FAILED', 'Field level is a hospital grade: 1, 2 or 3.');
  }
  if (!p.public_key_pem) return { certificate_pem: null, public_key_pem: null };
  let key: crypto.KeyObject;
  try {
    key = crypto.createPublicKey(p.public_key_pem);
  } catch {
    throw new VouchError('VALIDATION_FAILED', 'Field public_key_pem is not a PEM public key.');
  }
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  const ok = type === 'ed25519' || (type === 'ec' && details.namedCurve === 'prime256v1') || (type === 'rsa' && (details.modulusLength ?? 0) >= 2048);
  if (!ok) throw new VouchError('VALIDATION_FAILED', 'Field public_key_pem must be Ed25519, P-256 or RSA of at least 2048 bits.');
  const pem = key.export({ type: 'spki', format: 'pem' }) as string;
  return { public_key_pem: pem, certificate_pem: type === 'rsa' ? keys.ca.issuePartyCertificate(pem, p.code, p.role) : null };
}

/** The party registry (admin HTTP endpoints and `vouch party …`). */
export class PartyService {
  constructor(
    private readonly journal: Journal,
    private readonly keys: KeyStore,
    private readonly read: () => Repositories,
  ) {}

  async add(p: NewParty, actor: Principal, now = Date.now()): Promise<Party> {
    const { public_key_pem, certificate_pem } = checkNewParty(p, this.keys);
    const party: Party = {
      code: p.code, role: p.role, name: p.name.trim(), level: p.level ?? null, public_key_pem, certificate_pem,
      status: 'active', created_at: now, updated_at: now,
    };
    const { value } = await this.journal.change((tx) => {
      if (tx.getParty(p.code)) throw new VouchError('PARTY_EXISTS');
      tx.insertParty(party);
      return {
        value: party,
        events: [makeEvent({ kind: 'party.registered', time: now, actor: actor.code, actor_role: actor.role, outcome: 'allowed', refs: { party: p.code } })],
      };
    });
    return value;
  }

  async setStatus(code: string, status: Party['status'], actor: Principal, now = Date.now()): Promise<Party> {
    const { value } = await this.journal.change((tx) => {
      if (!tx.setPartyStatus(code, status, now)) throw new VouchError('NOT_FOUND');
      return {
        value: tx.getParty(code)!,
        events: [
          makeEvent({
            kind: status === 'suspended' ? 'party.suspended' : 'party.activated',
            time: now, actor: actor.code, actor_role: actor.role, outcome: 'allowed', refs: { party: code },
          }),
        ],
      };
    });
    return value;
  }

  list(): Party[] {
    return this.read().listParties();
  }

  get(code: string): Party | undefined {
    return this.read().getParty(code);
  }
}
