import t from 'tap';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { certno, spawnGateway, tempDir } from '../helpers.js';
import { sqliteOnly } from '../postgres.js';

/**
 * VOUCH_KEYS_DIR (issue 17, CONTRACT.md "Storage and processes"): the keys live where the operator mounts
 * them — a secret shared by every process — not necessarily beside the data. Done for real, with the server
 * and the CLI as processes: a gateway keeps its keys in the named folder and none under the data directory;
 * pointed at an empty keys folder beside data that already has a log, it refuses to start and creates
 * nothing; backup takes the keys from the named folder and restore puts them back there.
 */
const exec = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const SERVER = path.join(here, '../../gateway/server.js');
const CLI = path.join(here, '../../gateway/cli.js');

const envOf = (dataDir: string, keysDir: string): NodeJS.ProcessEnv => ({ ...process.env, VOUCH_DATA_DIR: dataDir, VOUCH_KEYS_DIR: keysDir, VOUCH_LOG_LEVEL: 'silent' });

async function run(file: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; out: string }> {
  return exec(process.execPath, [file, ...args], { env, timeout: 120_000 }).then(
    (r) => ({ code: 0, out: `${r.stdout}${r.stderr}` }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: `${e.stdout}${e.stderr}` }),
  );
}

t.test('keys in VOUCH_KEYS_DIR: used there, never recreated beside a log, carried by backup and restore', sqliteOnly, async (t) => {
  const dataDir = tempDir();
  const keysDir = path.join(tempDir(), 'mounted-secret');
  const first = await spawnGateway(dataDir, { VOUCH_KEYS_DIR: keysDir });
  t.equal((await run(CLI, envOf(dataDir, keysDir), 'party', 'add', '--role', 'insurer', '--code', 'huhuibao', '--name', 'H')).code, 0);
  const token = await run(CLI, envOf(dataDir, keysDir), 'token', '--role', 'patient', '--sub', certno(7));
  t.equal(token.code, 0, 'a patient token is minted with the named keys');
  const consent = await fetch(`${first.url}/v1/consents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token.out.trim()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ grantee: 'huhuibao', purposes: ['eligibility'], valid_until: '2031-01-01' }),
  });
  t.equal(consent.status, 201, 'a consent is recorded');
  await first.stop();
  t.ok(fs.existsSync(path.join(keysDir, 'signing', 'current')), 'the signing key is in the named folder');
  t.notOk(fs.existsSync(path.join(dataDir, 'keys')), 'no keys folder under the data directory');

  // The same data with an empty (wrongly mounted) keys folder: refused, nothing created.
  const wrong = path.join(tempDir(), 'empty-mount');
  fs.mkdirSync(wrong);
  const refused = await run(SERVER, { ...envOf(dataDir, wrong), VOUCH_HTTP_PORT: '0', VOUCH_GRPC_PORT: '0' });
  t.not(refused.code, 0, 'the start is refused');
  t.match(refused.out, /new keys are never created over existing data/);
  t.same(fs.readdirSync(wrong), [], 'nothing was written into the wrong folder');

  // The audit verifier on this machine reads the keys from the same variable.
  const verified = await run(CLI, envOf(dataDir, keysDir), 'audit', 'verify');
  t.equal(verified.code, 0, verified.out);

  // Backup takes the keys from the named folder; restore puts them into the named (empty) folder.
  const out = path.join(tempDir(), 'backup.tar');
  t.equal((await run(CLI, envOf(dataDir, keysDir), 'backup', '--out', out)).code, 0);
  const dataDir2 = path.join(tempDir(), 'restored');
  const keysDir2 = path.join(tempDir(), 'restored-keys');
  const restored = await run(CLI, envOf(dataDir2, keysDir2), 'restore', out);
  t.equal(restored.code, 0, restored.out);
  t.same(fs.readFileSync(path.join(keysDir2, 'blind-index.key')), fs.readFileSync(path.join(keysDir, 'blind-index.key')), 'the same keys, in the named folder');
  const again = await spawnGateway(dataDir2, { VOUCH_KEYS_DIR: keysDir2 });
  t.equal((await fetch(`${again.url}/readyz`)).status, 200, 'the restored gateway starts on the restored keys');
  await again.stop();
});
