import t from 'tap';
import type { Consent } from '../../../gateway/domain/consent.js';
import { cobOrder, participants, termsOf, type ParticipationContext, type PolicyOnFile } from '../../../gateway/domain/participation.js';
import type { Product } from '../../../gateway/domain/product.js';

const NOW = Date.UTC(2025, 5, 1);
const H = 'H31010100001';
const OTHER_H = 'H31010100002';

// Only what participation reads of a product: its code and its place in coordination of benefits.
const product = (code: string, cob_order: number): Product => ({ code, cob_order }) as unknown as Product;
const PRODUCTS = new Map([
  ['bw-2025', product('bw-2025', 2)],
  ['hhb-2025', product('hhb-2025', 1)],
  ['tk-2025', product('tk-2025', 2)],
]);

const period = (period_no: number, productCode: string, start_date: string, end_date: string) => ({
  period_no, product: productCode, start_date, end_date, pre_existing: false, claim_free_years: 0,
});
const policy = (insurer: string, policy_no: string, ...periods: ReturnType<typeof period>[]): PolicyOnFile => ({ insurer, policy_no, periods });
const consent = (grantee: string, extra: Partial<Consent> = {}): Consent => ({
  consent_id: `cns_${grantee}`, version: 1, subject: 's', grantee, purposes: ['settlement'], providers: [H],
  valid_from: NOW - 1000, valid_until: NOW + 86_400_000, max_queries_per_day: null, status: 'active', ...extra,
});
const context = (extra: Partial<ParticipationContext> = {}): ParticipationContext => ({
  hospital: H, visit_date: '2025-05-20', now: NOW, products: PRODUCTS, activeInsurers: new Set(['BW', 'HHB', 'TK']), ...extra,
});

const BW = policy('BW', 'B-1', period(1, 'bw-2025', '2025-01-01', '2025-12-31'));
const HHB = policy('HHB', 'H-1', period(1, 'hhb-2025', '2024-03-01', '2025-02-28'), period(2, 'hhb-2025', '2025-03-01', '2026-02-28'));
const TK = policy('TK', 'T-1', period(1, 'tk-2025', '2024-06-01', '2025-05-31'));
const ALL = [consent('BW'), consent('HHB'), consent('TK')];

const who = (ps: { insurer: string; policy_no: string; period_no: number }[]) => ps.map((p) => `${p.insurer}/${p.policy_no}/${p.period_no}`);

t.test('every policy with an active insurer, a settlement consent for the hospital, a covering period and a known product takes part', async (t) => {
  const taking = participants([BW, HHB, TK], ALL, context());
  // cob_order 1 first (HHB); then cob_order 2 by period start: TK (2024-06-01) before BW (2025-01-01).
  t.same(who(taking), ['HHB/H-1/2', 'TK/T-1/1', 'BW/B-1/1']);
  t.same(taking[0]!.terms, termsOf(HHB, 2), 'the covering period’s terms, cover counted from the first period');
  t.equal(taking[0]!.terms.cover_start, '2024-03-01');
  t.equal(taking[0]!.terms.period_key, 'p2');
  t.equal(taking[0]!.product, PRODUCTS.get('hhb-2025'));
});

t.test('each condition alone keeps a policy out', async (t) => {
  t.same(who(participants([BW, HHB, TK], ALL, context({ activeInsurers: new Set(['HHB', 'TK']) }))), ['HHB/H-1/2', 'TK/T-1/1'], 'suspended insurer');
  t.same(who(participants([BW, HHB, TK], [consent('HHB'), consent('TK')], context())), ['HHB/H-1/2', 'TK/T-1/1'], 'no consent');
  t.same(who(participants([BW], [consent('BW', { purposes: ['eligibility'] })], context())), [], 'consent for another purpose');
  t.same(who(participants([BW], [consent('BW', { providers: [OTHER_H] })], context())), [], 'consent for another hospital');
  t.same(who(participants([BW], [consent('BW', { providers: null })], context())), ['BW/B-1/1'], 'a consent for every hospital covers this one');
  t.same(who(participants([BW], [consent('BW', { status: 'revoked' })], context())), [], 'revoked consent');
  t.same(who(participants([BW], [consent('BW', { valid_until: NOW })], context())), [], 'expired consent');
  t.same(who(participants([BW], [consent('HHB')], context())), [], 'another insurer’s consent does not count');
  t.same(who(participants([BW, HHB, TK], ALL, context({ visit_date: '2025-06-15' }))), ['HHB/H-1/2', 'BW/B-1/1'], 'no period covers the visit');
  t.same(who(participants([HHB], ALL, context({ visit_date: '2025-02-28' }))), ['HHB/H-1/1'], 'the period covering the visit, not the newest');
  t.same(who(participants([BW, HHB], ALL, context({ products: new Map([['bw-2025', PRODUCTS.get('bw-2025')!]]) }))), ['BW/B-1/1'], 'unknown product');
  t.same(participants([], ALL, context()), [], 'no policies');
});

t.test('the order is total and does not depend on the order policies were read in', async (t) => {
  const twin = policy('BW', 'B-0', period(1, 'bw-2025', '2025-01-01', '2025-12-31'));
  const expected = ['HHB/H-1/2', 'TK/T-1/1', 'BW/B-0/1', 'BW/B-1/1'];
  const inputs = [[BW, HHB, TK, twin], [twin, TK, HHB, BW], [TK, twin, BW, HHB]];
  for (const ps of inputs) t.same(who(participants(ps, ALL, context())), expected);
  const [a, b] = participants([BW, twin], ALL, context());
  t.ok(cobOrder(a!, b!) < 0 && cobOrder(b!, a!) > 0 && cobOrder(a!, a!) === 0, 'ties broken by policy number');
});
