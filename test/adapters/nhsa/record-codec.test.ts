import t, { type Test } from 'tap';
import { decodeRecord, unwrapEnvelope } from '../../../adapters/nhsa/record-codec.js';
import { VouchError } from '../../../gateway/errors.js';
import { feeLine, recordBody } from '../../fixtures/records.js';

/**
 * The national-platform codec alone (no HTTP, no storage): what it accepts, what it makes of it in fen,
 * and the code and field it names when it refuses. test/gateway/records.test.ts drives it through POST /v1/records.
 */
const HOSPITAL = 'H31010100001';
// 10,000.00 billed: 1,000.00 self-pay, 500.00 先行自付, 8,500.00 in scope; the fund pays 6,000.00, the person 4,000.00.
const spec = { certno: '110101199003077777', hospital: HOSPITAL, mdtrt_id: 'M1', ful: 100_000, pre: 50_000, inscp: 850_000, hifp: 600_000, acct: 100_000 };
const body = (over: Record<string, unknown> = {}): Record<string, unknown> => {
  const b = recordBody(spec);
  return { ...b, setlinfo: { ...(b.setlinfo as object), ...over } };
};
const refused = (t: Test, input: unknown, code: string, field: RegExp): void => {
  const err = t.throws(() => decodeRecord(input)) as unknown as VouchError;
  t.ok(err instanceof VouchError, 'a catalogue error');
  t.equal(err.code, code);
  t.match(err.message, field);
};

t.test('a bare record: amounts in fen, codes as sent, absent amounts 0', async (t) => {
  const { certno, record } = decodeRecord(body({ hifmi_pay: undefined }));
  t.equal(certno, spec.certno);
  const s = record.setlinfo;
  t.same([s.amounts.medfee_sumamt, s.amounts.psn_part_amt, s.amounts.psn_cash_pay, s.amounts.hifmi_pay], [1_000_000, 400_000, 300_000, 0]);
  t.same([s.mdtrt_id, s.med_type, s.insutype, s.setl_time, s.begndate, s.enddate, s.pool_prop_selfpay, s.psn_name], ['M1', '21', '310', '2025-03-15 10:20:30', null, null, '0.15', null]);
  t.same(record.setldetail, [{ fund_pay_type: '310100', fund_payamt: 600_000 }]);
  t.same(record.diseinfo, [{ diag_type: '1', diag_code: 'I10.x00', diag_name: '高血压', maindiag_flag: '1' }]);
});

t.test('fee lines, diagnoses and dates as the platform sends them', async (t) => {
  const b = body({ begndate: '2025-03-10', enddate: '2025-03-15 09:00:00', psn_no: 31000012345678 });
  b.feedetail = [{ ...feeLine(1, 'XL01XCS001B002010100001', '09', '02', 0, 50_000, 850_000), cnt: -2.5, pric: null }];
  b.diseinfo = [{ diag_code: 'C34.900' }];
  const { record } = decodeRecord(b);
  t.same(record.feedetail[0], {
    feedetl_sn: 'F1', med_list_codg: 'XL01XCS001B002010100001', det_item_fee_sumamt: 900_000, cnt: '-2.5', pric: null, chrgitm_lv: '02',
    med_chrgitm_type: '09', fulamt_ownpay_amt: 0, overlmt_amt: 0, preselfpay_amt: 50_000, inscp_scp_amt: 850_000,
  });
  t.same(record.diseinfo, [{ diag_type: '1', diag_code: 'C34.900', diag_name: null, maindiag_flag: '0' }], 'defaults: a main-type, not-main diagnosis');
  t.same([record.setlinfo.begndate, record.setlinfo.enddate, record.setlinfo.psn_no], ['2025-03-10 00:00:00', '2025-03-15 09:00:00', '31000012345678']);
});

