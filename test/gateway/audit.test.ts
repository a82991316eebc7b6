import t from 'tap';
import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { EVENT_KINDS, makeEvent, type AuditEvent } from '../../gateway/domain/audit-events.js';
import { MemoryTree, leafHash, verifyConsistency, verifyInclusion } from '../../gateway/domain/merkle.js';
import { AccessLog, verifyTreeHead } from '../../gateway/services/access-log/access-log.js';
import { verifyAccessLog } from '../../gateway/services/access-log/verify.js';
import { WorkerLogWriter } from '../../gateway/services/access-log/writer.js';
import { verifyReceipt } from '../../gateway/services/access-log/receipts.js';
import { witness, type WitnessSource } from '../../gateway/services/access-log/witness.js';
import { openDatabase } from '../../gateway/storage/sqlite/database.js';
import { AUDIT_MIGRATIONS } from '../../gateway/storage/sqlite/audit-schema.js';
import { SqliteLogStore } from '../../gateway/storage/sqlite/log-store.js';
import { KeyStore } from '../../keys/keystore.js';
import { createSigner } from 'fast-jwt';
import { certno, harness, tempDir, type Harness, allLeaves } from '../helpers.js';
import { feeLine, recordBody } from '../fixtures/records.js';

const SH = 'H31010100001';
const SUBJECT = 'a'.repeat(64);

function event(i: number, extra: Partial<AuditEvent> = {}): AuditEvent {
  return makeEvent({ kind: 'query.quote', time: 1_700_000_000_000 + i, actor: `INS-${i % 7}`, actor_role: 'insurer', outcome: 'allowed', subject: SUBJECT, ...extra });
}

function freshLog(dir = tempDir()) {
  const keys = KeyStore.open(dir);
  const db = openDatabase(path.join(dir, 'audit.db'), AUDIT_MIGRATIONS);
  const log = new AccessLog(new SqliteLogStore(db), keys, { maxDelayMs: 0, headIntervalMs: 0 });
  return { dir, keys, db, log, close: async () => { await log.close(); db.close(); } };
}

t.test('the stored log agrees with an in-memory RFC 6962 tree at every size', async (t) => {
  const { log, db, keys, close } = freshLog();
  t.teardown(close);
  const mem = new MemoryTree();
  const events = Array.from({ length: 130 }, (_, i) => event(i));
  const indexes = await Promise.all(events.map((e) => log.append(e)));
  t.same(indexes, events.map((_, i) => i), 'indexes in order, one group commit');
  for (const e of events) mem.append(leafHash(Buffer.from(JSON.stringify(e) === '' ? '' : db.prepare('SELECT leaf FROM leaves WHERE event_id = ?').pluck().get(e.event_id) as Buffer)));
  for (let n = 1; n <= 130; n++) t.equal(log.rootAt(n).toString('hex'), mem.root(n).toString('hex'), `root at ${n}`);
  const head = await log.treeHead();
  t.equal(head.tree_size, 130);
  t.ok(verifyTreeHead(head, keys.signing.publicKey), 'head signature verifies');
  for (const i of [0, 1, 64, 127, 129]) {
    const p = log.inclusionProof(i, 130);
    t.ok(verifyInclusion(i, 130, Buffer.from(p.leaf_hash, 'hex'), p.audit_path.map((h) => Buffer.from(h, 'hex')), Buffer.from(head.root_hash, 'hex')), `inclusion ${i}`);
  }
  for (const m of [0, 1, 7, 64, 100, 130]) {
    const proof = log.consistencyProof(m, 130).map((h) => Buffer.from(h, 'hex'));
    t.ok(verifyConsistency(m, 130, log.rootAt(m), Buffer.from(head.root_hash, 'hex'), proof), `consistency ${m}→130`);
  }
  t.equal(await log.append(events[5]!), 5, 'appending an event already in the log is idempotent');
  t.throws(() => log.inclusionProof(130, 130), { code: 'VALIDATION_FAILED' });
  t.throws(() => log.consistencyProof(5, 131), { code: 'VALIDATION_FAILED' });
});

