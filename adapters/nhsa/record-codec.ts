/**
 * The national medical-insurance platform edge (国家医疗保障信息平台 定点医药机构接口规范): turns a
 * pushed record — bare `{certno, setlinfo, …}` or wrapped in the platform's request envelope
 * (`{infno, msgid, …, input: {…}}`) or response envelope (`{infcode, output: {…}}`) — into a
 * {@link SettlementRecord} with amounts in fen. Every rejection names a field or an identity, never a value.
 */
import { VouchError } from '../../gateway/errors.js';
import { InvalidAmountError, optionalYuanToFen, yuanToFen } from '../../gateway/domain/money.js';
import {
  SETL_AMOUNT_FIELDS,
  firstBrokenIdentity,
  type DiseInfo,
  type FeeDetail,
  type SetlAmountField,
  type SetlDetail,
  type SettlementRecord,
} from '../../gateway/domain/record.js';

/** 医疗类别 dictionary (med_type) as the platform publishes it. */
export const MED_TYPES = new Set([
  '11', '12', '13', '14', '15', '16', '19', '21', '22', '23', '24', '25', '26', '28', '29', '41', '51', '52', '53',
  '9901', '9902', '9903', '9904', '9905', '9906', '9907', '9908', '9909', '9910', '9911', '9912', '9913',
]);
/** 险种类型 dictionary (insutype). */
export const INSUTYPES = new Set(['310', '320', '330', '340', '350', '360', '370', '380', '390', '391', '392', '399', '410', '510']);
/** 收费项目等级 (chrgitm_lv): 01 甲 02 乙 03 丙/自费. */
export const CHRGITM_LV = new Set(['01', '02', '03']);
/** 医疗收费项目类别 (med_chrgitm_type) 01–14. */
export const MED_CHRGITM_TYPES = new Set(Array.from({ length: 14 }, (_, i) => String(i + 1).padStart(2, '0')));

export const INSTITUTION_CODE = /^[HP]\d{11}$/;
const ID_TEXT = /^[A-Za-z0-9_-]{1,64}$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/;
const DIAG_CODE = /^[A-Z]\d{2}(\.[A-Za-z0-9]{1,4})?[A-Za-z0-9+]{0,4}$/;
const MAX_LINES = 5000;

function bad(field: string, problem = 'is missing or malformed'): VouchError {
  return new VouchError('VALIDATION_FAILED', `Field ${field} ${problem}.`);
}

/** An amount in fen: the domain's InvalidAmountError answered as the catalogue's INVALID_AMOUNT, same detail. */
function fen(convert: (value: unknown, field: string) => number, value: unknown, field: string): number {
  try {
    return convert(value, field);
  } catch (err) {
    if (err instanceof InvalidAmountError) throw new VouchError('INVALID_AMOUNT', err.detail);
    throw err;
  }
}
const amount = (value: unknown, field: string): number => fen(yuanToFen, value, field);
/** Absent (undefined, null or '') is 0 fen: the platform omits zero amounts. */
const optionalAmount = (value: unknown, field: string): number => fen(optionalYuanToFen, value, field);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A platform code or id: a string (or a number the sender's JSON made of it). */
function text(o: Record<string, unknown>, key: string, path: string, pattern = ID_TEXT, required = true): string | null {
  const v = o[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw bad(`${path}.${key}`);
    return null;
  }
  const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
  if (typeof s !== 'string' || !pattern.test(s)) throw bad(`${path}.${key}`);
  return s;
}

function dict(o: Record<string, unknown>, key: string, path: string, values: Set<string>, required = true): string | null {
  const v = text(o, key, path, /^\d{2,4}$/, required);
  if (v !== null && !values.has(v)) throw bad(`${path}.${key}`, 'is not in the platform dictionary');
  return v;
}

function dateTime(o: Record<string, unknown>, key: string, path: string): string {
  const v = o[key];
  if (v === undefined || v === null || v === '') throw bad(`${path}.${key}`);
  const m = typeof v === 'string' ? DATE_TIME.exec(v) : null;
  if (!m) throw bad(`${path}.${key}`, 'must be yyyy-MM-dd HH:mm:ss');
  const [, y, mo, d, h = '00', mi = '00', s = '00'] = m;
  const date = new Date(Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s));
  if (date.getUTCMonth() !== +mo! - 1 || date.getUTCDate() !== +d! || +h > 23 || +mi > 59 || +s > 59 || +y! < 1990 || +y! > 2199) {
    throw bad(`${path}.${key}`, 'is not a real date');
  }
  return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
}

