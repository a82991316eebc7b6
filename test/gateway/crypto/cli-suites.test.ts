import t from 'tap';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HHB, SH, Y, enroll, patient, push, quote, world } from '../../fixtures/world.js';
import { storeEnv } from '../../helpers.js';

const exec = promisify(execFile);
const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../gateway/cli.js');

async function cli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [CLI, ...args], { env: { ...process.env, ...(env.VOUCH_DATA_DIR ? storeEnv(env.VOUCH_DATA_DIR, env) : {}), ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

t.test('vouch receipt verify and audit verify under VOUCH_CRYPTO=gm; a start under another suite is refused clearly', async (t) => {
  const w = await world({ VOUCH_CRYPTO: 'gm' });
  const dir = w.h.dir;
  const who = await patient(w, 77, [HHB]);
  await push(w, {
    certno: who, hospital: SH, mdtrt_id: 'CLI-1', med_type: '21', clr_optins: '310100', ful: 23_000 * Y, inscp: 30_000 * Y, hifp: 21_000 * Y, ded: 1_500 * Y,
  });
  await enroll(w, HHB, 'HHB-CLI', who, 'huhuibao-2025');
  const q = await quote(w, HHB, who, 'HHB-CLI', SH, 'CLI-1');
  t.equal(q.body.receipt.alg, 'SM2');
  await w.h.g.accessLog.publishHead();
  const keys = (await w.h.call({ method: 'GET', url: '/v1/keys' })).body;
  await w.h.close();

  const env = { VOUCH_DATA_DIR: dir, VOUCH_CRYPTO: 'gm' };
  const receiptFile = path.join(dir, 'receipt.json');
  fs.writeFileSync(receiptFile, JSON.stringify(q.body.receipt));
  t.equal((await cli(env, 'receipt', 'verify', receiptFile)).code, 0, 'genuine with the data dir’s keys');
  const keysFile = path.join(dir, 'keys.json');
  fs.writeFileSync(keysFile, JSON.stringify(keys));
  t.equal((await cli({}, 'receipt', 'verify', receiptFile, '--public-key', keysFile)).code, 0, 'genuine with a saved GET /v1/keys answer, no data dir');
  const sm2File = path.join(dir, 'sm2.hex');
  fs.writeFileSync(sm2File, `${keys.keys.find((k: any) => k.alg === 'SM2').public_key_hex}\n`);
  t.equal((await cli({}, 'receipt', 'verify', receiptFile, '--public-key', sm2File)).code, 0, 'genuine with the SM2 point alone');
  fs.writeFileSync(receiptFile, JSON.stringify({ ...q.body.receipt, issued_at: '2020-01-01T00:00:00+08:00' }));
  t.not((await cli({}, 'receipt', 'verify', receiptFile, '--public-key', keysFile)).code, 0, 'a changed receipt is not genuine');

  const audit = await cli(env, 'audit', 'verify');
  t.equal(audit.code, 0, audit.stderr);
  t.match(audit.stdout, /audit verify: ok/);

  const refused = await cli({ VOUCH_DATA_DIR: dir }, 'audit', 'verify');
  t.equal(refused.code, 2, 'the default suite (intl) on a gm data dir is refused');
  t.match(refused.stderr, /created with VOUCH_CRYPTO=gm.*cannot be started with VOUCH_CRYPTO=intl/);
  t.equal((await cli({ VOUCH_DATA_DIR: dir, VOUCH_CRYPTO: 'dual' }, 'audit', 'verify')).code, 0, 'gm → dual is allowed');
  const bad = await cli({ VOUCH_DATA_DIR: dir, VOUCH_CRYPTO: 'sm' }, 'audit', 'verify');
  t.same([bad.code, /VOUCH_CRYPTO must be intl, gm or dual/.test(bad.stderr)], [2, true]);
});
