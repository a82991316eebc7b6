import t from 'tap';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { openGateway } from '../../gateway/context.js';
import { createLogger } from '../../gateway/logger.js';
import { ADMIN, certno, spawnGateway, tempDir, testConfig } from '../helpers.js';
import { sqliteOnly } from '../postgres.js';

/**
 * An operator's mistakes with a data directory, done for real with processes and files: two gateways on
 * one directory, a truncated or shortened log, garbage in the state database, lost or damaged keys. Each
 * must stop the start with a message naming what is wrong — never a gateway that reports ready on a log
 * that silently lost its past.
 */
const exec = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const SERVER = path.join(here, '../../gateway/server.js');
const CLI = path.join(here, '../../gateway/cli.js');

/** Runs the server expecting it to refuse to start; resolves with its exit code and stderr. */
async function startRefused(dir: string): Promise<{ code: number; stderr: string }> {
  return exec(process.execPath, [SERVER], { env: { ...process.env, VOUCH_DATA_DIR: dir, VOUCH_HTTP_PORT: '0', VOUCH_GRPC_PORT: '0', VOUCH_LOG_LEVEL: 'silent' }, timeout: 120_000 }).then(
    () => ({ code: 0, stderr: 'the server exited 0 (it should have refused to start)' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
}

async function cli(dir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  return exec(process.execPath, [CLI, ...args], { env: { ...process.env, VOUCH_DATA_DIR: dir } }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: `${e.stdout}${e.stderr}` }),
  );
}

/** A data directory with parties, consents and a log of some size with signed heads. */
async function seeded(): Promise<string> {
  const dir = tempDir();
  const g = await openGateway(testConfig(dir), createLogger('silent'));
  await g.parties.add({ role: 'insurer', code: 'huhuibao', name: 'H' }, ADMIN);
  for (let i = 0; i < 20; i++) {
    await g.consents.grant({ role: 'patient', code: 'patient', subject: g.vault.blindIndex(certno(100 + i)), jti: 'x' }, { grantee: 'huhuibao', purposes: ['eligibility'], valid_until: '2031-01-01' });
  }
  await g.accessLog.publishHead();
  await g.close();
  return dir;
}

t.test('a second gateway on the same data directory refuses to start and names the holder; the first keeps serving', sqliteOnly, async (t) => {
  const dir = await seeded();
  const first = await spawnGateway(dir);
  t.teardown(first.stop);
  const second = await startRefused(dir);
  t.not(second.code, 0, 'the second process exits non-zero');
  t.match(second.stderr, new RegExp(`in use by process ${first.proc.pid}`), 'it names the holder’s process id');
  const ready = await fetch(`${first.url}/readyz`);
  t.equal(ready.status, 200, 'the first is still ready');
  const token = await cli(dir, 'token', '--role', 'patient', '--sub', certno(999));
  const res = await fetch(`${first.url}/v1/consents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token.out.trim()}` },
    body: JSON.stringify({ grantee: 'huhuibao', purposes: ['eligibility'], valid_until: '2031-01-01' }),
  });
  t.equal(res.status, 201, 'and the first still writes');
  // The lock is the OS's: a killed holder leaves nothing stale behind.
  const exited = new Promise((r) => first.proc.once('exit', r));
  first.proc.kill('SIGKILL');
  await exited;
  const again = await spawnGateway(dir);
  t.teardown(again.stop);
  t.equal((await fetch(`${again.url}/readyz`)).status, 200, 'after SIGKILL of the holder a new gateway starts at once');
});

t.test('an access log truncated to nothing beside existing data is refused, and so is an empty new one', sqliteOnly, async (t) => {
  const dir = await seeded();
  fs.truncateSync(path.join(dir, 'audit.db'), 0);
  for (const f of ['audit.db-wal', 'audit.db-shm']) fs.rmSync(path.join(dir, f), { force: true });
  const r = await startRefused(dir);
  t.not(r.code, 0);
  t.match(r.stderr, /audit\.db/, 'the message names the file');
  t.match(r.stderr, /restore/, 'and the way back');
  // Deleting it instead changes nothing: the data knows its log.
  fs.rmSync(path.join(dir, 'audit.db'));
  t.not((await startRefused(dir)).code, 0, 'a deleted log is refused too');
});