function array(o: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(key, 'must be an array');
  if (v.length > MAX_LINES) throw bad(key, `has more than ${MAX_LINES} entries`);
  return v.map((item, i) => {
    if (!isObject(item)) throw bad(`${key}[${i}]`, 'must be an object');
    return item;
  });
}

/** Unwraps the platform's request envelope (`input`) or response envelope (`output`). */
export function unwrapEnvelope(body: Record<string, unknown>): Record<string, unknown> {
  if (isObject(body.input) && body.setlinfo === undefined) {
    // Request envelope: infno, msgid (institution code + yyyyMMddHHmmss + 4-digit serial), fixmedins_code …
    if (body.msgid !== undefined && (typeof body.msgid !== 'string' || !/^[HP]\d{11}\d{14}\d{4}$/.test(body.msgid))) throw bad('msgid');
    const inner = { ...body.input };
    if (inner.certno === undefined && body.certno !== undefined) inner.certno = body.certno;
    if (isObject(inner.setlinfo) && inner.setlinfo.fixmedins_code === undefined && typeof body.fixmedins_code === 'string') {
      inner.setlinfo = { ...inner.setlinfo, fixmedins_code: body.fixmedins_code };
    }
    for (const k of ['insuplc_admdvs', 'mdtrtarea_admvs'] as const) {
      if (isObject(inner.setlinfo) && inner.setlinfo[k] === undefined && body[k] !== undefined) inner.setlinfo = { ...inner.setlinfo, [k]: body[k] };
    }
    return inner;
  }
  if (isObject(body.output) && body.setlinfo === undefined) {
    // Response envelope: infcode 0 is success; -1 carries err_msg and no record.
    if (body.infcode !== undefined && String(body.infcode) !== '0') throw bad('infcode', 'is not a successful platform answer');
    const inner = { ...body.output };
    if (inner.certno === undefined && body.certno !== undefined) inner.certno = body.certno;
    return inner;
  }
  return body;
}

function feeLine(l: Record<string, unknown>, i: number): FeeDetail {
  const p = `feedetail[${i}]`;
  const cnt = l.cnt;
  const cntText = typeof cnt === 'number' && Number.isFinite(cnt) ? String(cnt) : cnt;
  if (typeof cntText !== 'string' || !/^-?\d{1,12}(\.\d{1,4})?$/.test(cntText)) throw bad(`${p}.cnt`);
  return {
    feedetl_sn: text(l, 'feedetl_sn', p)!,
    med_list_codg: text(l, 'med_list_codg', p, /^[A-Za-z0-9]{5,50}$/)!,
    det_item_fee_sumamt: amount(l.det_item_fee_sumamt, `${p}.det_item_fee_sumamt`),
    cnt: cntText,
    pric: l.pric === undefined || l.pric === null ? null : amount(l.pric, `${p}.pric`),
    chrgitm_lv: dict(l, 'chrgitm_lv', p, CHRGITM_LV)!,
    med_chrgitm_type: dict(l, 'med_chrgitm_type', p, MED_CHRGITM_TYPES)!,
    fulamt_ownpay_amt: optionalAmount(l.fulamt_ownpay_amt, `${p}.fulamt_ownpay_amt`),
    overlmt_amt: optionalAmount(l.overlmt_amt, `${p}.overlmt_amt`),
    preselfpay_amt: optionalAmount(l.preselfpay_amt, `${p}.preselfpay_amt`),
    inscp_scp_amt: optionalAmount(l.inscp_scp_amt, `${p}.inscp_scp_amt`),
  };
}

/** Fields a settlement must carry; the rest of the amounts default to 0 as the platform omits zeros. */
const REQUIRED_AMOUNTS: ReadonlySet<SetlAmountField> = new Set(['medfee_sumamt', 'fund_pay_sumamt', 'psn_part_amt']);

/**
 * Parses and checks a pushed record.
 * @throws VouchError VALIDATION_FAILED / INVALID_AMOUNT naming the field (the certno is returned as sent,
 *         for the caller to check);
 *         INVALID_RECORD naming the identity that failed.
 */
