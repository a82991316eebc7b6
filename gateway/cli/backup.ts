import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, type Config } from '../config.js';
import { lockDataDir } from '../storage/data-dir-lock.js';
import { snapshotDatabase } from '../storage/sqlite/database.js';
import { keptHeadFile } from '../storage/integrity.js';
import { TarWriter, readTar } from './tar.js';

/**
 * `vouch backup` / `vouch restore`: one tar file holding a consistent copy of a SQLite data directory —
 * `vouch.db`, `log-head.json`, `audit.db` (in that order, see below), the keys folder and a manifest of
 * SHA-256 sums that restore checks before it writes anything.
 *
 * Consistent under load: each database is copied with `VACUUM INTO`, one read transaction, so each copy is
 * a committed state of its file. The state goes first and the log last: whatever the copied state holds
 * either already has its leaf (the log copy, taken later, has it too) or still waits in the copied outbox
 * (appended at the restored gateway's first start) — a restore never holds a change without its leaf. The
 * kept head is copied before the log, so it never claims more than the copied log holds.
 */
export interface Manifest {
  format: 'vouch-backup-1';
  created_at: string;
  files: Record<string, { bytes: number; sha256: string }>;
}

const MANIFEST = 'manifest.json';

function sha256File(file: string): string {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

function filesUnder(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const name = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(root, name));
    else if (e.isFile() && !e.name.endsWith('.tmp')) out.push(name);
  }
  return out.sort();
}

export function backup(dataDir: string, keysDir: string, out: string): Manifest {
  const main = path.join(dataDir, 'vouch.db');
  const audit = path.join(dataDir, 'audit.db');
  if (!fs.existsSync(main) || !fs.existsSync(audit)) throw new Error(`${dataDir} holds no gateway data (vouch.db and audit.db)`);
  if (fs.existsSync(out)) throw new Error(`${out} exists; a backup never overwrites a file`);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'vouch-backup-'));
  try {
    snapshotDatabase(main, path.join(staging, 'vouch.db'));
    const kept = keptHeadFile(dataDir);
    if (fs.existsSync(kept)) fs.copyFileSync(kept, path.join(staging, 'log-head.json'));
    snapshotDatabase(audit, path.join(staging, 'audit.db'));
    const names = fs.readdirSync(staging).sort();
    const keyFiles = filesUnder(keysDir);
    const manifest: Manifest = { format: 'vouch-backup-1', created_at: new Date().toISOString(), files: {} };
    for (const n of names) manifest.files[n] = { bytes: fs.statSync(path.join(staging, n)).size, sha256: sha256File(path.join(staging, n)) };
    for (const k of keyFiles) manifest.files[`keys/${k}`] = { bytes: fs.statSync(path.join(keysDir, k)).size, sha256: sha256File(path.join(keysDir, k)) };
    fs.writeFileSync(path.join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    const tmp = `${out}.partial`;
    const tar = new TarWriter(tmp);
    try {
      tar.file(MANIFEST, path.join(staging, MANIFEST));
      for (const n of names) tar.file(n, path.join(staging, n));
      tar.folder('keys');
      const folders = new Set<string>();
      for (const k of keyFiles) {
        const dir = path.posix.dirname(k);
        if (dir !== '.' && !folders.has(dir)) {
          folders.add(dir);
          tar.folder(`keys/${dir}`);
        }
        tar.file(`keys/${k}`, path.join(keysDir, k));
      }
      tar.close();
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    fs.renameSync(tmp, out);
    return manifest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Restores a backup into an empty (or absent) data directory, holding its lock meanwhile so no gateway
 * starts on a half-restored folder. Every file's size and SHA-256 are checked against the manifest into a
 * staging folder first; only a complete, matching backup is moved into place.
 */
export function restore(file: string, dataDir: string, keysDir: string): Manifest {
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) throw new Error(`${dataDir} is not empty; restore only into an empty data directory`);
  if (keysDir !== path.join(dataDir, 'keys') && fs.existsSync(keysDir) && fs.readdirSync(keysDir).length > 0) {
    throw new Error(`${keysDir} is not empty; restore only into an empty keys folder`);
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = lockDataDir(dataDir);
  const staging = fs.mkdtempSync(path.join(dataDir, '.restore-'));
  let restored = false;
  try {
    const sums = new Map<string, { hash: crypto.Hash; bytes: number }>();
    let fd: number | undefined;
    readTar(
      file,
      (entry) => {
        if (fd !== undefined) fs.closeSync(fd);
        fd = undefined;
        const target = path.join(staging, entry.name);
        if (entry.type === 'folder') fs.mkdirSync(target, { recursive: true, mode: 0o700 });
        else {
          fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
          fd = fs.openSync(target, 'wx', 0o600);
          sums.set(entry.name, { hash: crypto.createHash('sha256'), bytes: 0 });
        }
      },
      (entry, chunk) => {
        fs.writeSync(fd!, chunk);
        const s = sums.get(entry.name)!;
        s.hash.update(chunk);
        s.bytes += chunk.length;
      },
    );
    if (fd !== undefined) fs.closeSync(fd);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(fs.readFileSync(path.join(staging, MANIFEST), 'utf8')) as Manifest;
    } catch {
      throw new Error('the backup has no readable manifest: not a vouch backup');
    }
    if (manifest.format !== 'vouch-backup-1') throw new Error('the backup is not in a format this version restores');
    for (const [name, want] of Object.entries(manifest.files)) {
      const got = sums.get(name);
      if (!got) throw new Error(`the backup lacks ${name}`);
      if (got.bytes !== want.bytes || got.hash.digest('hex') !== want.sha256) throw new Error(`${name} in the backup does not match its checksum: the backup is damaged`);
    }
    for (const name of sums.keys()) if (name !== MANIFEST && !manifest.files[name]) throw new Error(`the backup holds ${name}, which its manifest does not list`);
    for (const name of ['vouch.db', 'audit.db', 'log-head.json']) {
      if (fs.existsSync(path.join(staging, name))) fs.renameSync(path.join(staging, name), path.join(dataDir, name));
    }
    fs.mkdirSync(path.dirname(keysDir), { recursive: true, mode: 0o700 });
    if (fs.existsSync(keysDir)) fs.rmdirSync(keysDir);
    fs.renameSync(path.join(staging, 'keys'), keysDir);
    restored = true;
    return manifest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    lock.release();
    // A refused backup leaves the folder as empty as it was, so the next restore is not refused for it.
    if (!restored) for (const f of ['vouch.lock', 'vouch.lock.holder']) fs.rmSync(path.join(dataDir, f), { force: true });
  }
}

/** `vouch backup` and `restore` copy an embedded data directory; on PostgreSQL they say what to use instead. */
export function embeddedOnly(config: Config, command: string): Config {
  if (config.storage !== 'postgres') return config;
  throw new ConfigError(
    `${command} copies an embedded (SQLite) data directory; with VOUCH_DATABASE_URL the state and the access log are in PostgreSQL: ` +
      'back them up with pg_dump or a base backup with WAL archiving, and the keys folder on its own (docs/operations.md, "PostgreSQL")',
  );
}
