import { Type, type TSchema } from 'typebox';
import { SETL_AMOUNT_FIELDS, type SetlAmountField } from '../domain/record.js';

/**
 * The national-platform record as POST /v1/records takes it, for the OpenAPI document only: every field
 * with its name in the platform's interface specification (国家医疗保障信息平台 定点医药机构接口规范,
 * transactions 2207/2304/5203) and its unit. Validation stays in adapters/nhsa/record-codec.ts — the
 * route's own body schema accepts any JSON object and the codec checks field by field, naming the field
 * or identity that fails — so documenting the record changes nothing about what is accepted.
 */

/** Yuan as the platform sends them: decimal (16,2), as a JSON string or number. */
const Yuan = (name: string, required = false): TSchema =>
  Type.Union([Type.String({ pattern: '^-?\\d{1,14}(\\.\\d{1,2})?$' }), Type.Number()], {
    description: `${name} — 元 (yuan), at most 2 decimals, as a string or a JSON number (numbers beyond 15 significant digits must be strings); converted to integer fen exactly.${required ? ' Required.' : ' Absent means 0.'}`,
  });

/** 元 amounts of setlinfo with their platform names. */
const AMOUNT_NAMES: Record<SetlAmountField, string> = {
  medfee_sumamt: '医疗费总额 (total medical expenses)',
  fulamt_ownpay_amt: '全自费金额 (wholly self-paid, outside the catalogue)',
  overlmt_selfpay: '超限价自费费用 (self-paid above the price limit)',
  preselfpay_amt: '先行自付金额 (paid first by the insured)',
  inscp_scp_amt: '符合政策范围金额 (within the policy scope)',
  act_pay_dedc: '实际支付起付线 (deductible actually paid)',
  hifp_pay: '基本医疗保险统筹基金支出 (pooled fund)',
  cvlserv_pay: '公务员医疗补助资金支出 (civil-servant subsidy)',
  hifes_pay: '企业补充医疗保险基金支出 (enterprise supplementary)',
  hifmi_pay: '居民大病保险资金支出 (residents’ critical illness)',
  hifob_pay: '职工大额医疗费用补助基金支出 (employees’ large-expense subsidy)',
  maf_pay: '医疗救助基金支出 (medical assistance)',
  hosp_part_amt: '医院负担金额 (borne by the hospital)',
  oth_pay: '其他支出 (other)',
  fund_pay_sumamt: '基金支付总额 (total paid by funds)',
  psn_part_amt: '个人负担总金额 (total borne by the insured)',
  acct_pay: '个人账户支出 (personal account)',
  psn_cash_pay: '个人现金支出 (cash)',
  acct_mulaid_pay: '个人账户共济支付金额 (family mutual-aid, inside acct_pay)',
  balc: '余额 (account balance)',
};
const REQUIRED_AMOUNTS = new Set<SetlAmountField>(['medfee_sumamt', 'fund_pay_sumamt', 'psn_part_amt']);

const Code = (description: string, pattern: string): TSchema => Type.Union([Type.String({ pattern }), Type.Integer()], { description });

