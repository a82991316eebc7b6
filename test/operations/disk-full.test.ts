import t from 'tap';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { openGateway } from '../../gateway/context.js';
import { createLogger } from '../../gateway/logger.js';
import { ADMIN, certno, spawnGateway, tempDir, testConfig } from '../helpers.js';
import { TEST_STORE } from '../postgres.js';

/**
 * A full disk, for real: the data directory on a small tmpfs that a filler file fills up. Writes must be
 * answered 503 with Retry-After (never 500, never a crash), nothing may be committed that was not
 * answered, and service must come back by itself when space returns. Needs permission to mount a tmpfs
 * (root, as on the CI machines); elsewhere the test says so and is skipped.
 */
const exec = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '../../gateway/cli.js');

function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function fill(file: string): void {
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
  // Whatever is left is smaller than a chunk: take it too, byte by byte in small pieces.
  const fd2 = fs.openSync(file, 'a');
  try {
    for (;;) fs.writeSync(fd2, Buffer.alloc(512, 1));
  } catch {
    // full
  } finally {
    fs.closeSync(fd2);
  }
}

const mnt = tempDir('vouch-tmpfs-');
const mounted = mountTmpfs(mnt, '32m');

t.test('a full disk answers 503 STORAGE_UNAVAILABLE with Retry-After, loses nothing, and recovers by itself', { skip: TEST_STORE === 'postgres' ? 'about the embedded store’s disk (VOUCH_TEST_STORE=postgres)' : mounted ? false : 'cannot mount a tmpfs here (needs root)' }, async (t) => {
  t.teardown(() => {
    try {
      execFileSync('umount', ['-l', mnt], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  });
  const dir = path.join(mnt, 'data');
  const g = await openGateway(testConfig(dir), createLogger('silent'));
  await g.parties.add({ role: 'insurer', code: 'huhuibao', name: 'H' }, ADMIN);
  const tokens = Array.from({ length: 4000 }, (_, i) => g.tokens.patientToken(certno(20_000 + i), 3600));
  await g.close();
  const server = await spawnGateway(dir);
  t.teardown(server.stop);

  let next = 0;
  const grant = async () => {
    const res = await fetch(`${server.url}/v1/consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[next++ % tokens.length]}` },
      body: JSON.stringify({ grantee: 'huhuibao', purposes: ['eligibility'], valid_until: '2031-01-01' }),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: { code: string; message: string } } };
  };
  let answered = 0;
  for (let i = 0; i < 20; i++) if ((await grant()).status === 201) answered++;
  t.equal(answered, 20, 'writes work before the disk fills');

  const filler = path.join(mnt, 'filler');
  fill(filler);
  const statuses = new Map<number, number>();
  let refusedRight = 0;
  let keptButUnlogged = 0;
  let sawFull = false;
  for (let i = 0; i < 3000 && !(sawFull && i > 200); i++) {
    const r = await grant();
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    if (r.status === 201) answered++;
    else if (r.status === 503) {
      sawFull = true;
      if (r.retryAfter && (r.body.error?.code === 'STORAGE_UNAVAILABLE' || r.body.error?.code === 'LOG_UNAVAILABLE')) refusedRight++;
      // The one refusal that may follow a commit: the state was saved, its leaf could not be; it says so.
      if (r.body.error?.code === 'LOG_UNAVAILABLE' && /was saved/.test(r.body.error.message)) keptButUnlogged++;
    }
  }
  t.ok(sawFull, `the full disk was reached (${JSON.stringify([...statuses])})`);
  t.notOk(statuses.has(500), 'never a 500');
  t.equal(refusedRight, statuses.get(503), 'every refusal is 503 STORAGE_UNAVAILABLE (or LOG_UNAVAILABLE) with Retry-After');
  t.equal((await fetch(`${server.url}/healthz`)).status, 200, 'the process is still up');
  t.equal((await fetch(`${server.url}/readyz`)).status, 503, 'and says it is not ready while the disk is full');

  fs.rmSync(filler);
  t.equal((await fetch(`${server.url}/readyz`)).status, 200, 'ready again once space returns, before any write shows it');
  let back = false;
  for (let i = 0; i < 200 && !back; i++) {
    const r = await grant();
    if (r.status === 201) {
      answered++;
      back = true;
    } else await new Promise((res) => setTimeout(res, 50));
  }
  t.ok(back, 'writes succeed again once space returns, without a restart');
  for (let i = 0; i < 10; i++) if ((await grant()).status === 201) answered++;
  await new Promise((r) => setTimeout(r, 1500)); // the outbox drains leaves held back while the log was full
  await server.stop();
  t.equal(server.proc.exitCode, 0, 'a clean stop afterwards');

  const db = new Database(path.join(dir, 'vouch.db'), { readonly: true });
  const committed = db.prepare('SELECT COUNT(*) FROM consents').pluck().get() as number;
  db.close();
  // Every 201 is committed; a STORAGE_UNAVAILABLE ("nothing was changed") never is; only a LOG_UNAVAILABLE
  // that says the change was saved may be.
  t.ok(committed >= answered && committed <= answered + keptButUnlogged, `committed ${committed}: ${answered} answered 201, ${keptButUnlogged} told "saved, not yet logged"`);
  const verify = await exec(process.execPath, [CLI, 'audit', 'verify'], { env: { ...process.env, VOUCH_DATA_DIR: dir } }).then((x) => ({ code: 0, out: x.stdout }), (e: { code: number; stderr: string }) => ({ code: e.code, out: e.stderr }));
  t.equal(verify.code, 0, `the log verifies: ${verify.out.trim()}`);
});
