import { makeEvent } from '../../domain/audit-events.js';
import type { KeyStore } from '../../../keys/keystore.js';
import type { Principal } from './auth.js';
import type { Journal } from '../access-log/journal.js';

export type RotatableKey = 'signing' | 'kek';

/**
 * Key rotation as an audited admin action. A new signing key signs receipts and tree heads from now on
 * while every older public key stays published (GET /v1/keys) so old receipts keep verifying; a new KEK
 * wraps new data keys while old ones still unwrap until `vouch keys rewrap` moves them.
 */
export async function rotateKey(keys: KeyStore, journal: Journal, which: RotatableKey, by: Principal, now = Date.now()): Promise<string> {
  const kid = which === 'signing' ? keys.rotateSuiteSigning() : keys.rotateKek();
  await journal.change(() => ({
    value: null,
    events: [makeEvent({ kind: 'key.rotated', time: now, actor: by.code, actor_role: by.role, outcome: 'allowed', refs: { key_id: kid } })],
  }));
  return kid;
}
