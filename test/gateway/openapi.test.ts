import t from 'tap';
import { ERROR_CATALOGUE } from '../../gateway/errors.js';
import { REASON_CODES, REASON_MEANINGS } from '../../gateway/domain/reasons.js';
import { decodeRecord } from '../../adapters/nhsa/record-codec.js';
import { certno, harness, type Harness } from '../helpers.js';
import { recordBody } from '../fixtures/records.js';

/**
 * The OpenAPI document at /docs/json is complete: every registered /v1 route (read from the app's own
 * access rules, so a route added tomorrow is checked too) has a summary, a unique operationId, tags, a
 * declared 2xx schema with a description, and the error codes it can answer (`x-error-codes`), each
 * with a documented response of its status. The error codes are also checked against what the gateway
 * really answers: driving the flows and their failures logs a warning for any code a route answers but
 * does not list.
 */
type Op = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  'x-error-codes'?: string[];
  requestBody?: { content: Record<string, { schema: any; examples?: Record<string, { value: unknown }> }> };
  parameters?: { name: string; example?: unknown }[];
  responses: Record<string, { description: string; content?: Record<string, { schema: any; examples?: Record<string, { value: any }> }> }>;
};

async function documentOf(h: Harness): Promise<{ paths: Record<string, Record<string, Op>>; info: { description: string } }> {
  const res = await h.app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(res.statusCode, 200);
  t.notMatch(res.body, /Default Response/, 'no response without a description');
  return res.json();
}

const pathOf = (url: string): string => url.replace(/:([A-Za-z_]+)/g, '{$1}');

t.test('every registered route is documented completely', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const doc = await documentOf(h);
  t.ok(h.app.accessRules.length >= 20, 'the routes are read from the app');
  const ids = new Set<string>();
  for (const rule of h.app.accessRules) {
    const label = `${rule.method} ${rule.url}`;
    const op = doc.paths[pathOf(rule.url)]?.[rule.method.toLowerCase()];
    if (!op) {
      t.fail(`${label} is missing from the document`);
      continue;
    }
    t.ok(op.summary && op.summary.length > 3, `${label}: summary`);
    t.ok(op.operationId && /^[a-z][A-Za-z]+$/.test(op.operationId), `${label}: operationId`);
    t.notOk(ids.has(op.operationId!), `${label}: operationId ${op.operationId} is unique`);
    ids.add(op.operationId!);
    t.ok(op.tags?.length, `${label}: tags`);
    const ok = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
    t.equal(ok.length, 1, `${label}: one success answer`);
    for (const [, r] of ok) t.ok(r.content?.['application/json']?.schema && r.description.length > 10, `${label}: the success answer has a schema and a description`);
    const codes = op['x-error-codes'];
    if (!Array.isArray(codes)) {
      t.fail(`${label}: x-error-codes is missing`);
      continue;
    }
    for (const code of codes) {
      const entry = ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE];
      t.ok(entry, `${label}: ${code} is a catalogue code`);
      const r = entry && op.responses[String(entry.http)];
      t.ok(r?.description.includes(`\`${code}\``) && r.content?.['application/json']?.schema, `${label}: ${code} is documented under ${entry?.http}`);
    }
    for (const [status, r] of Object.entries(op.responses)) {
      if (Number(status) >= 400) t.ok(codes.some((c) => String(ERROR_CATALOGUE[c as keyof typeof ERROR_CATALOGUE].http) === status), `${label}: ${status} is answered by a listed code`, { description: r.description });
    }
    if (rule.public) t.same(op.security, [], `${label}: documented as needing no token`);
    else for (const c of ['UNAUTHENTICATED', 'TOKEN_INVALID', 'FORBIDDEN']) t.ok(codes.includes(c), `${label}: lists ${c}`);
    if (rule.method !== 'GET') for (const c of ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE']) t.ok(codes.includes(c), `${label}: lists ${c}`);
  }
});

