import crypto from 'node:crypto';
import { VouchError } from '../../errors.js';
import { makeEvent } from '../../domain/audit-events.js';
import type { KeyStore } from '../../../keys/keystore.js';
import { PARTY_ROLES, type Party, type PartyRole } from '../../storage/parties.js';
import type { Repositories } from '../../storage/repositories.js';
import type { Journal } from '../access-log/journal.js';
import type { Principal } from './auth.js';
import type { Vault } from '../vault.js';
import { sm2IsPublicKey } from '../../crypto/gm/sm2.js';
import type { PartyAppRow } from '../../storage/parties.js';

export interface NewParty {
  code: string;
  role: PartyRole;
  name: string;
  level?: number | undefined;
  public_key_pem?: string | undefined;
  /** The national platform's envelope (CONTRACT.md "国密"): a hospital's SM2 public key (04…, hex), appId and app secret. */
  sm2_public_key?: string | undefined;
  app_id?: string | undefined;
  app_secret?: string | undefined;
}

/** The associated data a hospital's sealed app secret is bound to. */
export const appSecretAad = (appId: string, code: string): string => `app|${appId}|${code}`;

/** appIds as the national platform assigns them: 16 to 64 letters and digits (the first 16 key SM4). */
const APP_ID = /^[A-Za-z0-9]{16,64}$/;
/** App secrets: printable ASCII, 16 to 128 characters. */
const APP_SECRET = /^[\x21-\x7e]{16,128}$/;

/** Checks the envelope registration fields: all three or none, a hospital's, a point on the SM2 curve. */
export function checkEnvelopeApp(p: NewParty): { app_id: string; app_secret: string; sm2_public_key: string } | undefined {
  const given = [p.sm2_public_key, p.app_id, p.app_secret].filter((v) => v !== undefined && v !== '');
  if (given.length === 0) return undefined;
  if (given.length !== 3) throw new VouchError('VALIDATION_FAILED', 'Fields sm2_public_key, app_id and app_secret go together.');
  if (p.role !== 'hospital') throw new VouchError('VALIDATION_FAILED', 'Only a hospital registers for the national envelope.');
  if (!APP_ID.test(p.app_id!)) throw new VouchError('VALIDATION_FAILED', 'Field app_id must be 16-64 letters or digits.');
  if (!APP_SECRET.test(p.app_secret!)) throw new VouchError('VALIDATION_FAILED', 'Field app_secret must be 16-128 printable ASCII characters.');
  if (!sm2IsPublicKey(p.sm2_public_key!)) throw new VouchError('VALIDATION_FAILED', 'Field sm2_public_key must be an uncompressed SM2 point (04 followed by 128 hex digits).');
  return { app_id: p.app_id!, app_secret: p.app_secret!, sm2_public_key: p.sm2_public_key!.toLowerCase() };
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
    private readonly vault?: Vault,
  ) {}

  async add(p: NewParty, actor: Principal, now = Date.now()): Promise<Party> {
    const { public_key_pem, certificate_pem } = checkNewParty(p, this.keys);
    const app = checkEnvelopeApp(p);
    let appRow: PartyAppRow | undefined;
    if (app) {
      if (!this.vault) throw new VouchError('INTERNAL', undefined, { cause: new Error('no vault to seal the app secret') });
      const aad = appSecretAad(app.app_id, p.code);
      const { dek, envelope } = this.vault.newDataKey(aad);
      appRow = {
        app_id: app.app_id, party_code: p.code, sm2_public_key: app.sm2_public_key, kek_id: envelope.kek_id, wrapped_dek: envelope.wrapped_dek,
        sealed_secret: this.vault.sealPart(dek, aad, 'secret', app.app_secret), created_at: now,
      };
    }
    const party: Party = {
      code: p.code, role: p.role, name: p.name.trim(), level: p.level ?? null, public_key_pem, certificate_pem,
      status: 'active', created_at: now, updated_at: now,
    };
    const { value } = await this.journal.change(async (tx) => {
      if (await tx.parties.get(p.code)) throw new VouchError('PARTY_EXISTS');
      if (appRow && (await tx.parties.app(appRow.app_id))) throw new VouchError('PARTY_EXISTS', 'This appId is already registered.');
      await tx.parties.insert(party);
      if (appRow) await tx.parties.insertApp(appRow);
      return {
        value: party,
        events: [makeEvent({ kind: 'party.registered', time: now, actor: actor.code, actor_role: actor.role, outcome: 'allowed', refs: { party: p.code } })],
      };
    });
    return value;
  }

  async setStatus(code: string, status: Party['status'], actor: Principal, now = Date.now()): Promise<Party> {
    const { value } = await this.journal.change(async (tx) => {
      if (!(await tx.parties.setStatus(code, status, now))) throw new VouchError('NOT_FOUND');
      return {
        value: (await tx.parties.get(code))!,
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

  list(): Promise<Party[]> {
    return this.read().parties.list();
  }

  get(code: string): Promise<Party | undefined> {
    return this.read().parties.get(code);
  }
}