export function decodeRecord(body: unknown): { certno: unknown; record: SettlementRecord } {
  if (!isObject(body)) throw bad('body', 'must be a JSON object');
  const inner = unwrapEnvelope(body);
  const s = inner.setlinfo;
  if (!isObject(s)) throw bad('setlinfo');
  const amounts = {} as Record<SetlAmountField, number>;
  for (const f of SETL_AMOUNT_FIELDS) {
    if (REQUIRED_AMOUNTS.has(f) && (s[f] === undefined || s[f] === null)) throw bad(`setlinfo.${f}`);
    amounts[f] = optionalAmount(s[f], `setlinfo.${f}`);
  }
  const poolProp = s.pool_prop_selfpay;
  if (poolProp !== undefined && poolProp !== null && !/^(0(\.\d{1,4})?|1(\.0{1,4})?)$/.test(String(poolProp))) {
    throw bad('setlinfo.pool_prop_selfpay');
  }
  const psnName = s.psn_name;
  if (psnName !== undefined && psnName !== null && (typeof psnName !== 'string' || psnName.length > 100)) throw bad('setlinfo.psn_name');
  const record: SettlementRecord = {
    setlinfo: {
      mdtrt_id: text(s, 'mdtrt_id', 'setlinfo')!,
      setl_id: text(s, 'setl_id', 'setlinfo')!,
      psn_no: text(s, 'psn_no', 'setlinfo', ID_TEXT, false),
      insutype: dict(s, 'insutype', 'setlinfo', INSUTYPES, false),
      med_type: dict(s, 'med_type', 'setlinfo', MED_TYPES)!,
      setl_time: dateTime(s, 'setl_time', 'setlinfo'),
      begndate: s.begndate === undefined || s.begndate === null || s.begndate === '' ? null : dateTime(s, 'begndate', 'setlinfo'),
      enddate: s.enddate === undefined || s.enddate === null || s.enddate === '' ? null : dateTime(s, 'enddate', 'setlinfo'),
      fixmedins_code: text(s, 'fixmedins_code', 'setlinfo', INSTITUTION_CODE, false),
      clr_optins: text(s, 'clr_optins', 'setlinfo', /^\d{6}$/, false),
      insuplc_admdvs: text(s, 'insuplc_admdvs', 'setlinfo', /^\d{6}$/, false),
      mdtrtarea_admvs: text(s, 'mdtrtarea_admvs', 'setlinfo', /^\d{6}$/, false),
      pool_prop_selfpay: poolProp === undefined || poolProp === null ? null : String(poolProp),
      psn_name: typeof psnName === 'string' ? psnName : null,
      amounts,
    },
    setldetail: array(inner, 'setldetail').map((d, i): SetlDetail => ({
      fund_pay_type: text(d, 'fund_pay_type', `setldetail[${i}]`, /^\d{6}$/)!,
      fund_payamt: amount(d.fund_payamt, `setldetail[${i}].fund_payamt`),
    })),
    feedetail: array(inner, 'feedetail').map(feeLine),
    diseinfo: array(inner, 'diseinfo').map((d, i): DiseInfo => {
      const name = d.diag_name;
      if (name !== undefined && name !== null && (typeof name !== 'string' || name.length > 200)) throw bad(`diseinfo[${i}].diag_name`);
      return {
        diag_type: text(d, 'diag_type', `diseinfo[${i}]`, /^\d{1,2}$/, false) ?? '1',
        diag_code: text(d, 'diag_code', `diseinfo[${i}]`, DIAG_CODE)!,
        diag_name: typeof name === 'string' ? name : null,
        maindiag_flag: text(d, 'maindiag_flag', `diseinfo[${i}]`, /^[01]$/, false) ?? '0',
      };
    }),
  };
  const { begndate, enddate, setl_time } = record.setlinfo;
  // A stay begins before it is settled and ends after it begins (dates as sent; times compare as text).
  if (begndate !== null && begndate.slice(0, 10) > setl_time.slice(0, 10)) throw bad('setlinfo.begndate', 'is after setl_time');
  if (begndate !== null && enddate !== null && enddate < begndate) throw bad('setlinfo.enddate', 'is before begndate');
  // Fee lines are numbered within a settlement (费用明细流水号): the same number twice is two lines claiming one place.
  const seen = new Set<string>();
  for (const [i, l] of record.feedetail.entries()) {
    if (seen.has(l.feedetl_sn)) throw bad(`feedetail[${i}].feedetl_sn`, 'repeats an earlier line’s number');
    seen.add(l.feedetl_sn);
  }
  const broken = firstBrokenIdentity(amounts);
  if (broken) throw new VouchError('INVALID_RECORD', `Identity ${broken.id} does not hold: ${broken.text}.`);
  return { certno: inner.certno, record };
}