t.test('the log survives reopening: the frontier is rebuilt from storage', async (t) => {
  const dir = tempDir();
  const a = freshLog(dir);
  for (let i = 0; i < 37; i++) await a.log.append(event(i));
  const rootBefore = a.log.rootAt(37).toString('hex');
  await a.close();
  const b = freshLog(dir);
  t.teardown(b.close);
  t.equal(b.log.size, 37);
  for (let i = 37; i < 50; i++) await b.log.append(event(i));
  const mem = new MemoryTree();
  for (const row of b.db.prepare('SELECT leaf FROM leaves ORDER BY leaf_index').pluck().all() as Buffer[]) mem.append(leafHash(row));
  t.equal(b.log.rootAt(50).toString('hex'), mem.root(50).toString('hex'));
  t.equal(b.log.rootAt(37).toString('hex'), rootBefore);
  t.same(verifyAccessLog(new SqliteLogStore(b.db), (k) => b.keys.signingPublicKey(k)), { ok: true, leaves: 50, heads: 0 });
});

t.test('a log that cannot be written fails closed and says so', async (t) => {
  const { log, db, close } = freshLog();
  await log.append(event(0));
  db.close();
  await t.rejects(log.append(event(1)), { code: 'LOG_UNAVAILABLE' });
  t.equal(log.healthy, false, '/readyz reports it');
  await log.close();
  t.doesNotThrow(close === undefined ? () => {} : () => undefined);
});

t.test('the writer thread: same tree, heads signed there, and a lost thread fails closed then recovers', async (t) => {
  const dir = tempDir();
  const keys = KeyStore.open(dir);
  const db = openDatabase(path.join(dir, 'audit.db'), AUDIT_MIGRATIONS);
  const writer = new WorkerLogWriter({ storage: 'sqlite', dataDir: dir });
  const log = new AccessLog(new SqliteLogStore(db), keys, { maxDelayMs: 0, headIntervalMs: 0, writer });
  t.teardown(async () => {
    await log.close();
    db.close();
  });
  const events = Array.from({ length: 300 }, (_, i) => event(i));
  const first = await Promise.all(events.map((e) => log.append(e)));
  t.same(first, first.map((_, i) => i), 'indexes in order across batches written by the thread');
  t.equal(log.size, 300, 'committed size seen by the gateway thread');
  const head = await log.treeHead();
  t.equal(head.tree_size, 300);
  t.ok(verifyTreeHead(head, keys.signing.publicKey), 'a head signed on the writer thread verifies');
  const mem = new MemoryTree();
  for (const leaf of db.prepare('SELECT leaf FROM leaves ORDER BY leaf_index').pluck().all() as Buffer[]) mem.append(leafHash(leaf));
  t.equal(head.root_hash, mem.root(300).toString('hex'), 'its root is the RFC 6962 root of the stored leaves');
  t.equal(await log.append(events[7]!), 7, 'an event already in the log keeps its index (outbox replay)');

  // The thread dies with a batch out: that batch's callers get LOG_UNAVAILABLE, never an answer.
  const lost = log.append(event(1000));
  await writer.crashForTest();
  await t.rejects(lost, { code: 'LOG_UNAVAILABLE' });
  t.equal(log.healthy, false, '/readyz reports it');
  // The next batch starts a new thread, which rebuilds the tree's edge from disk.
  const next = await log.append(event(1001));
  t.equal(log.healthy, true, 'healthy again after a durable write');
  const stored = db.prepare('SELECT COUNT(*) FROM leaves').pluck().get() as number;
  t.equal(next, stored - 1, 'the new leaf follows whatever the lost batch did or did not commit');
  t.same(verifyAccessLog(new SqliteLogStore(db), (k) => keys.signingPublicKey(k)), { ok: true, leaves: stored, heads: 1 }, 'the stored log still verifies end to end');
});

