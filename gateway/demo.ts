/**
 * `npm run demo` — walks the whole Vouch story against a gateway started with `npm start` (same
 * VOUCH_DATA_DIR), printing each step so a newcomer sees what happens and what each party learns.
 */
import crypto from 'node:crypto';
import { loadConfig } from './config.js';
import { openGateway } from './context.js';
import { createLogger } from './logger.js';
import { certnoCheckChar } from './domain/certno.js';
import { fenToYuan } from './domain/money.js';
import type { PartyRole } from './storage/parties.js';
import type { Principal } from './services/identity/auth.js';

const config = loadConfig(process.env);
const base = process.env.VOUCH_DEMO_URL ?? `http://127.0.0.1:${config.http.port}`;
const g = await openGateway(config, createLogger('warn'), { writesLog: false });
const OPERATOR: Principal = { role: 'admin', code: 'demo', jti: 'demo' };

const HOSPITAL = 'H31010500001';
const HHB = 'huhuibao';
const BW = 'baiwan';
const BUREAU = 'SH-YBJ';

let step = 0;
/** The demo talks to a person at a terminal (like the CLI), not to the service log. */
const print = (line: string) => process.stdout.write(`${line}\n`);
function say(title: string, detail?: unknown): void {
  step += 1;
  print(`\n${String(step).padStart(2, ' ')}. ${title}`);
  if (detail !== undefined) print(`    ${JSON.stringify(detail, null, 2).replace(/\n/g, '\n    ')}`);
}

// The demo reads answers loosely: it prints what the gateway said.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function api(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function party(role: PartyRole, code: string, name: string, level?: number): Promise<string> {
  const existing = await g.parties.get(code);
  if (!existing) await g.parties.add({ role, code, name, level }, OPERATOR);
  else if (existing.role !== role) throw new Error(`${code} is registered as ${existing.role}`);
  return g.tokens.partyToken(code, role, 3600);
}