const SetlInfo = Type.Object(
  {
    mdtrt_id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: '就诊ID (visit id). Required.' }),
    setl_id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: '结算ID (settlement id); a re-push of the same setl_id with other content is a new version. Required.' }),
    psn_no: Type.Optional(Type.String({ description: '人员编号 (the platform’s person number).' })),
    insutype: Type.Optional(Code('险种类型 (insurance type): 310 职工基本医疗保险, 390 城乡居民基本医疗保险 … (platform dictionary).', '^\\d{3}$')),
    med_type: Code('医疗类别 (medical category): 11 普通门诊, 14 门诊慢特病, 21 普通住院, 41 定点药店购药 … (platform dictionary). Required.', '^\\d{2,4}$'),
    setl_time: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}( \\d{2}:\\d{2}:\\d{2})?$', description: '结算时间 (settlement time), yyyy-MM-dd HH:mm:ss, Beijing time. Required.' }),
    fixmedins_code: Type.Optional(Type.String({ pattern: '^[HP]\\d{11}$', description: '定点医药机构编号 (institution code); must be the pushing hospital’s own code when present.' })),
    clr_optins: Type.Optional(Type.String({ pattern: '^\\d{6}$', description: '清算经办机构 (clearing agency, region code): where the visit was settled.' })),
    insuplc_admdvs: Type.Optional(Type.String({ pattern: '^\\d{6}$', description: '参保地医保区划 (region where insured).' })),
    mdtrtarea_admvs: Type.Optional(Type.String({ pattern: '^\\d{6}$', description: '就医地医保区划 (region of treatment).' })),
    pool_prop_selfpay: Type.Optional(Type.Union([Type.String(), Type.Number()], { description: '基本医疗统筹支付比例 (pooled-fund ratio), 0 to 1 with up to 4 decimals.' })),
    psn_name: Type.Optional(Type.String({ maxLength: 100, description: '人员姓名 (name): sealed with the record, never shown to anyone.' })),
    ...Object.fromEntries(SETL_AMOUNT_FIELDS.map((f) => [f, REQUIRED_AMOUNTS.has(f) ? Yuan(AMOUNT_NAMES[f], true) : Type.Optional(Yuan(AMOUNT_NAMES[f]))])),
  },
  {
    description:
      '结算信息 (settlement information). The amounts must satisfy, within ±0.01 yuan: (1) medfee_sumamt = fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt; ' +
      '(2) medfee_sumamt = fund_pay_sumamt + psn_part_amt (+ hosp_part_amt); (3) psn_part_amt = acct_pay + psn_cash_pay; ' +
      '(4) fund_pay_sumamt = hifp_pay + cvlserv_pay + hifes_pay + hifmi_pay + hifob_pay + maf_pay + oth_pay — else 422 INVALID_RECORD naming the identity.',
  },
);

const SetlDetail = Type.Object(
  {
    fund_pay_type: Type.String({ pattern: '^\\d{6}$', description: '基金支付类型 (fund type): 310100 职工统筹, 310200 职工个账, 330100 职工大额, 390100 居民统筹, 391100 居民大病, 610100 医疗救助 …' }),
    fund_payamt: Yuan('基金支付金额 (amount paid by this fund)', true),
  },
  { description: '结算明细 (one fund’s share). Their sum is not fund_pay_sumamt (it may hold the 310200 account line).' },
);

const FeeDetail = Type.Object(
  {
    feedetl_sn: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: '费用明细流水号 (fee line serial number).' }),
    med_list_codg: Type.String({ pattern: '^[A-Za-z0-9]{5,50}$', description: '医疗目录编码 (national catalogue code): drugs 23 characters (XA02BCA211A012010100154), service items 15 digits (001102000010000).' }),
    det_item_fee_sumamt: Yuan('明细项目费用总额 (line total)', true),
    cnt: Type.Union([Type.String(), Type.Number()], { description: '数量 (quantity), up to 4 decimals; negative on refund lines.' }),
    pric: Type.Optional(Yuan('单价 (unit price)')),
    chrgitm_lv: Type.String({ enum: ['01', '02', '03'], description: '收费项目等级 (charge level): 01 甲类, 02 乙类, 03 丙类/自费.' }),
    med_chrgitm_type: Type.String({ pattern: '^(0[1-9]|1[0-4])$', description: '医疗收费项目类别: 01 床位 02 诊察 03 检查 04 化验 05 治疗 06 手术 07 护理 08 卫生材料 09 西药 10 中药饮片 11 中成药 12 一般诊疗 13 挂号 14 其他.' }),
    fulamt_ownpay_amt: Type.Optional(Yuan('全自费金额 (wholly self-paid part of the line)')),
    overlmt_amt: Type.Optional(Yuan('超限价金额 (part above the price limit)')),
    preselfpay_amt: Type.Optional(Yuan('先行自付金额 (paid first by the insured)')),
    inscp_scp_amt: Type.Optional(Yuan('符合范围金额 (within the policy scope)')),
  },
  { description: '费用明细 (one fee line). At most 5000 lines.' },
);

