import fs from 'node:fs';
import path from 'node:path';

/** A stored signed tree head, as kept outside the log's own file. */
export interface KeptHead {
  tree_size: number;
  timestamp: number;
  root_hash: string;
  key_id: string;
  signature: string;
}

/** Start-up refused: the data directory is damaged or incomplete. The message says what and what to do. */
export class IntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntegrityError';
  }
}

/** The `meta` key under which a store keeps the fingerprint of the keys it was created with. */
export const KEYS_FINGERPRINT = 'keys_fingerprint';

/**
 * The keys-binding rule for either store: nothing kept yet → keep this fingerprint (true); the same →
 * nothing to do (false); another → refused, naming what to fix.
 */
export function mustKeepFingerprint(kept: string | undefined, fingerprint: string): boolean {
  if (kept === undefined) return true;
  if (kept === fingerprint) return false;
  throw new IntegrityError(
    'the keys folder (VOUCH_KEYS_DIR) holds other keys than the ones this store was created with — another deployment’s keys? ' +
      'Mount this deployment’s keys folder; keys are never replaced over existing data (docs/operations.md)',
  );
}

/** Where the newest signed tree head this gateway issued is kept, outside `audit.db`. */
export function keptHeadFile(dataDir: string): string {
  return path.join(dataDir, 'log-head.json');
}

export function readKeptHead(file: string): KeptHead | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let head: KeptHead;
  try {
    head = JSON.parse(text) as KeptHead;
  } catch {
    throw new IntegrityError(`${file} is not a tree head (damaged?): restore it from a backup, or remove it only if you know the log is whole`);
  }
  if (!Number.isSafeInteger(head.tree_size) || head.tree_size < 0 || typeof head.root_hash !== 'string') {
    throw new IntegrityError(`${file} is not a tree head (damaged?): restore it from a backup, or remove it only if you know the log is whole`);
  }
  return head;
}

/**
 * Keeps `head` as the newest issued one: written to a temporary file, fsynced, renamed over the old one
 * and the directory fsynced, so the file is always a whole head. Older heads never replace newer ones.
 */
export function keepHead(file: string, head: KeptHead): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(head)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  const dir = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
}