function randomCertno(): string {
  const birth = new Date(Date.UTC(1960, 0, 1) + crypto.randomInt(0, 40 * 365) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const first17 = `310104${birth}${String(crypto.randomInt(0, 1000)).padStart(3, '0')}`;
  return first17 + certnoCheckChar(first17);
}

/** Exits with a hint unless a gateway answers at `base`. */
async function requireGateway(): Promise<void> {
  try {
    const health = await fetch(`${base}/readyz`);
    if (!health.ok) throw new Error(`readyz answered ${health.status}`);
  } catch (err) {
    process.stderr.write(`No gateway answers at ${base} (${(err as Error).message}). Start it first: npm start\n`);
    process.exit(1);
  }
}

/** The bearer tokens of the story's parties. */
interface Cast {
  hosp: string;
  hhb: string;
  bw: string;
  bureau: string;
  patient: string;
}

/** The one visit the story follows: whose it is, and how a question names it. */
interface Visit {
  certno: string;
  mdtrt_id: string;
}

async function registerParties(): Promise<Omit<Cast, 'patient'>> {
  const cast = {
    hosp: await party('hospital', HOSPITAL, '复旦大学附属中山医院 (demo)', 3),
    hhb: await party('insurer', HHB, '沪惠保共保体 (demo)'),
    bw: await party('insurer', BW, '百万医疗保险公司 (demo)'),
    bureau: await party('bureau', BUREAU, '上海市医疗保障局 (demo)'),
  };
  say('Operator registered a 三级 hospital, two insurers and the bureau', { hospital: HOSPITAL, insurers: [HHB, BW], bureau: BUREAU });
  return cast;
}

function signInPatient(certno: string): string {
  say('A patient signs in through the 医保 app (identity provider); the ID number never leaves the gateway', { certno: `${certno.slice(0, 6)}********${certno.slice(14)}` });
  return g.tokens.patientToken(certno, 3600);
}

/** The patient's consents to both insurers, as the gateway answered them. */
async function grantConsents(cast: Cast): Promise<{ consent_id: string; grantee: string; status: string }[]> {
  const consents = [];
  for (const grantee of [HHB, BW]) {
    const r = await api('POST', '/v1/consents', cast.patient, { grantee, purposes: ['eligibility', 'settlement', 'claim_verification'], valid_until: '2030-12-31' });
    consents.push(r.body);
  }
  say('The patient authorises both insurers (个人授权): eligibility, settlement, claim verification', consents.map((c) => ({ consent_id: c.consent_id, grantee: c.grantee, status: c.status })));
  return consents;
}

/** An inpatient stay as the national platform's 2304 output carries it, in yuan. */
function inpatientRecord(v: Visit): Record<string, unknown> {
  const y = fenToYuan;
  return {
    certno: v.certno,
    setlinfo: {
      mdtrt_id: v.mdtrt_id, setl_id: `SETL${Date.now()}`, psn_no: '31000099990001', insutype: '310', med_type: '21', setl_time: '2025-06-18 15:30:00',
      fixmedins_code: HOSPITAL, clr_optins: '310100', psn_name: '张三',
      medfee_sumamt: y(5_300_000), fulamt_ownpay_amt: y(2_300_000), overlmt_selfpay: '0.00', preselfpay_amt: '0.00', inscp_scp_amt: y(3_000_000),
      act_pay_dedc: y(150_000), hifp_pay: y(2_100_000), cvlserv_pay: '0.00', hifes_pay: '0.00', hifmi_pay: '0.00', hifob_pay: '0.00', maf_pay: '0.00',
      oth_pay: '0.00', fund_pay_sumamt: y(2_100_000), psn_part_amt: y(3_200_000), acct_pay: '0.00', psn_cash_pay: y(3_200_000), hosp_part_amt: '0.00',
    },
    setldetail: [{ fund_pay_type: '310100', fund_payamt: y(2_100_000) }],
    feedetail: [
      { feedetl_sn: '1', med_list_codg: 'XA02BCA211A012010100154', det_item_fee_sumamt: '10000.00', cnt: '1', pric: '10000.00', chrgitm_lv: '03', med_chrgitm_type: '09', fulamt_ownpay_amt: '10000.00' },
      { feedetl_sn: '2', med_list_codg: 'C0101010100000000000001', det_item_fee_sumamt: '8000.00', cnt: '1', pric: '8000.00', chrgitm_lv: '03', med_chrgitm_type: '08', fulamt_ownpay_amt: '8000.00' },
      { feedetl_sn: '3', med_list_codg: '331001001000000', det_item_fee_sumamt: '2000.00', cnt: '1', pric: '2000.00', chrgitm_lv: '03', med_chrgitm_type: '06', fulamt_ownpay_amt: '2000.00' },
      { feedetl_sn: '4', med_list_codg: '270100001000000', det_item_fee_sumamt: '3000.00', cnt: '1', pric: '3000.00', chrgitm_lv: '03', med_chrgitm_type: '03', fulamt_ownpay_amt: '3000.00' },
    ],
    diseinfo: [{ diag_type: '1', diag_code: 'K80.100', diag_name: '胆囊结石伴胆囊炎', maindiag_flag: '1' }],
  };
}

async function pushRecord(cast: Cast, v: Visit): Promise<void> {
  const pushed = await api('POST', '/v1/records', cast.hosp, inpatientRecord(v));
  say('The hospital pushes the inpatient settlement (2304 output, yuan) right after basic insurance settled it', {
    answer: pushed.body,
    medfee: '53,000.00', fund: '21,000.00', personal_burden: '32,000.00', out_of_list: '23,000.00 (surgery 2,000 of it not covered by 沪惠保)',
  });
}

/** Each insurer enrolls one policy; returns 沪惠保's policy number (the one the questions name). */
async function enrollPolicies(cast: Cast, v: Visit): Promise<string> {
  const policyHhb = `HHB${Date.now()}`;
  const policyBw = `BW${Date.now()}`;
  await api('PUT', `/v1/policies/${policyHhb}`, cast.hhb, { certno: v.certno, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' });
  await api('PUT', `/v1/policies/${policyBw}`, cast.bw, { certno: v.certno, product: 'baiwan-medical', start_date: '2025-01-01', end_date: '2025-12-31' });
  say('Each insurer enrolls its policy (沪惠保 2025; a 百万医疗 product)', { [HHB]: policyHhb, [BW]: policyBw });
  return policyHhb;
}

/** 沪惠保's eligibility question and quote; returns the quote receipt's leaf index in the log. */
async function insurerAsks(cast: Cast, question: Record<string, string>): Promise<number> {
  const elig = await api('POST', '/v1/eligibility', cast.hhb, question);
  say('沪惠保 asks: is this visit eligible? It learns yes/no and reason codes — nothing of the record', elig.body);
  const quote = await api('POST', '/v1/settlements/quote', cast.hhb, question);
  say('沪惠保 asks: what would my product owe? (21,000 covered − 12,000 deductible) × 70 % = 6,300.00', {
    payable_fen: quote.body.payable_fen, deductible_applied_fen: quote.body.deductible_applied_fen, receipt_leaf: quote.body.receipt.leaf_index,
  });
  return quote.body.receipt.leaf_index;
}

/** One-stop settlement, a retried request and the reversal of the settlement. */
async function settleAtCashier(cast: Cast, v: Visit): Promise<void> {
  const y = fenToYuan;
  const request = { certno: v.certno, mdtrt_id: v.mdtrt_id, request_id: `cashier-${v.mdtrt_id}` };
  const settled = await api('POST', '/v1/settlements', cast.hosp, request);
  say('At the cashier, both products settle in one breath (一站式结算): 沪惠保 first, 百万医疗 on what is left', {
    lines: settled.body.lines.map((l: { insurer: string; product: string; payable_fen: number }) => `${l.insurer} ${l.product}: ${y(l.payable_fen)}`),
    insurers_total: y(settled.body.insurers_total_fen),
    patient_pays: y(settled.body.patient_cash_fen),
  });
  const retry = await api('POST', '/v1/settlements', cast.hosp, request);
  say('The cashier retries the same request (network glitch): the same answer, nothing settled twice', { same_settlement: retry.body.settlement_id === settled.body.settlement_id });
  const reversed = await api('POST', `/v1/settlements/${settled.body.settlement_id}/reversal`, cast.hosp);
  say('The bill is corrected: the hospital reverses the settlement; deductibles and caps are given back', reversed.body.status);
}

async function revokeAndAskAgain(cast: Cast, consentId: string, question: Record<string, string>): Promise<void> {
  await api('POST', `/v1/consents/${consentId}/revoke`, cast.patient);
  const refused = await api('POST', '/v1/eligibility', cast.hhb, question);
  say('The patient revokes 沪惠保’s consent; its next question is refused — exactly like "no such visit"', { status: refused.status, code: refused.body.error.code });
}

/** What the bureau and the patient see of the log: the search, the proof of a receipt, the patient's own view. */
async function readTheLog(cast: Cast, v: Visit, receiptLeaf: number): Promise<void> {
  const events = await api('GET', `/v1/audit/events?certno=${v.certno}`, cast.bureau);
  say('The bureau searches the access log by ID number (as a blind index): who asked what, when, with what outcome',
    events.body.events.map((e: { leaf_index: number; actor: string; action: string; outcome: string; reason?: string }) => `#${e.leaf_index} ${e.actor} ${e.action} ${e.outcome}${e.reason ? ` (${e.reason})` : ''}`));
  const head = await api('GET', '/v1/audit/tree-head', cast.bureau);
  const proof = await api('GET', `/v1/audit/proof/inclusion?leaf_index=${receiptLeaf}&tree_size=${head.body.tree_size}`, cast.bureau);
  say('The quote’s receipt is provably in the signed log (RFC 6962 inclusion proof against the tree head)', {
    tree_size: head.body.tree_size, root_hash: head.body.root_hash, audit_path_length: proof.body.audit_path.length,
  });
  const mine = await api('GET', '/v1/me/access-log', cast.patient);
  say('And the patient sees every access to their data', mine.body.events.map((e: { actor: string; action: string; outcome: string }) => `${e.actor} ${e.action} ${e.outcome}`));
}

async function main(): Promise<void> {
  await requireGateway();
  print(`Vouch demo against ${base}: the data stays inside, the answers go out.`);
  const parties = await registerParties();
  const visit: Visit = { certno: randomCertno(), mdtrt_id: `MDTRT${Date.now()}` };
  const cast: Cast = { ...parties, patient: signInPatient(visit.certno) };
  const consents = await grantConsents(cast);
  await pushRecord(cast, visit);
  const policyHhb = await enrollPolicies(cast, visit);
  const question = { certno: visit.certno, provider: HOSPITAL, mdtrt_id: visit.mdtrt_id, policy_no: policyHhb };
  const receiptLeaf = await insurerAsks(cast, question);
  await settleAtCashier(cast, visit);
  await revokeAndAskAgain(cast, consents[0]!.consent_id, question);
  await readTheLog(cast, visit, receiptLeaf);
  print('\nDone. `npx vouch audit verify` replays the whole log.');
  await g.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  void g.close().finally(() => process.exit(1));
});