t.test('the national-platform record, reason codes and the token endpoint are described', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const doc = await documentOf(h);
  const push = doc.paths['/v1/records']!.post!;
  const forms = push.requestBody!.content['application/json']!.schema.anyOf as any[];
  t.equal(forms.length, 3, 'bare, request envelope, response envelope');
  const setlinfo = forms[0].properties.setlinfo;
  t.match(setlinfo.properties.medfee_sumamt.description, /医疗费总额.*元 \(yuan\), at most 2 decimals/, 'each amount with its Chinese name and unit');
  t.match(setlinfo.properties.med_type.description, /医疗类别/);
  t.same(setlinfo.required.sort(), ['fund_pay_sumamt', 'mdtrt_id', 'med_type', 'medfee_sumamt', 'psn_part_amt', 'setl_id', 'setl_time']);
  t.match(forms[0].properties.feedetail.items.properties.med_chrgitm_type.description, /09 西药/);
  t.match(forms[0].properties.diseinfo.items.properties.diag_code.description, /ICD-10/);
  t.ok(forms[1].properties.input && forms[2].properties.output, 'the envelopes carry the record in input / output');

  const reasons = doc.paths['/v1/eligibility']!.post!.responses['200']!.content!['application/json']!.schema.properties.reasons;
  for (const r of REASON_CODES) {
    t.ok(reasons.items.anyOf.some((x: { enum?: string[]; const?: string; description?: string }) => (x.enum?.[0] ?? x.const) === r && x.description === REASON_MEANINGS[r]), `${r} carries its meaning`);
  }
  t.match(doc.info.description, /POST \/v1\/token/, 'the token endpoint’s error form is stated');
  const token = doc.paths['/v1/token']!.post!;
  t.ok(token.requestBody!.content['application/x-www-form-urlencoded'], 'the token endpoint documents form bodies');
  t.ok(token.responses['401']!.content!['application/json']!.schema.anyOf, 'and both error forms');
});

