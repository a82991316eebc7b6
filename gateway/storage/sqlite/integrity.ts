import crypto from 'node:crypto';
import { IntegrityError, keepHead, readKeptHead } from '../integrity.js';
import type { Db } from './database.js';

function quickCheck(db: Db, name: string): void {
  let rows: { quick_check: string }[];
  try {
    rows = db.pragma('quick_check') as { quick_check: string }[];
  } catch (err) {
    throw new IntegrityError(`${name} cannot be read (${(err as { code?: string }).code ?? 'error'}): it is damaged or not a database — restore the data directory from a backup (docs/operations.md)`);
  }
  if (rows.length !== 1 || rows[0]?.quick_check !== 'ok') {
    throw new IntegrityError(`${name} fails PRAGMA quick_check (${rows.length} problems, first: ${rows[0]?.quick_check ?? '?'}): it is damaged — restore the data directory from a backup (docs/operations.md)`);
  }
}

/** A state database nothing was ever written to: no party, consent, record or policy, nothing waiting for the log. */
function isFresh(db: Db): boolean {
  return ['parties', 'consents', 'records', 'policies', 'audit_outbox'].every((table) => (db.prepare(`SELECT EXISTS (SELECT 1 FROM ${table}) AS any`).get() as { any: number }).any === 0);
}

export const getMeta = (db: Db, key: string) => (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
export const setMeta = (db: Db, key: string, value: string) => db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);

/**
 * The start-up checks of a SQLite data directory (issue 14): both databases pass `PRAGMA quick_check`;
 * the log is the one this data belongs to (a random log id kept in both files, so an `audit.db` truncated
 * to nothing, deleted or swapped for another is refused, not started as an empty log); and the log holds
 * at least the newest head this gateway signed (kept outside `audit.db`), so leaves cut off its end are
 * caught. Anything wrong throws an {@link IntegrityError} naming the file and the way back.
 */
export function checkDataDir(mainDb: Db, auditDb: Db, keptFile: string): { leaves: number } {
  quickCheck(mainDb, 'vouch.db');
  quickCheck(auditDb, 'audit.db');
  const leaves = (auditDb.prepare('SELECT COALESCE(MAX(leaf_index) + 1, 0) AS n FROM leaves').get() as { n: number }).n;
  let logId = getMeta(auditDb, 'log_id');
  const expected = getMeta(mainDb, 'log_id');
  if (!logId) {
    if (expected && leaves === 0) {
      throw new IntegrityError(
        `audit.db is empty but this data's access log (id ${expected}) held entries: the log was truncated, deleted or replaced — restore audit.db from a backup (docs/operations.md); the gateway will not start a new log beside existing data`,
      );
    }
    logId = crypto.randomUUID();
    setMeta(auditDb, 'log_id', logId);
  }
  if (!expected && leaves > 0 && isFresh(mainDb)) {
    // The other way round: the log (with its id) is here, the state is new — vouch.db was deleted or
    // emptied. Starting would serve an empty gateway beside a log that says otherwise.
    throw new IntegrityError(
      `vouch.db holds no data, but audit.db is the access log ${logId} with ${leaves} leaves: the state database was deleted, emptied or replaced — restore vouch.db from a backup (docs/operations.md); the gateway will not start empty beside an existing log`,
    );
  }
  if (expected && expected !== logId) {
    throw new IntegrityError(`audit.db is the access log ${logId}, but this data belongs to log ${expected}: the log file was swapped — put the right audit.db back (docs/operations.md)`);
  }
  if (!expected) setMeta(mainDb, 'log_id', logId);
  // Heads kept inside audit.db: one covering more leaves than the log holds means its end was cut off
  // (caught even when log-head.json went with it).
  const stored = auditDb.prepare('SELECT MAX(tree_size) AS n FROM tree_heads').get() as { n: number | null };
  if (stored.n !== null && stored.n > leaves) {
    throw new IntegrityError(`audit.db holds ${leaves} leaves, but holds a signed tree head at size ${stored.n}: leaves ${leaves}–${stored.n - 1} are gone — restore audit.db from a backup (docs/operations.md)`);
  }
  const kept = readKeptHead(keptFile);
  if (kept && kept.tree_size > leaves) {
    throw new IntegrityError(
      `audit.db holds ${leaves} leaves, but this gateway signed a tree head at size ${kept.tree_size} (${new Date(kept.timestamp).toISOString()}): leaves ${leaves}–${kept.tree_size - 1} are gone — restore audit.db from a backup (docs/operations.md)`,
    );
  }
  if (kept && kept.tree_size > 0) {
    const stored = auditDb.prepare('SELECT root_hash FROM tree_heads WHERE tree_size = ?').get(kept.tree_size) as { root_hash: Buffer } | undefined;
    if (stored && stored.root_hash.toString('hex') !== kept.root_hash) {
      throw new IntegrityError(`audit.db holds another root for size ${kept.tree_size} than the head this gateway signed: the log was rewritten — restore it from a backup (docs/operations.md)`);
    }
  }
  if (!kept) {
    // Data from before heads were kept outside the log: keep its newest one from now on.
    const last = auditDb.prepare('SELECT * FROM tree_heads ORDER BY tree_size DESC LIMIT 1').get() as
      | { tree_size: number; timestamp: number; root_hash: Buffer; key_id: string; signature: Buffer }
      | undefined;
    if (last) keepHead(keptFile, { tree_size: last.tree_size, timestamp: last.timestamp, root_hash: last.root_hash.toString('hex'), key_id: last.key_id, signature: last.signature.toString('base64') });
  }
  return { leaves };
}