t.test('search by subject finds every committed leaf, indexed or not yet indexed', async (t) => {
  const { log, db, close, dir } = freshLog();
  const alice = 'b'.repeat(64);
  const bob = 'c'.repeat(64);
  const events = Array.from({ length: 40 }, (_, i) => event(i, { subject: i % 3 === 0 ? alice : bob }));
  for (const e of events) await log.append(e);
  const aliceLeaves = events.map((e, i) => (e.subject === alice ? i : -1)).filter((i) => i >= 0);
  const indexed = () => db.prepare('SELECT indexed_upto FROM search_progress').pluck().get() as number;
  t.equal(indexed(), 40, 'the inline writer indexes as it goes');
  t.same(log.search({ subject: alice, limit: 100 }).map((r) => r.leaf_index), aliceLeaves);

  // As after a crash, or under load before the writer thread's idle time: the last 25 leaves are not
  // in the index yet. The search reads them from the table and still finds them all, in order.
  db.prepare('DELETE FROM leaf_subjects WHERE leaf_index >= 15').run();
  db.prepare('UPDATE search_progress SET indexed_upto = 15').run();
  t.same(log.search({ subject: alice, limit: 100 }).map((r) => r.leaf_index), aliceLeaves, 'unindexed leaves found too');
  t.same(log.search({ subject: alice, limit: 3 }).map((r) => r.leaf_index), aliceLeaves.slice(0, 3), 'limit across the two parts');
  const page2 = log.search({ subject: alice, after: aliceLeaves[4]!, limit: 3 }).map((r) => r.leaf_index);
  t.same(page2, aliceLeaves.slice(5, 8), 'cursor pages across the boundary');
  t.same(log.search({ subject: alice, actor: 'INS-3', limit: 100 }).map((r) => r.leaf_index), aliceLeaves.filter((i) => i % 7 === 3), 'combined with other filters');
  t.equal(log.search({ subject: 'd'.repeat(64), limit: 100 }).length, 0);
  await close();

  // Reopened (as after the crash), the next write brings the index up to date.
  const again = freshLog(dir);
  t.teardown(again.close);
  await again.log.append(event(99, { subject: alice }));
  t.equal(again.db.prepare('SELECT indexed_upto FROM search_progress').pluck().get(), 41);
  t.equal(again.db.prepare('SELECT COUNT(*) FROM leaf_subjects WHERE subject = ?').pluck().get(alice), aliceLeaves.length + 1);
});

t.test('migrating a log built with the old subject index keeps every leaf searchable', async (t) => {
  const dir = tempDir();
  const file = path.join(dir, 'audit.db');
  const old = openDatabase(file, AUDIT_MIGRATIONS.slice(0, 1));
  const ins = old.prepare("INSERT INTO leaves (leaf_index, event_id, leaf, leaf_hash, time, actor, actor_role, action, subject, outcome) VALUES (?, ?, x'00', x'00', 1, 'A', 'insurer', 'query.quote', ?, 'allowed')");
  ins.run(0, 'e0', SUBJECT);
  ins.run(1, 'e1', null);
  ins.run(2, 'e2', SUBJECT);
  old.close();
  const db = openDatabase(file, AUDIT_MIGRATIONS);
  t.teardown(() => db.close());
  t.same(db.prepare('SELECT leaf_index FROM leaf_subjects WHERE subject = ? ORDER BY leaf_index').pluck().all(SUBJECT), [0, 2]);
  t.equal(db.prepare('SELECT indexed_upto FROM search_progress').pluck().get(), 3);
  t.notOk(db.prepare("SELECT name FROM sqlite_master WHERE name = 'leaves_subject'").get(), 'the random-key index on leaves is gone');
});