t.test('the request envelope: input inside, the envelope’s certno, institution and regions carried in', async (t) => {
  const { certno: _certno, ...inner } = recordBody(spec);
  const setlinfo = { ...(inner.setlinfo as Record<string, unknown>) };
  delete setlinfo.fixmedins_code;
  const wrapped = {
    infno: '2304', msgid: `${HOSPITAL}20250315102030` + '0001', fixmedins_code: HOSPITAL, certno: spec.certno,
    insuplc_admdvs: '310100', mdtrtarea_admvs: '310101', input: { ...inner, setlinfo },
  };
  const { certno, record } = decodeRecord(wrapped);
  t.equal(certno, spec.certno);
  t.same([record.setlinfo.fixmedins_code, record.setlinfo.insuplc_admdvs, record.setlinfo.mdtrtarea_admvs], [HOSPITAL, '310100', '310101']);
  t.same(unwrapEnvelope({ input: { certno: 'inner', setlinfo: 'not an object' }, certno: 'outer' }), { certno: 'inner', setlinfo: 'not an object' }, 'what the input says wins');
  refused(t, { ...wrapped, msgid: 'H310101000012025' }, 'VALIDATION_FAILED', /Field msgid/);
  refused(t, { ...wrapped, msgid: 20250315 }, 'VALIDATION_FAILED', /Field msgid/);
});

t.test('the response envelope: success only', async (t) => {
  const { certno: _certno, ...output } = recordBody(spec);
  t.equal(decodeRecord({ infcode: 0, certno: spec.certno, output }).certno, spec.certno);
  t.equal(decodeRecord({ infcode: '0', output: { ...output, certno: 'inside' }, certno: spec.certno }).certno, 'inside');
  refused(t, { infcode: -1, err_msg: '参保人信息不存在', output }, 'VALIDATION_FAILED', /Field infcode is not a successful platform answer/);
  t.same(unwrapEnvelope({ setlinfo: {}, output: {} }), { setlinfo: {}, output: {} }, 'a bare record with an output field stays bare');
});

t.test('amounts: the domain’s refusal answered as INVALID_AMOUNT naming the field, never the value', async (t) => {
  refused(t, body({ medfee_sumamt: '10000.001' }), 'INVALID_AMOUNT', /Field: setlinfo\.medfee_sumamt\./);
  refused(t, body({ acct_pay: 1e21 }), 'INVALID_AMOUNT', /setlinfo\.acct_pay \(send amounts beyond 15 digits as strings\)/);
  const err = t.throws(() => decodeRecord(body({ psn_cash_pay: '3,000.00' }))) as unknown as VouchError;
  t.same([err.status, err.grpcStatus], [400, 3], 'the catalogue’s statuses');
  t.notMatch(err.message, '3,000.00');
  const b = body();
  b.setldetail = [{ fund_pay_type: '310100', fund_payamt: 'six thousand' }];
  refused(t, b, 'INVALID_AMOUNT', /setldetail\[0\]\.fund_payamt/);
  b.setldetail = [];
  b.feedetail = [{ ...feeLine(1, 'XA02BCA211A012010100154', '09', '03', 100), overlmt_amt: '-' }];
  refused(t, b, 'INVALID_AMOUNT', /feedetail\[0\]\.overlmt_amt/);
});

