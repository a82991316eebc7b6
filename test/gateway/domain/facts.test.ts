import t from 'tap';
import { deriveFacts, settledRegion, visitTypeOf } from '../../../gateway/domain/facts.js';
import { firstBrokenIdentity, type SettlementRecord } from '../../../gateway/domain/record.js';
import { decodeRecord } from '../../../adapters/nhsa/record-codec.js';
import { feeLine, inListLine, recordBody, type RecordSpec } from '../../fixtures/records.js';

/** The facts products evaluate, derived from a record (fen; the arithmetic in the comments). */
const spec: RecordSpec = {
  certno: '110101199003077777', hospital: 'H31010100001', mdtrt_id: 'M1', begndate: '2025-03-10 08:00:00', insuplc_admdvs: '310115',
  // 10,000.00 billed: 1,000.00 out of list, 200.00 over the limit, 500.00 先行自付, 8,300.00 in scope; 起付线 800.00.
  ful: 100_000, over: 20_000, pre: 50_000, inscp: 830_000, ded: 80_000, hifp: 600_000, acct: 100_000,
  feedetail: [
    inListLine(1, 'XL01XCS001B002010100001', '09', '02', 50_000, 600_000),
    inListLine(2, 'XA02BCA211A012010100154', '04', '01', 0, 230_000),
    feeLine(3, 'XA02BCA211A012010100155', '09', '03', 100_000),
  ],
};
const record = (s: Partial<RecordSpec> = {}): SettlementRecord => decodeRecord(recordBody({ ...spec, ...s })).record;

t.test('visit types from 医疗类别', async (t) => {
  const table: [string, string][] = [
    ['11', 'outpatient'], ['51', 'outpatient'], ['9901', 'outpatient'], ['14', 'chronic_outpatient'], ['41', 'pharmacy'],
    ['21', 'inpatient'], ['22', 'inpatient'], ['28', 'inpatient'], ['52', 'inpatient'],
  ];
  for (const [medType, visit] of table) t.equal(visitTypeOf(medType), visit, medType);
});

t.test('the place of settlement: 参保地 first, then the clearing agency, else unknown', async (t) => {
  t.equal(settledRegion(record()), '310115');
  t.equal(settledRegion(record({ insuplc_admdvs: undefined as unknown as string })), '310100', 'the clearing agency of H3101…');
  t.equal(settledRegion(record({ insuplc_admdvs: undefined as unknown as string, clr_optins: null })), null);
});

t.test('atoms, lines and co-pay shares of a record', async (t) => {
  // Personal burden = 10,000 − 6,000 fund = 4,000; cash = 4,000 − 1,000 account = 3,000.
  // OOL = 1,000 + 200 = 1,200; in list = 4,000 − 1,200 = 2,800; PRE = 500; DED = 800; COP = 2,800 − 500 − 800 = 1,500.
  // COP shared by inscp_scp_amt: 1,500 × 6,000/8,300 = 1,084.337… → 1,084.34; 1,500 × 2,300/8,300 = 415.662… → 415.66.
  const f = deriveFacts(record());
  t.same(
    [f.visit_type, f.med_type, f.visit_date, f.settled_region, f.medfee_fen, f.personal_burden_fen, f.cash_fen],
    ['inpatient', '21', '2025-03-10', '310115', 1_000_000, 400_000, 300_000],
  );
  t.same(f.atoms, { OOL: 120_000, PRE: 50_000, DED: 80_000, COP: 150_000 });
  t.same(f.lines, [
    { code: 'XL01XCS001B002010100001', type: '09', lv: '02', ool: 0, pre: 50_000, cop: 108_434 },
    { code: 'XA02BCA211A012010100154', type: '04', lv: '01', ool: 0, pre: 0, cop: 41_566 },
    { code: 'XA02BCA211A012010100155', type: '09', lv: '03', ool: 100_000, pre: 0, cop: 0 },
  ]);
  t.same([f.has_lines, f.diag_codes], [true, ['I10.x00']]);
  const bare = deriveFacts(record({ feedetail: [], begndate: undefined as unknown as string }));
  t.same([bare.has_lines, bare.lines, bare.visit_date], [false, [], '2025-03-15'], 'no admission date: the settlement’s day');
});

t.test('the atoms never exceed the personal burden, whatever the platform rounded', async (t) => {
  // 先行自付 3,000 and 起付线 2,000 reported on a 4,000 burden with 1,200 out of list: PRE takes the in-list
  // 2,800 whole, DED and COP are left nothing.
  const f = deriveFacts(record({ pre: 300_000, inscp: 580_000, ded: 200_000, feedetail: [] }));
  t.same(f.atoms, { OOL: 120_000, PRE: 280_000, DED: 0, COP: 0 });
});

t.test('identity 2 holds with the hospital’s share beside fund and person', async (t) => {
  const a = record().setlinfo.amounts;
  // medfee 10,000 = fund 6,000 + person 3,900 + hospital 100.
  t.equal(firstBrokenIdentity({ ...a, psn_part_amt: 390_000, psn_cash_pay: 290_000, hosp_part_amt: 10_000 }), undefined);
  t.equal(firstBrokenIdentity({ ...a, psn_part_amt: 390_000, psn_cash_pay: 290_000 })?.id, 2);
  t.equal(firstBrokenIdentity({ ...a, hifp_pay: 599_998 })?.id, 4);
});