const DiseInfo = Type.Object(
  {
    diag_type: Type.Optional(Type.String({ pattern: '^\\d{1,2}$', description: '诊断类别 (diagnosis type); 1 when absent.' })),
    diag_code: Type.String({ description: '诊断代码: ICD-10 医保版 2.0 (I10.x00, E11.900, C34.900 …).' }),
    diag_name: Type.Optional(Type.String({ maxLength: 200, description: '诊断名称 (diagnosis name): sealed, never shown.' })),
    maindiag_flag: Type.Optional(Type.String({ enum: ['0', '1'], description: '主诊断标志 (main diagnosis): 1 yes, 0 no.' })),
  },
  { description: '诊断信息 (one diagnosis).' },
);

const recordMembers = {
  certno: Type.String({ description: '人员证件号码: the patient’s resident ID number (GB 11643). Turned into a blind index at once; never stored or shown in clear.' }),
  setlinfo: SetlInfo,
  setldetail: Type.Optional(Type.Array(SetlDetail, { maxItems: 5000 })),
  feedetail: Type.Optional(Type.Array(FeeDetail, { maxItems: 5000 })),
  diseinfo: Type.Optional(Type.Array(DiseInfo, { maxItems: 5000 })),
};

const Bare = Type.Object(recordMembers, { title: 'Record', description: 'The record as such.' });

const RequestEnvelope = Type.Object(
  {
    infno: Type.Optional(Type.String({ description: '交易编号 (transaction number), e.g. 2207, 2304, 5203.' })),
    msgid: Type.Optional(Type.String({ pattern: '^[HP]\\d{11}\\d{14}\\d{4}$', description: '报文ID: institution code + yyyyMMddHHmmss + 4-digit serial.' })),
    fixmedins_code: Type.Optional(Type.String({ description: '定点医药机构编号; copied into setlinfo when it has none.' })),
    insuplc_admdvs: Type.Optional(Type.String({ description: '参保地医保区划; copied into setlinfo when it has none.' })),
    mdtrtarea_admvs: Type.Optional(Type.String({ description: '就医地医保区划; copied into setlinfo when it has none.' })),
    inf_time: Type.Optional(Type.String({ description: '交易时间.' })),
    certno: Type.Optional(Type.String({ description: 'The patient’s ID number, when input does not carry it.' })),
    input: Type.Object(recordMembers, { description: 'The record.' }),
  },
  { title: 'Request envelope', description: 'The platform’s request envelope, forwarded as the HIS sent it: the record is its input.' },
);

const ResponseEnvelope = Type.Object(
  {
    infcode: Type.Optional(Type.Union([Type.Integer(), Type.String()], { description: '交易状态码: 0 success; anything else is refused (no record in it).' })),
    err_msg: Type.Optional(Type.String()),
    certno: Type.Optional(Type.String({ description: 'The patient’s ID number, when output does not carry it.' })),
    output: Type.Object(recordMembers, { description: 'The record.' }),
  },
  { title: 'Response envelope', description: 'The platform’s answer to 2207/2304/5203, forwarded as received: the record is its output.' },
);

/** POST /v1/records body, as documented. */
export const RecordDocument = Type.Union([Bare, RequestEnvelope, ResponseEnvelope], {
  description:
    'A treatment-and-settlement record in the national platform’s field names, amounts in yuan — bare, or inside the platform’s request (`input`) or response (`output`) envelope. ' +
    'Checked field by field at the edge (adapters/nhsa): a malformed field answers 400 VALIDATION_FAILED / INVALID_AMOUNT / INVALID_CERTNO naming the field, never its value. Other members are ignored.',
});