t.test('each malformed field is named', async (t) => {
  const cases: [unknown, RegExp][] = [
    [[], /Field body must be a JSON object/],
    [{ certno: 'x' }, /Field setlinfo is missing/],
    [body({ psn_part_amt: null }), /Field setlinfo\.psn_part_amt is missing/],
    [body({ mdtrt_id: 'has space' }), /Field setlinfo\.mdtrt_id is missing or malformed/],
    [body({ med_type: '99' }), /Field setlinfo\.med_type is not in the platform dictionary/],
    [body({ insutype: '311' }), /Field setlinfo\.insutype is not in the platform dictionary/],
    [body({ setl_time: '2025/03/15' }), /Field setlinfo\.setl_time must be yyyy-MM-dd HH:mm:ss/],
    [body({ setl_time: 20250315 }), /Field setlinfo\.setl_time must be yyyy-MM-dd HH:mm:ss/],
    [body({ setl_time: '' }), /Field setlinfo\.setl_time is missing/],
    [body({ setl_time: '2025-02-29 10:00:00' }), /Field setlinfo\.setl_time is not a real date/],
    [body({ setl_time: '2025-03-15 24:00:00' }), /Field setlinfo\.setl_time is not a real date/],
    [body({ setl_time: '1989-12-31 10:00:00' }), /Field setlinfo\.setl_time is not a real date/],
    [body({ begndate: '2025-03-16 08:00:00' }), /Field setlinfo\.begndate is after setl_time/],
    [body({ begndate: '2025-03-10 08:00:00', enddate: '2025-03-09 08:00:00' }), /Field setlinfo\.enddate is before begndate/],
    [body({ fixmedins_code: 'X31010100001' }), /Field setlinfo\.fixmedins_code/],
    [body({ pool_prop_selfpay: '1.5' }), /Field setlinfo\.pool_prop_selfpay/],
    [body({ psn_name: 'x'.repeat(101) }), /Field setlinfo\.psn_name/],
    [body({ psn_name: 7 }), /Field setlinfo\.psn_name/],
    [{ ...body(), feedetail: {} }, /Field feedetail must be an array/],
    [{ ...body(), feedetail: ['line'] }, /Field feedetail\[0\] must be an object/],
    [{ ...body(), diseinfo: Array.from({ length: 5001 }, () => ({ diag_code: 'I10' })) }, /Field diseinfo has more than 5000 entries/],
    [{ ...body(), diseinfo: [{ diag_code: 'hypertension' }] }, /Field diseinfo\[0\]\.diag_code/],
    [{ ...body(), diseinfo: [{ diag_code: 'I10', diag_name: 'x'.repeat(201) }] }, /Field diseinfo\[0\]\.diag_name/],
    [{ ...body(), setldetail: [{ fund_pay_type: '31', fund_payamt: '1.00' }] }, /Field setldetail\[0\]\.fund_pay_type/],
    [{ ...body(), feedetail: [{ ...feeLine(1, 'XA02BCA211A012010100154', '09', '03', 100), cnt: '1.23456' }] }, /Field feedetail\[0\]\.cnt/],
    [{ ...body(), feedetail: [{ ...feeLine(1, 'XA02BCA211A012010100154', '15', '03', 100) }] }, /Field feedetail\[0\]\.med_chrgitm_type is not in the platform dictionary/],
    [{ ...body(), feedetail: [{ ...feeLine(1, 'XA02BCA211A012010100154', '09', '04', 100) }] }, /Field feedetail\[0\]\.chrgitm_lv is not in the platform dictionary/],
  ];
  for (const [input, field] of cases) refused(t, input, 'VALIDATION_FAILED', field);
  const twice = { ...body(), feedetail: [feeLine(1, 'XA02BCA211A012010100154', '09', '03', 100), feeLine(1, 'XA02BCA211A012010100155', '09', '03', 100)] };
  refused(t, twice, 'VALIDATION_FAILED', /Field feedetail\[1\]\.feedetl_sn repeats an earlier line’s number/);
});

t.test('amounts that break an identity: INVALID_RECORD naming the identity, not the amounts', async (t) => {
  // medfee 10,000.00 but the parts add up to 10,000.02: identity 1 is off by 2 fen (±1 tolerated).
  refused(t, body({ fulamt_ownpay_amt: '1000.02' }), 'INVALID_RECORD', /Identity 1 does not hold: medfee_sumamt = /);
  t.doesNotThrow(() => decodeRecord(body({ fulamt_ownpay_amt: '1000.01' })), 'one fen is rounding');
  // psn_part 4,000.00 = acct 1,000.00 + cash 3,000.00; cash 2,990.00 breaks identity 3.
  refused(t, body({ psn_cash_pay: '2990.00' }), 'INVALID_RECORD', /Identity 3 does not hold/);
});