t.test('a log shorter than the newest head this gateway signed is refused; vouch audit verify fails on it', sqliteOnly, async (t) => {
  const dir = await seeded();
  const kept = JSON.parse(fs.readFileSync(path.join(dir, 'log-head.json'), 'utf8')) as { tree_size: number };
  t.ok(kept.tree_size > 5, `the newest head is kept outside audit.db (size ${kept.tree_size})`);
  // Cut the end off the log, heads included, as a restore of an old file or a bad copy would.
  const db = new Database(path.join(dir, 'audit.db'));
  db.prepare('DELETE FROM leaves WHERE leaf_index >= ?').run(kept.tree_size - 3);
  db.prepare('DELETE FROM tree_heads WHERE tree_size >= ?').run(kept.tree_size - 3);
  db.prepare('DELETE FROM nodes').run();
  db.close();
  const r = await startRefused(dir);
  t.not(r.code, 0);
  t.match(r.stderr, new RegExp(`holds ${kept.tree_size - 3} leaves, but this gateway signed a tree head at size ${kept.tree_size}`));
  const v = await cli(dir, 'audit', 'verify');
  t.not(v.code, 0, 'audit verify fails too');
  t.match(v.out, /shorter|gone/);
});

t.test('garbage in vouch.db is refused with a clear message, not served as empty', sqliteOnly, async (t) => {
  const dir = await seeded();
  const file = path.join(dir, 'vouch.db');
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 0);
  fs.closeSync(fd);
  const r = await startRefused(dir);
  t.not(r.code, 0);
  t.match(r.stderr, /vouch\.db/);
  t.notMatch(r.stderr, /at .*\.js:\d+/, 'a message, not a stack trace');
});

t.test('a damaged page inside vouch.db fails quick_check and is refused', sqliteOnly, async (t) => {
  const dir = await seeded();
  const file = path.join(dir, 'vouch.db');
  // Checkpoint the WAL into the file so the damage lands on real pages, then scribble over page 3 onwards.
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(pageSize * 2, 0xa5), 0, pageSize * 2, pageSize * 2);
  fs.closeSync(fd);
  const r = await startRefused(dir);
  t.not(r.code, 0);
  t.match(r.stderr, /vouch\.db/);
});

t.test('lost keys beside existing data stop the start and no new keys are made; a damaged key is refused', sqliteOnly, async (t) => {
  const dir = await seeded();
  fs.renameSync(path.join(dir, 'keys'), path.join(dir, 'keys.moved'));
  const r = await startRefused(dir);
  t.not(r.code, 0);
  t.match(r.stderr, /new keys are never created over existing data/);
  t.notOk(fs.existsSync(path.join(dir, 'keys', 'signing')), 'no signing key was created');
  fs.rmSync(path.join(dir, 'keys'), { recursive: true, force: true });
  fs.renameSync(path.join(dir, 'keys.moved'), path.join(dir, 'keys'));
  fs.writeFileSync(path.join(dir, 'keys', 'blind-index.key'), Buffer.alloc(16).toString('base64'));
  const short = await startRefused(dir);
  t.not(short.code, 0);
  t.match(short.stderr, /blind-index\.key is not a 32-byte key/);
});

t.test('a deleted or emptied vouch.db beside an existing log is refused, not started empty', sqliteOnly, async (t) => {
  for (const how of ['deleted', 'emptied'] as const) {
    const dir = await seeded();
    for (const f of ['vouch.db-wal', 'vouch.db-shm']) fs.rmSync(path.join(dir, f), { force: true });
    if (how === 'deleted') fs.rmSync(path.join(dir, 'vouch.db'));
    else fs.truncateSync(path.join(dir, 'vouch.db'), 0);
    const r = await startRefused(dir);
    t.not(r.code, 0, how);
    t.match(r.stderr, /vouch\.db holds no data, but audit\.db is the access log/, how);
  }
});

t.test('leaves cut off the log are refused at start even when log-head.json went with them', sqliteOnly, async (t) => {
  const dir = await seeded();
  const kept = JSON.parse(fs.readFileSync(path.join(dir, 'log-head.json'), 'utf8')) as { tree_size: number };
  fs.rmSync(path.join(dir, 'log-head.json'));
  const db = new Database(path.join(dir, 'audit.db'));
  db.prepare('DELETE FROM leaves WHERE leaf_index >= ?').run(kept.tree_size - 2);
  db.close();
  const r = await startRefused(dir);
  t.not(r.code, 0);
  t.match(r.stderr, new RegExp(`holds a signed tree head at size ${kept.tree_size}`));
});
