import t from 'tap';
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openGateway } from '../../gateway/context.js';
import { createLogger } from '../../gateway/logger.js';
import { ADMIN, certno, spawnGateway, storedRows, storedValue, storeEnv, tempDir, testConfig } from '../helpers.js';
import { TEST_STORE } from '../postgres.js';
import { feeLine, recordBody } from '../fixtures/records.js';

/**
 * Sudden death under mixed concurrent load (settlements, pushes, quotes): the gateway is killed with
 * SIGKILL at a random moment, many times. After every restart each acknowledged settlement is there
 * (the same request_id gives the same answer), each acknowledged push too, each answered quote's
 * receipt names a leaf that is in the log, `vouch audit verify` passes, and the accumulators equal the
 * sum of what the committed settlements took. CRASH_ROUNDS sets the number of kills (default 6).
 */
const exec = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '../../gateway/cli.js');
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 6);
const SH = 'H31010100001';
const PATIENTS = 40;
const VISITS = 30;

const start = (dir: string) => spawnGateway(dir);

t.test('kill -9 under load loses nothing that was acknowledged', { timeout: 900_000 }, async (t) => {
  const dir = tempDir();
  // Seed parties, consents, policies and visits through the services, then hand the data dir to the server.
  const g = await openGateway(testConfig(dir), createLogger('silent'));
  await g.parties.add({ role: 'hospital', code: SH, name: 'H', level: 3 }, ADMIN);
  for (const code of ['huhuibao', 'baiwan']) await g.parties.add({ role: 'insurer', code, name: code }, ADMIN);
  await g.parties.add({ role: 'bureau', code: 'BUR', name: 'B' }, ADMIN);
  const tokens = { hosp: g.tokens.partyToken(SH, 'hospital', 7200), hhb: g.tokens.partyToken('huhuibao', 'insurer', 7200), bureau: g.tokens.partyToken('BUR', 'bureau', 7200) };
  const hospital = { role: 'hospital' as const, code: SH, jti: 'x' };
  for (let p = 0; p < PATIENTS; p++) {
    const who = certno(3000 + p);
    const patient = { role: 'patient' as const, code: 'patient', subject: g.vault.blindIndex(who), jti: 'x' };
    for (const grantee of ['huhuibao', 'baiwan']) await g.consents.grant(patient, { grantee, purposes: ['eligibility', 'settlement'], valid_until: '2031-01-01' });
    await g.policies.enroll({ role: 'insurer', code: 'huhuibao', jti: 'x' }, `HHB-${p}`, { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' });
    await g.policies.enroll({ role: 'insurer', code: 'baiwan', jti: 'x' }, `BW-${p}`, { certno: who, product: 'baiwan-medical', start_date: '2025-01-01', end_date: '2025-12-31' });
    await Promise.all(
      Array.from({ length: VISITS }, (_, v) =>
        g.records.push(hospital, recordBody({
          certno: who, hospital: SH, mdtrt_id: `C${p}-${v}`, med_type: '21', clr_optins: '310100', ful: (8_000 + v * 500) * 100, inscp: 20_000_00, hifp: 14_000_00, ded: 1_500_00,
          feedetail: [feeLine(1, 'XA02BCA211A012010100154', '09', '03', (8_000 + v * 500) * 100)],
        })),
      ),
    );
  }
  await g.close();

  const acknowledged = { settlements: new Map<string, { body: unknown; payload: unknown }>(), pushes: [] as { payload: unknown; body: { record_id: string; version: number } }[], receipts: [] as { receipt_id: string; leaf_index: number }[] };
  let nextVisit = 0;
  let pushSeq = 0;
  const post = async (url: string, token: string, payload: unknown) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(payload) });
    return { status: res.status, body: (await res.json()) as any };
  };

  for (let round = 0; round < ROUNDS; round++) {
    const { proc, url } = await start(dir);
    // PostgreSQL answers later after a start (the log's sequencer is elected, the pool connects): its
    // processes live a little longer so that load reaches them before the kill.
    const killAt = (TEST_STORE === 'postgres' ? 1000 : 150) + crypto.randomInt(0, TEST_STORE === 'postgres' ? 2000 : 900);
    let stop = false;
    const worker = async (kind: number) => {
      while (!stop) {
        try {
          if (kind % 3 === 0) {
            const i = nextVisit++ % (PATIENTS * VISITS);
            const p = Math.floor(i / VISITS);
            const payload = { certno: certno(3000 + p), mdtrt_id: `C${p}-${i % VISITS}`, request_id: `crash-${i}` };
            const r = await post(`${url}/v1/settlements`, tokens.hosp, payload);
            if (r.status === 201) acknowledged.settlements.set(payload.request_id, { body: r.body, payload });
          } else if (kind % 3 === 1) {
            const p = crypto.randomInt(0, PATIENTS);
            const payload = recordBody({ certno: certno(3000 + p), hospital: SH, mdtrt_id: `N${round}-${pushSeq++}`, inscp: 10_000_00, hifp: 7_000_00 });
            const r = await post(`${url}/v1/records`, tokens.hosp, payload);
            if (r.status === 201) acknowledged.pushes.push({ payload, body: r.body });
          } else {
            const p = crypto.randomInt(0, PATIENTS);
            const r = await post(`${url}/v1/settlements/quote`, tokens.hhb, { certno: certno(3000 + p), policy_no: `HHB-${p}`, provider: SH, mdtrt_id: `C${p}-${crypto.randomInt(0, VISITS)}` });
            if (r.status === 200) acknowledged.receipts.push(r.body.receipt);
          }
        } catch {
          // the connection died with the process: not acknowledged
        }
      }
    };
    const workers = Array.from({ length: 12 }, (_, k) => worker(k));
    const exited = new Promise((r) => proc.once('exit', r));
    await new Promise((r) => setTimeout(r, killAt));
    proc.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await exited;
  }
  t.ok(acknowledged.settlements.size > 0 && acknowledged.pushes.length > 0 && acknowledged.receipts.length > 0, `load ran: ${acknowledged.settlements.size} settlements, ${acknowledged.pushes.length} pushes, ${acknowledged.receipts.length} quotes acknowledged over ${ROUNDS} kills`);

  // After the last kill: restart once more and check everything acknowledged.
  const { url, stop: stopLast } = await start(dir);
  t.teardown(stopLast);
  let settlementsOk = 0;
  for (const [requestId, ack] of acknowledged.settlements) {
    const again = await post(`${url}/v1/settlements`, tokens.hosp, ack.payload);
    if (again.status !== 201 || JSON.stringify(again.body) !== JSON.stringify(ack.body)) t.fail(`settlement ${requestId} changed after the crash`);
    else settlementsOk++;
  }
  t.equal(settlementsOk, acknowledged.settlements.size, 'every acknowledged settlement answers the same, receipt included');
  let pushesOk = 0;
  for (const ack of acknowledged.pushes) {
    const again = await post(`${url}/v1/records`, tokens.hosp, ack.payload);
    if (again.body.record_id === ack.body.record_id && again.body.version === ack.body.version) pushesOk++;
  }
  t.equal(pushesOk, acknowledged.pushes.length, 'every acknowledged push is still there');

  const head = (await (await fetch(`${url}/v1/audit/tree-head`, { headers: { authorization: `Bearer ${tokens.bureau}` } })).json()) as { tree_size: number };
  const stored = new Map((await storedRows(dir, 'SELECT leaf_index, leaf FROM leaves')).map((r) => [Number(r.leaf_index), r.leaf as Buffer]));
  let receiptsOk = 0;
  for (const r of acknowledged.receipts) {
    const leaf = stored.get(r.leaf_index);
    if (r.leaf_index < head.tree_size && leaf && (JSON.parse(leaf.toString()) as { refs?: { receipt_id?: string } }).refs?.receipt_id === r.receipt_id) receiptsOk++;
  }
  t.equal(receiptsOk, acknowledged.receipts.length, 'every answered quote’s leaf is in the log');

  const mismatches = await storedRows(dir, `
    SELECT a.insurer, a.policy_no, a.period_no, a.acc_key, a.used_fen, COALESCE(SUM(d.delta_fen), 0) AS taken
    FROM period_accumulators a
    LEFT JOIN settlement_deltas d ON d.insurer = a.insurer AND d.policy_no = a.policy_no AND d.acc_key = a.acc_key AND d.period_no = a.period_no
    LEFT JOIN settlements s ON s.settlement_id = d.settlement_id
    WHERE s.status IS NULL OR s.status = 'settled'
    GROUP BY a.insurer, a.policy_no, a.period_no, a.acc_key
    HAVING a.used_fen <> COALESCE(SUM(d.delta_fen), 0)`);
  t.same(mismatches, [], 'accumulators equal the sum of committed settlements');
  t.equal(await storedValue(dir, "SELECT COUNT(*) AS n FROM settlements WHERE status = 'settled'"), await storedValue(dir, 'SELECT COUNT(DISTINCT mdtrt_id) AS n FROM settlements'), 'no visit settled twice');

  await new Promise((r) => setTimeout(r, 1200)); // let the outbox drain
  const verify = await exec(process.execPath, [CLI, 'audit', 'verify'], { env: { ...process.env, VOUCH_DATA_DIR: dir, ...storeEnv(dir) } }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stderr: string }) => ({ code: e.code, out: e.stderr }),
  );
  t.equal(verify.code, 0, `vouch audit verify after ${ROUNDS} kills: ${verify.out.trim()}`);
});