async function scenario(h: Harness) {
  const admin = await h.party('admin', 'ops');
  const hosp = await h.party('hospital', SH, { level: 3 });
  const insurer = await h.party('insurer', 'huhuibao');
  const bureau = await h.party('bureau', 'SH-YBJ');
  const who = certno(500);
  const CANARY = { name: '审计金丝雀丙', diag: 'CanaryAuditDiagnosis', amount: '87654.32' };
  const pat = h.patientToken(who);
  const consent = await h.call({ method: 'POST', url: '/v1/consents', token: pat, payload: { grantee: 'huhuibao', purposes: ['eligibility', 'settlement', 'claim_verification'], valid_until: '2030-12-31' } });
  const spec = {
    certno: who, hospital: SH, mdtrt_id: 'AUD1', med_type: '21', clr_optins: '310100', ful: 8_765_432, inscp: 3_000_000, hifp: 2_000_000,
    psn_name: CANARY.name, diseinfo: [{ diag_type: '1', diag_code: 'C50.900', diag_name: CANARY.diag, maindiag_flag: '1' }],
    feedetail: [feeLine(1, 'XA02BCA211A012010100154', '09', '03', 8_765_432)],
  };
  await h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: recordBody(spec) });
  await h.call({ method: 'POST', url: '/v1/records', token: hosp, payload: recordBody({ ...spec, certno: certno(501), mdtrt_id: 'AUD-X' }) });
  await h.call({ method: 'PUT', url: '/v1/policies/AUD-P', token: insurer, payload: { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' } });
  // An explicit correction while no answer has used the period (after use it is refused, issue 12 review).
  await h.call({ method: 'PUT', url: '/v1/policies/AUD-P', token: insurer, payload: { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31', claim_free_years: 1, correction: true } });

  const visit = { certno: who, provider: SH, mdtrt_id: 'AUD1' };
  const elig = await h.call({ method: 'POST', url: '/v1/eligibility', token: insurer, payload: { ...visit, policy_no: 'AUD-P' } });
  const quote = await h.call({ method: 'POST', url: '/v1/settlements/quote', token: insurer, payload: { ...visit, policy_no: 'AUD-P' } });
  // The period is frozen now: a renewal, and the insurer's read of its policy.
  await h.call({ method: 'PUT', url: '/v1/policies/AUD-P', token: insurer, payload: { certno: who, product: 'huhuibao-2025', start_date: '2026-01-01', end_date: '2026-12-31' } });
  await h.call({ method: 'GET', url: '/v1/policies/AUD-P', token: insurer });
  await h.call({ method: 'POST', url: '/v1/settlements/quote', token: insurer, payload: { ...visit, mdtrt_id: 'NOPE', policy_no: 'AUD-P' } });
  for (let i = 0; i < 6; i++) await h.call({ method: 'POST', url: '/v1/claims/verify', token: insurer, payload: { ...visit, claimed: { medfee_sumamt_fen: i } } });
  const settled = await h.call({ method: 'POST', url: '/v1/settlements', token: hosp, payload: { certno: who, mdtrt_id: 'AUD1', request_id: 'r1' } });
  await h.call({ method: 'POST', url: '/v1/settlements', token: hosp, payload: { certno: who, mdtrt_id: 'AUD1', request_id: 'r2' } });
  await h.call({ method: 'POST', url: `/v1/settlements/${settled.body.settlement_id}/reversal`, token: hosp });
  await h.call({ method: 'POST', url: `/v1/consents/${consent.body.consent_id}/revoke`, token: pat });
  await h.call({ method: 'POST', url: '/v1/parties', token: admin, payload: { role: 'insurer', code: 'INS-B', name: 'B' } });
  await h.call({ method: 'POST', url: '/v1/parties/INS-B/suspend', token: admin });
  await h.call({ method: 'POST', url: '/v1/parties/INS-B/activate', token: admin });
  await h.call({ method: 'POST', url: '/v1/keys/signing/rotate', token: admin });
  // The statistics lab: a budget set, a release, a refusal past the budget.
  await h.call({ method: 'PUT', url: '/v1/stats/budgets/huhuibao', token: bureau, payload: { rho: 0.5, period_end: '2099-12-31' } });
  await h.call({ method: 'POST', url: '/v1/stats/queries', token: insurer, payload: { metric: 'sum', value: 'out_of_list_fen', group_by: ['age_band'], rho: 0.5 } });
  await h.call({ method: 'POST', url: '/v1/stats/queries', token: insurer, payload: { metric: 'count', group_by: [], rho: 0.5 } });
  await h.call({ method: 'GET', url: '/v1/stats/releases', token: bureau });
  // token.issued: a party with a key trades a client assertion for a token.
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  await h.call({ method: 'POST', url: '/v1/parties', token: admin, payload: { role: 'insurer', code: 'INS-K', name: 'K', public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }) } });
  const assertion = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, algorithm: 'EdDSA' })({
    iss: 'INS-K', sub: 'INS-K', aud: 'urn:vouch:gateway/v1/token', jti: crypto.randomUUID(), exp: Math.floor(Date.now() / 1000) + 60,
  });
  await h.call({ method: 'POST', url: '/v1/token', payload: { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion } });
  // Reads of the log leave leaves too: a bureau search by ID number, the patient's own log, the summary.
  await h.call({ method: 'GET', url: `/v1/audit/events?certno=${who}`, token: bureau });
  await h.call({ method: 'GET', url: '/v1/me/access-log', token: pat });
  await h.call({ method: 'GET', url: '/v1/supervision/summary?from=2020-01-01T00:00:00Z&to=2031-01-01T00:00:00Z', token: bureau });
  return { who, bureau, insurer, pat, elig, quote, settled, CANARY };
}

t.test('every event kind leaves a leaf; endpoints prove them; no personal data in any leaf', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const s = await scenario(h);
  const leaves = await allLeaves(h.g);
  const kinds = new Set(leaves.map((l) => (JSON.parse(l.toString()) as AuditEvent).kind));
  const leafHashOf = (i: number) => leafHash(leaves[i]!).toString('hex');
  for (const k of EVENT_KINDS) t.ok(kinds.has(k), `${k} produced a leaf`);
  const everything = Buffer.concat(leaves).toString('utf8');
  for (const c of [s.who, s.CANARY.name, s.CANARY.diag, 'C50.900', s.CANARY.amount, '8765432', 'AUD-P', 'Bearer', 'eyJ']) {
    t.notOk(everything.includes(c), `no ${c} in any leaf`);
  }

  // A receipt, checked as a third party would: signature with the published key, then inclusion of its
  // leaf in a signed head.
  const head = await h.call({ method: 'GET', url: '/v1/audit/tree-head', token: s.bureau });
  const keys = await h.call({ method: 'GET', url: '/v1/keys' });
  const pub = (kid: string) => {
    const k = keys.body.keys.find((x: { key_id: string }) => x.key_id === kid);
    return k ? crypto.createPublicKey(k.public_key_pem) : undefined;
  };
  t.equal(keys.body.keys.length, 2, 'after rotation both signing keys are published');
  t.ok(verifyTreeHead(head.body, pub(head.body.key_id)!), 'the head verifies with the published key');
  for (const answer of [s.elig.body, s.quote.body, s.settled.body]) {
    const receipt = answer.receipt;
    t.ok(verifyReceipt(receipt, pub), 'receipt verifies offline (signed before the key rotation)');
    const { receipt: _r, receipt_salt: salt, ...rest } = answer;
    t.equal(crypto.createHmac('sha256', Buffer.from(salt, 'hex')).update(canonical(rest)).digest('hex'), receipt.result_digest, 'result_digest covers the answer (keyed with its salt)');
    t.equal(leafHashOf(receipt.leaf_index), receipt.leaf_hash, 'the receipt names its leaf hash');
    const proof = await h.call({ method: 'GET', url: `/v1/audit/proof/inclusion?leaf_index=${receipt.leaf_index}&tree_size=${head.body.tree_size}`, token: s.insurer });
    t.equal(proof.status, 200);
    const leaf = await h.call({ method: 'GET', url: `/v1/audit/leaves?start=${receipt.leaf_index}&end=${receipt.leaf_index + 1}`, token: s.bureau });
    const bytes = Buffer.from(leaf.body.leaves[0].leaf, 'base64');
    t.equal(leafHash(bytes).toString('hex'), proof.body.leaf_hash, 'the leaf bytes hash to the proven leaf');
    t.equal(JSON.parse(bytes.toString()).refs.receipt_id, receipt.receipt_id, 'the leaf names the receipt');
    t.ok(verifyInclusion(receipt.leaf_index, head.body.tree_size, bytes.length ? leafHash(bytes) : Buffer.alloc(0), proof.body.audit_path.map((x: string) => Buffer.from(x, 'hex')), Buffer.from(head.body.root_hash, 'hex')));
  }
  const tampered = { ...s.quote.body.receipt, result_digest: '0'.repeat(64) };
  t.notOk(verifyReceipt(tampered, pub), 'a changed receipt does not verify');

  // Consistency between an older head and a newer one.
  const older = head.body;
  await h.call({ method: 'GET', url: '/v1/products', token: s.insurer });
  await h.call({ method: 'POST', url: '/v1/claims/verify', token: s.insurer, payload: { certno: s.who, provider: SH, mdtrt_id: 'AUD1', claimed: { medfee_sumamt_fen: 1 } } });
  const newer = (await h.call({ method: 'GET', url: '/v1/audit/tree-head', token: s.bureau })).body;
  t.ok(newer.tree_size > older.tree_size);
  const cons = await h.call({ method: 'GET', url: `/v1/audit/proof/consistency?first=${older.tree_size}&second=${newer.tree_size}`, token: s.bureau });
  t.ok(verifyConsistency(older.tree_size, newer.tree_size, Buffer.from(older.root_hash, 'hex'), Buffer.from(newer.root_hash, 'hex'), cons.body.proof.map((x: string) => Buffer.from(x, 'hex'))));
  t.equal((await h.call({ method: 'GET', url: '/v1/audit/proof/consistency?first=5&second=999999', token: s.bureau })).status, 400);
  t.equal((await h.call({ method: 'GET', url: '/v1/audit/proof/consistency?first=1&second=2', token: s.insurer })).status, 403, 'consistency proofs are the bureau’s');

  // The bureau's search: by ID number (blind index), action, outcome; stable cursor pages.
  const denied = await h.call({ method: 'GET', url: `/v1/audit/events?certno=${s.who}&outcome=denied`, token: s.bureau });
  t.ok(denied.body.events.some((e: { action: string; reason: string }) => e.action === 'query.quote' && e.reason === 'NO_SUCH_VISIT'), 'the real reason behind NOT_AVAILABLE is visible to the bureau');
  t.ok(denied.body.events.every((e: { subject: string }) => /^[0-9a-f]{64}$/.test(e.subject) && e.subject !== s.who));
  const pages: number[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const r: { body: { events: { leaf_index: number }[]; next_cursor: string | null } } = await h.call({ method: 'GET', url: `/v1/audit/events?limit=7${cursor ? `&cursor=${cursor}` : ''}`, token: s.bureau });
    pages.push(...r.body.events.map((e) => e.leaf_index));
    cursor = r.body.next_cursor;
  }
  t.same(pages, [...pages].sort((a, b) => a - b), 'stable order');
  t.equal(new Set(pages).size, pages.length, 'no event twice across pages');
  // Each page's search is itself a leaf, appended after its page was read: all but the last page's own.
  t.equal(pages.length, h.g.accessLog.size - 1, 'every leaf is seen, the searches’ own included');
  const byActor = await h.call({ method: 'GET', url: '/v1/audit/events?actor=huhuibao&action=query.eligibility', token: s.bureau });
  t.equal(byActor.body.events.length, 1);
  const future = await h.call({ method: 'GET', url: `/v1/audit/events?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, token: s.bureau });
  t.equal(future.body.events.length, 0);
  t.equal((await h.call({ method: 'GET', url: '/v1/audit/events?action=drop%20table', token: s.bureau })).status, 400);

  // The patient sees every access to their data, without the blind index.
  const mine = await h.call({ method: 'GET', url: '/v1/me/access-log', token: s.pat });
  const actions = new Set(mine.body.events.map((e: { action: string }) => e.action));
  for (const a of ['consent.granted', 'record.pushed', 'query.eligibility', 'query.quote', 'query.claim_verification', 'settlement.settled', 'settlement.reversed', 'consent.revoked']) {
    t.ok(actions.has(a), `patient sees ${a}`);
  }
  t.ok(mine.body.events.every((e: Record<string, unknown>) => !('subject' in e)));
  t.notOk(mine.raw.includes('INS-B'), "nobody else's events");
  const other = await h.call({ method: 'GET', url: '/v1/me/access-log', token: h.patientToken(certno(501)) });
  t.ok(other.body.events.every((e: { action: string }) => e.action === 'record.rejected'), "another patient sees only their own (a refused push)");
});

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

t.test('tampering with stored leaves or heads is caught by `vouch audit verify`, naming it', async (t) => {
  const prepare = async () => {
    const f = freshLog();
    for (let i = 0; i < 40; i++) {
      await f.log.append(event(i));
      if (i === 9 || i === 24 || i === 39) await f.log.publishHead();
    }
    await f.log.close();
    const db = new Database(path.join(f.dir, 'audit.db'));
    const verify = () => verifyAccessLog(new SqliteLogStore(db), (k) => f.keys.signingPublicKey(k));
    return { ...f, raw: db, verify };
  };
  {
    const f = await prepare();
    t.same(f.verify(), { ok: true, leaves: 40, heads: 3 }, 'untouched log verifies');
  }
  {
    const f = await prepare();
    f.raw.prepare("UPDATE leaves SET leaf = CAST(replace(CAST(leaf AS TEXT), 'INS-3', 'INS-9') AS BLOB) WHERE leaf_index = 17").run();
    t.match(f.verify().problem, /^leaf 17: its stored hash/, 'edited leaf named');
  }
  {
    const f = await prepare();
    const leaf = Buffer.from((f.raw.prepare('SELECT leaf FROM leaves WHERE leaf_index = 17').pluck().get() as Buffer).toString().replace('"INS-3"', '"INS-9"'));
    f.raw.prepare("UPDATE leaves SET leaf = ?, leaf_hash = ?, actor = 'INS-9' WHERE leaf_index = 17").run(leaf, leafHash(leaf));
    t.match(f.verify().problem, /tree node .* leaves 16–17|tree node 1\/8/, 'an edit with a recomputed leaf hash is caught by the stored subtree');
    f.raw.prepare('DELETE FROM nodes').run();
    t.match(f.verify().problem, /tree head at size 25: the log does not match it — a leaf in 10–24/, 'and without subtrees, by the signed head, naming the range');
  }
  {
    const f = await prepare();
    f.raw.prepare('DELETE FROM leaves WHERE leaf_index = 30').run();
    t.match(f.verify().problem, /^leaf 30 is missing/, 'deleted leaf named');
  }
  {
    const f = await prepare();
    f.raw.prepare('DELETE FROM leaves WHERE leaf_index >= 35').run();
    f.raw.prepare('DELETE FROM nodes WHERE (idx + 1) * (1 << level) > 35').run();
    t.match(f.verify().problem, /tree head at size 40: it covers more leaves than the log holds \(leaves 35–39/, 'truncation named');
  }
  {
    const f = await prepare();
    const a = f.raw.prepare('SELECT * FROM leaves WHERE leaf_index = 3').get() as Record<string, unknown>;
    const b = f.raw.prepare('SELECT * FROM leaves WHERE leaf_index = 4').get() as Record<string, unknown>;
    const put = f.raw.prepare('UPDATE leaves SET event_id = ?, leaf = ?, leaf_hash = ?, time = ?, actor = ? WHERE leaf_index = ?');
    put.run(`${b.event_id}x`, b.leaf, b.leaf_hash, b.time, b.actor, 3);
    put.run(a.event_id, a.leaf, a.leaf_hash, a.time, a.actor, 4);
    put.run(b.event_id, b.leaf, b.leaf_hash, b.time, b.actor, 3);
    t.match(f.verify().problem, /leaf 3: its indexed columns|tree node/, 'reordered leaves caught');
  }
  {
    const f = await prepare();
    f.raw.prepare('UPDATE tree_heads SET timestamp = timestamp + 1 WHERE tree_size = 25').run();
    t.match(f.verify().problem, /^tree head at size 25: its signature does not verify/, 'edited head named');
  }
  {
    // Inserting a leaf means shifting every later one up by one index.
    const f = await prepare();
    f.raw.prepare('UPDATE leaves SET leaf_index = -leaf_index - 1 WHERE leaf_index >= 15').run();
    f.raw.prepare('UPDATE leaves SET leaf_index = -leaf_index WHERE leaf_index < 0').run();
    const extra = Buffer.from(JSON.stringify(event(99)));
    const e = JSON.parse(extra.toString()) as AuditEvent;
    f.raw.prepare("INSERT INTO leaves (leaf_index, event_id, leaf, leaf_hash, time, actor, actor_role, action, subject, outcome) VALUES (15, ?, ?, ?, ?, ?, 'insurer', 'query.quote', ?, 'allowed')")
      .run(e.event_id, extra, leafHash(extra), e.time, e.actor, e.subject);
    t.match(f.verify().problem, /tree node 1\/7 \(leaves 14–15\)/, 'an inserted leaf is caught, naming where');
  }
});

t.test('a history rewritten and re-signed with the real key verifies alone but not to the witness', async (t) => {
  const f = freshLog();
  t.teardown(f.close);
  for (let i = 0; i < 20; i++) await f.log.append(event(i));
  const source = (log: AccessLog): WitnessSource => ({ treeHead: () => log.treeHead(), consistency: async (a, b) => log.consistencyProof(a, b) });
  const first = await witness({ head: null }, source(f.log), (k) => f.keys.signingPublicKey(k));
  t.ok(first.ok);
  const held = first.ok ? first.head : null;
  for (let i = 20; i < 30; i++) await f.log.append(event(i));
  const grown = await witness({ head: held }, source(f.log), (k) => f.keys.signingPublicKey(k));
  t.ok(grown.ok && grown.grew, 'an honest extension is accepted');

  // The operator, holding the signing key, rebuilds the log with leaf 7 changed and signs new heads.
  const forged = openDatabase(path.join(tempDir(), 'audit.db'), AUDIT_MIGRATIONS);
  const liar = new AccessLog(new SqliteLogStore(forged), f.keys, { maxDelayMs: 0, headIntervalMs: 0 });
  t.teardown(() => liar.close());
  for (let i = 0; i < 30; i++) await liar.append(i === 7 ? event(7, { outcome: 'denied', reason: 'REWRITTEN' }) : event(i));
  await liar.publishHead();
  t.ok(verifyAccessLog(new SqliteLogStore(forged), (k) => f.keys.signingPublicKey(k)).ok, 'the forged log is self-consistent');
  const caught = await witness({ head: held }, source(liar), (k) => f.keys.signingPublicKey(k));
  t.equal(caught.ok, false, 'the witness notices');
  t.match(!caught.ok && caught.problem, /not consistent with the head at size 20/);
  const sameSize = await witness({ head: grown.ok ? grown.head : null }, source(liar), (k) => f.keys.signingPublicKey(k));
  t.match(!sameSize.ok && sameSize.problem, /two different roots were signed for size 30/);
});

t.test('a log of 10^6 leaves: proofs stay O(log n)', { timeout: 600_000 }, async (t) => {
  const f = freshLog();
  t.teardown(f.close);
  const N = 1_000_000;
  const started = Date.now();
  for (let start = 0; start < N; start += 20_000) {
    await Promise.all(Array.from({ length: 20_000 }, (_, k) => f.log.append(event(start + k))));
  }
  const buildMs = Date.now() - started;
  t.equal(f.log.size, N);
  const head = await f.log.treeHead();
  const root = Buffer.from(head.root_hash, 'hex');
  const samples = 2000;
  let ok = 0;
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < samples; k++) {
    const i = Math.floor(Math.random() * N);
    const p = f.log.inclusionProof(i, N);
    if (verifyInclusion(i, N, Buffer.from(p.leaf_hash, 'hex'), p.audit_path.map((h) => Buffer.from(h, 'hex')), root)) ok++;
  }
  const perProofUs = Number(process.hrtime.bigint() - t0) / 1000 / samples;
  t.equal(ok, samples, 'every sampled proof verifies against the signed head');
  const c = f.log.consistencyProof(123_457, N).map((h) => Buffer.from(h, 'hex'));
  t.ok(verifyConsistency(123_457, N, f.log.rootAt(123_457), root, c));
  t.comment(`10^6 leaves appended in ${(buildMs / 1000).toFixed(1)} s; inclusion proof + verification ${perProofUs.toFixed(0)} µs on average`);
});