t.test('the examples of the main flows are real: run in order, the gateway answers them', async (t) => {
  const h = await harness();
  t.teardown(h.close);
  const doc = await documentOf(h);
  const example = (path: string, method: string) => doc.paths[path]![method]!;
  const requestExamples = (op: Op) => Object.entries(op.requestBody!.content['application/json']!.examples!);
  const answerOf = (op: Op) => Object.entries(op.responses).find(([s]) => s.startsWith('2'))![1].content!['application/json']!;
  // The parties and the policy the examples name.
  const hospital = await h.party('hospital', 'H31010500001', { level: 3 });
  const insurer = await h.party('insurer', 'huhuibao');
  const bureau = await h.party('bureau', 'SH-YBJ');
  const who = '110101199003074477';
  const send = (method: string, url: string, token: string, payload?: unknown) => h.call({ method: method as 'POST', url, token, ...(payload === undefined ? {} : { payload: payload as object }) });

  const flows: [string, string, (name: string) => string][] = [
    ['/v1/consents', 'post', (name) => (name === 'counter' ? hospital : h.patientToken(who))],
    ['/v1/records', 'post', () => hospital],
    ['/v1/settlements/quote', 'post', () => insurer],
    ['/v1/settlements', 'post', () => hospital],
  ];
  for (const [path, method, tokenFor] of flows) {
    const op = example(path, method);
    if (path === '/v1/settlements/quote') {
      t.equal((await send('PUT', '/v1/policies/HHB-2025-000123', insurer, { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' })).status, 200);
    }
    const examples = requestExamples(op);
    t.ok(examples.length, `${op.operationId}: request examples`);
    for (const [name, ex] of examples) {
      if (path === '/v1/records') t.doesNotThrow(() => decodeRecord(ex.value), `pushRecord example ${name} passes the national-platform codec`);
      const r = await send(method.toUpperCase(), path, tokenFor(name), ex.value);
      t.ok(r.status < 300, `${op.operationId} example ${name} is answered (${r.status} ${r.body?.error?.code ?? ''})`);
      if (path === '/v1/settlements/quote') {
        const shown = Object.values(answerOf(op).examples!)[0]!.value;
        t.same([r.body.payable_fen, r.body.deductible_applied_fen], [shown.payable_fen, shown.deductible_applied_fen], 'the quote example shows what the gateway computes');
      }
    }
  }
  const search = example('/v1/audit/events', 'get');
  const query = new URLSearchParams(Object.fromEntries(search.parameters!.filter((p) => p.example !== undefined).map((p) => [p.name, String(p.example)])));
  t.ok([...query.keys()].length >= 2, 'listEvents: parameter examples');
  const found = await send('GET', `/v1/audit/events?${query.toString()}`, bureau);
  t.equal(found.status, 200, 'the search example is answered');

  // Answer examples carry exactly the members their schema declares.
  for (const [path, method] of [...flows.map(([p, m]) => [p, m]), ['/v1/audit/events', 'get']] as [string, string][]) {
    const op = example(path, method);
    const answer = answerOf(op);
    t.ok(answer.examples && Object.keys(answer.examples).length, `${op.operationId}: an answer example`);
    for (const ex of Object.values(answer.examples ?? {})) {
      for (const key of Object.keys(ex.value)) t.ok(key in answer.schema.properties, `${op.operationId}: example member ${key} is in the answer schema`);
      for (const key of answer.schema.required ?? []) t.ok(key in ex.value, `${op.operationId}: example has ${key}`);
    }
  }
});

t.test('the codes the gateway answers are the codes the document lists', async (t) => {
  const lines: string[] = [];
  const h = await harness({ VOUCH_CLAIM_ATTEMPTS: '1' }, undefined, { write: (l: string) => void lines.push(l) });
  t.teardown(h.close);
  const H = 'H31010100001';
  const hosp = await h.party('hospital', H, { level: 3 });
  const ins = await h.party('insurer', 'huhuibao');
  const bureau = await h.party('bureau', 'SH-YBJ');
  const admin = await h.party('admin', 'ops');
  const who = certno(9);
  const patient = h.patientToken(who);
  const c = (method: string, url: string, token?: string, payload?: unknown) => h.call({ method: method as 'GET', url, ...(token ? { token } : {}), ...(payload === undefined ? {} : { payload: payload as object }) });
  const record = recordBody({ certno: who, hospital: H, mdtrt_id: 'V1', med_type: '21', clr_optins: '310100', inscp: 300_000, hifp: 200_000 });
  const seen: string[] = [];
  const note = (r: { status: number; body: any }) => seen.push(`${r.status}:${r.body?.error?.code ?? r.body?.code ?? 'OK'}`);

  note(await c('POST', '/v1/records', hosp, record)); // CONSENT_REQUIRED
  const consent = await c('POST', '/v1/consents', patient, { grantee: 'huhuibao', purposes: ['eligibility', 'settlement', 'claim_verification'], valid_until: '2030-12-31', max_queries_per_day: 3 });
  note(consent);
  note(await c('POST', '/v1/consents', hosp, { certno: 'x1', grantee: 'huhuibao', purposes: ['settlement'], valid_until: '2030-12-31', evidence: 'e' }));
  note(await c('POST', '/v1/records', hosp, record));
  note(await c('POST', '/v1/records', hosp, { ...record, setlinfo: { ...(record.setlinfo as object), medfee_sumamt: '1.234' } }));
  note(await c('POST', '/v1/records', hosp, { ...record, setlinfo: { ...(record.setlinfo as object), medfee_sumamt: '1.23' } }));
  note(await c('POST', '/v1/records', hosp, { ...record, setlinfo: { ...(record.setlinfo as object), fixmedins_code: 'H31010100002' } }));
  note(await c('POST', '/v1/records', hosp, { ...record, certno: '123' }));
  note(await c('PUT', '/v1/policies/P1', ins, { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' }));
  note(await c('PUT', '/v1/policies/P1', ins, { certno: certno(10), product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' }));
  note(await c('PUT', '/v1/policies/P2', ins, { certno: who, product: 'no-such-product', start_date: '2025-01-01', end_date: '2025-12-31' }));
  const visit = { certno: who, policy_no: 'P1', provider: H, mdtrt_id: 'V1' };
  for (const url of ['/v1/eligibility', '/v1/settlements/quote']) {
    note(await c('POST', url, ins, visit));
    note(await c('POST', url, ins, { ...visit, mdtrt_id: 'NOPE' }));
    note(await c('POST', url, ins, { ...visit, certno: '110101199003074478' }));
  }
  note(await c('POST', '/v1/settlements/quote', ins, visit)); // past the consent's 3 a day
  note(await c('POST', '/v1/claims/verify', ins, { certno: who, provider: H, mdtrt_id: 'V1', claimed: { medfee_sumamt_fen: 1 } }));
  const settled = await c('POST', '/v1/settlements', hosp, { certno: who, mdtrt_id: 'V1', request_id: 'r1' });
  note(settled);
  note(await c('POST', '/v1/settlements', hosp, { certno: who, mdtrt_id: 'V1', request_id: 'r2' }));
  note(await c('POST', '/v1/settlements', hosp, { certno: certno(11), mdtrt_id: 'V1', request_id: 'r1' }));
  note(await c('POST', '/v1/settlements', hosp, { certno: who, mdtrt_id: 'NOPE', request_id: 'r3' }));
  note(await c('POST', `/v1/settlements/${settled.body.settlement_id}/reversal`, hosp));
  note(await c('POST', '/v1/settlements/stl_000000000000000000000000/reversal', hosp));
  note(await c('POST', `/v1/consents/${consent.body.consent_id}/revoke`, patient));
  note(await c('POST', '/v1/consents/cns_000000000000000000000000/revoke', patient));
  note(await c('GET', '/v1/audit/events?certno=123', bureau));
  note(await c('GET', '/v1/audit/events?cursor=x', bureau));
  note(await c('GET', '/v1/audit/proof/inclusion?leaf_index=99999&tree_size=99999', bureau));
  note(await c('GET', '/v1/audit/proof/consistency?first=5&second=1', bureau));
  note(await c('GET', '/v1/audit/leaves?start=5&end=1', bureau));
  note(await c('GET', '/v1/me/access-log?limit=0', patient));
  note(await c('POST', '/v1/parties', admin, { role: 'insurer', code: 'huhuibao', name: 'again' }));
  note(await c('POST', '/v1/parties/nobody/suspend', admin));
  note(await c('POST', '/v1/token', undefined, { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'aaaa.bbbb.cccc' }));
  // Every route without a token, with a wrong role, with a bad token, and with a body of the wrong type.
  for (const rule of h.app.accessRules) {
    const url = rule.url.replace(':consent_id', 'cns_000000000000000000000000').replace(':settlement_id', 'stl_000000000000000000000000').replace(':policy_no', 'P9').replace(':code', 'nobody').replace(':which', 'kek');
    note(await c(rule.method, url));
    note(await c(rule.method, url, 'not-a-token'));
    note(await c(rule.method, url, rule.roles.includes('patient') ? bureau : patient));
    if (rule.method !== 'GET') {
      note(await h.call({ method: rule.method as 'POST', url, payload: 'x=1', headers: { 'content-type': 'text/plain', authorization: `Bearer ${admin}` } }));
      note(await h.call({ method: rule.method as 'POST', url, payload: `{"s":"${'x'.repeat(1_100_000)}"}`, headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` } }));
    }
  }
  for (const code of ['CONSENT_REQUIRED', 'INVALID_AMOUNT', 'INVALID_RECORD', 'PROVIDER_MISMATCH', 'INVALID_CERTNO', 'POLICY_CONFLICT', 'UNKNOWN_PRODUCT', 'NOT_AVAILABLE', 'QUERY_BUDGET_EXCEEDED', 'ALREADY_SETTLED', 'IDEMPOTENCY_CONFLICT', 'NOT_FOUND', 'PARTY_EXISTS', 'ASSERTION_INVALID', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'TOKEN_INVALID', 'FORBIDDEN', 'UNAUTHENTICATED', 'VALIDATION_FAILED']) {
    t.ok(seen.some((s) => s.endsWith(`:${code}`)), `the drive reached ${code}`);
  }
  t.notOk(seen.some((s) => s.startsWith('5')), 'never a 5xx');
  const undocumented = lines.map((l) => JSON.parse(l) as { msg: string; code?: string; route?: string }).filter((l) => /does not list/.test(l.msg));
  t.same(undocumented.map((l) => `${l.route} ${l.code}`), [], 'every code answered is listed for its operation');
});
