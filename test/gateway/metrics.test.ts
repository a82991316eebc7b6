import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { loadProtos } from '../../gateway/grpc/protos.js';
import { Metrics } from '../../gateway/observability/metrics.js';
import { GroupCommitter } from '../../gateway/storage/sqlite/group-commit.js';
import { openDatabase } from '../../gateway/storage/sqlite/database.js';
import { certno, grpcHarness, tempDir } from '../helpers.js';
import { feeLine, recordBody } from '../fixtures/records.js';

/**
 * GET /metrics as Prometheus scrapes it, after real traffic over HTTP and gRPC: the exposition parses,
 * CONTRACT.md's names are there with the right types, the counts match the traffic, and no value of
 * any request (ID number, name, amounts, visit and policy ids) appears anywhere in the text.
 */
const SH = 'H31010100001';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format 0.0.4: `# TYPE name kind` lines and `name{l="v",…} value` samples. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

t.test('a scrape after traffic: the contract names, real counts, nothing personal', async (t) => {
  const { h, server, close } = await grpcHarness();
  t.teardown(close);
  const hosp = await h.party('hospital', SH, { level: 3 });
  const insurer = await h.party('insurer', 'huhuibao');
  const who = certno(4711);
  const C = { name: '度量金丝雀', amountYuan: '87654.31', amountFen: '8765431', visit: 'MDTRTCANARY77', policy: 'POLCANARY55' };
  await h.call({ method: 'POST', url: '/v1/consents', token: h.patientToken(who), payload: { grantee: 'huhuibao', purposes: ['eligibility', 'settlement'], valid_until: '2030-12-31' } });
  const pushed = await h.call({
    method: 'POST', url: '/v1/records', token: hosp,
    payload: recordBody({ certno: who, hospital: SH, mdtrt_id: C.visit, med_type: '21', clr_optins: '310100', ful: 8_765_431, inscp: 3_000_000, hifp: 2_000_000, psn_name: C.name, feedetail: [feeLine(1, 'XA02BCA211A012010100154', '09', '03', 8_765_431)] }),
  });
  t.equal(pushed.status, 201);
  const enrolled = await h.call({ method: 'PUT', url: `/v1/policies/${C.policy}`, token: insurer, payload: { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' } });
  t.equal(enrolled.status, 200);
  const visit = { certno: who, policy_no: C.policy, provider: SH, mdtrt_id: C.visit };
  t.equal((await h.call({ method: 'POST', url: '/v1/settlements/quote', token: insurer, payload: visit })).status, 200);
  t.equal((await h.call({ method: 'POST', url: '/v1/settlements/quote', token: insurer, payload: { ...visit, mdtrt_id: 'NOPE' } })).status, 404);
  t.equal((await h.call({ method: 'GET', url: `/v1/nothing/${who}?amount=${C.amountYuan}` })).status, 404);

  const { proto } = loadProtos();
  const Query = (proto.vouch.v1 as any).QueryService;
  const client = new Query(`localhost:${server.port}`, grpc.credentials.createInsecure());
  t.teardown(() => client.close());
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${insurer}`);
  const grpcQuote = (q: unknown) => new Promise<grpc.ServiceError | null>((resolve) => client.QuoteSettlement(q, md, (err: grpc.ServiceError | null) => resolve(err)));
  t.equal(await grpcQuote(visit), null);
  t.equal((await grpcQuote({ ...visit, mdtrt_id: 'NOPE' }))?.code, grpc.status.NOT_FOUND);
  await h.g.accessLog.treeHead();

  const res = await h.app.inject({ method: 'GET', url: '/metrics' });
  t.equal(res.statusCode, 200, 'no token needed: Prometheus scrapes without one');
  t.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  const { types, samples } = parseExposition(res.body);

  // CONTRACT.md "Operations": the names and their kinds.
  t.equal(types.get('vouch_http_requests_total'), 'counter');
  t.equal(types.get('vouch_http_request_duration_seconds'), 'histogram');
  t.equal(types.get('vouch_log_tree_size'), 'gauge');
  t.equal(types.get('vouch_log_tree_head_age_seconds'), 'gauge');
  for (const name of ['vouch_answers_total', 'vouch_grpc_calls_total', 'vouch_commit_batch_size', 'vouch_commit_duration_seconds', 'vouch_storage_errors_total', 'vouch_outbox_depth', 'nodejs_eventloop_lag_seconds']) {
    t.ok(types.has(name), `${name} is exposed`);
  }

  // The counts follow the traffic, labelled by route pattern.
  t.equal(value(samples, 'vouch_http_requests_total', { route: '/v1/policies/:policy_no', status: '200', method: 'PUT' }), 1);
  t.equal(value(samples, 'vouch_http_requests_total', { route: '/v1/settlements/quote', status: '404', method: 'POST' }), 1);
  t.equal(value(samples, 'vouch_http_requests_total', { route: '(unmatched)', status: '404', method: 'GET' }), 1, 'an unknown URL counts under (unmatched), not its path');
  t.equal(value(samples, 'vouch_http_request_duration_seconds_count', { route: '/v1/settlements/quote', method: 'POST' }), 2);
  t.equal(value(samples, 'vouch_http_request_duration_seconds_bucket', { route: '/v1/settlements/quote', method: 'POST', le: '+Inf' }), 2);
  t.equal(value(samples, 'vouch_grpc_calls_total', { method: 'vouch.v1.QueryService/QuoteSettlement', code: 'OK' }), 1);
  t.equal(value(samples, 'vouch_grpc_calls_total', { method: 'vouch.v1.QueryService/QuoteSettlement', code: 'NOT_FOUND' }), 1);
  t.equal(value(samples, 'vouch_answers_total', { operation: 'quote', transport: 'grpc', outcome: 'answered', code: 'OK' }), 1);
  t.equal(value(samples, 'vouch_answers_total', { operation: 'quote', transport: 'grpc', outcome: 'refused', code: 'NOT_AVAILABLE' }), 1);
  t.equal(value(samples, 'vouch_answers_total', { operation: 'quote', transport: 'http', outcome: 'refused', code: 'NOT_AVAILABLE' }), 1, 'HTTP operations by their operationId, the same name as over gRPC');
  t.equal(value(samples, 'vouch_answers_total', { operation: 'enrollPolicy', transport: 'http', outcome: 'answered', code: 'OK' }), 1);
  t.equal(value(samples, 'vouch_log_tree_size'), h.g.accessLog.size, 'tree size as the log has it');
  t.ok(h.g.accessLog.size >= 5);
  t.equal(value(samples, 'vouch_log_tree_head_size'), h.g.accessLog.size, 'a head covers the whole log');
  const age = value(samples, 'vouch_log_tree_head_age_seconds')!;
  t.ok(age >= 0 && age < 600, 'the head is fresh');
  t.equal(value(samples, 'vouch_outbox_depth'), 0);
  t.equal(value(samples, 'vouch_ready'), 1);
  t.ok(value(samples, 'vouch_commit_batch_size_count', { store: 'state' })! >= 3, 'state commits were counted');
  t.ok(value(samples, 'vouch_commit_batch_size_count', { store: 'log' })! >= 1, 'log commits were counted');
  t.equal(value(samples, 'vouch_storage_errors_total', { store: 'log' }), 0);

  // Nothing of any request's values: not in labels, not anywhere.
  for (const c of [who, C.name, C.amountYuan, C.amountFen, C.visit, C.policy, insurer, 'huhuibao']) t.notOk(res.body.includes(c), `no ${c.slice(0, 20)} in the exposition`);
  for (const s of samples) {
    const route = s.labels.route;
    if (route !== undefined && route !== '(unmatched)') t.ok(h.app.hasRoute({ url: route, method: (s.labels.method ?? 'GET') as 'GET' }), `route label ${route} is a registered pattern`);
  }
});

t.test('a failed commit is counted as a storage error', async (t) => {
  const metrics = new Metrics();
  const db = openDatabase(`${tempDir()}/fk.db`, []);
  t.teardown(() => db.close());
  // A deferred foreign key fails at COMMIT, as a full disk or an I/O error would: after the work ran.
  db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)');
  const committer = new GroupCommitter(db, { maxDelayMs: 0, maxBatch: 16, observer: metrics.commitObserver('state') });
  await committer.submit(() => db.prepare('INSERT INTO parent (id) VALUES (1)').run());
  await t.rejects(committer.submit(() => db.prepare('INSERT INTO child (parent) VALUES (2)').run()), 'the unit fails with its batch');
  const { samples } = parseExposition(await metrics.text());
  t.equal(value(samples, 'vouch_storage_errors_total', { store: 'state' }), 1);
  t.equal(value(samples, 'vouch_commit_batch_size_count', { store: 'state' }), 1, 'the good batch was observed once');
  t.equal(value(samples, 'vouch_commit_batch_size_sum', { store: 'state' }), 1);
});
