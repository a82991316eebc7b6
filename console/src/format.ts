/**
 * What the console shows people: Chinese labels for the log's codes, times in Asia/Shanghai (the
 * business day of the contract), money from integer fen without floating point.
 */

const TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const DATE = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
const YMD = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** An instant (ISO string or epoch ms) as Shanghai local date and time. */
export function shanghaiTime(t: string | number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : TIME.format(d);
}

export function shanghaiDate(t: string | number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : DATE.format(d);
}

/** Today (or `days` from today) in Shanghai as YYYY-MM-DD, for date inputs. */
export function shanghaiDay(days = 0, now = Date.now()): string {
  return YMD.format(new Date(now + days * 86_400_000));
}

/**
 * A date or datetime-local input's value read as Shanghai local time (UTC+8 all year: China has no
 * daylight saving time), as an ISO 8601 instant with its offset.
 */
export function shanghaiInput(value: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00+08:00`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return `${value.length === 16 ? `${value}:00` : value}+08:00`;
  return undefined;
}

/** The day after a YYYY-MM-DD date (ranges end exclusive at the next midnight). */
export function nextDay(ymd: string): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

const GROUPED = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 });

/** Integer fen as yuan with two decimals ("¥1,234.50"), by integer arithmetic. */
export function yuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) return '—';
  const a = Math.abs(fen);
  const whole = (a - (a % 100)) / 100;
  return `${fen < 0 ? '-' : ''}¥${GROUPED.format(whole)}.${String(a % 100).padStart(2, '0')}`;
}

export const ROLE_LABELS: Record<string, string> = {
  bureau: '医保局',
  patient: '患者',
  insurer: '商业保险公司',
  hospital: '定点医药机构',
  admin: '运维管理员',
  system: '系统',
};

export const ACTION_LABELS: Record<string, string> = {
  'party.registered': '登记参与方',
  'party.suspended': '暂停参与方',
  'party.activated': '恢复参与方',
  'key.rotated': '轮换密钥',
  'token.issued': '签发令牌',
  'consent.granted': '授权',
  'consent.revoked': '撤回授权',
  'record.pushed': '上传诊疗结算记录',
  'record.rejected': '拒收记录',
  'policy.enrolled': '登记保单',
  'policy.renewed': '保单续保',
  'policy.corrected': '更正保单',
  'policy.read': '查看保单',
  'query.eligibility': '查询：理赔条件核验',
  'query.quote': '查询：赔付金额测算',
  'query.claim_verification': '查询：核对理赔金额',
  'query.budget_exhausted': '查询额度用尽',
  'settlement.settled': '一站式结算',
  'settlement.reversed': '结算冲正',
  'settlement.rejected': '拒绝结算',
  'stats.budget_set': '设定隐私预算',
  'stats.released': '发布统计（差分隐私）',
  'stats.refused': '隐私预算用尽',
  'stats.releases_read': '查看统计发布记录',
  'audit.searched': '检索访问日志',
  'access_log.read': '查看本人访问记录',
  'supervision.read': '查看监管汇总',
};

/** Purposes explained in plain words (the grant form uses the longer text). */
export const PURPOSE_LABELS: Record<string, { short: string; long: string }> = {
  eligibility: { short: '理赔条件核验', long: '核验是否符合理赔条件：保险公司只得到“是/否”及原因代码，看不到病历。' },
  settlement: { short: '一站式结算', long: '医保商保一站式结算：出院或就诊结算时，商保应付部分直接在医院收费处结清。' },
  claim_verification: { short: '核对理赔金额', long: '核对理赔金额：保险公司只能确认您申报的金额与医院记录是否一致。' },
  proactive_claim: { short: '主动理赔通知', long: '主动理赔通知：符合条件的就诊，保险公司可主动通知您理赔，无需您先垫付再报销。' },
};

export const OUTCOME_LABELS: Record<string, string> = { allowed: '允许', denied: '拒绝' };

export const STATUS_LABELS: Record<string, string> = { active: '有效', revoked: '已撤回', expired: '已过期', suspended: '已暂停' };

export const REASON_LABELS: Record<string, string> = {
  NO_CONSENT: '无授权',
  CONSENT_REVOKED: '授权已撤回',
  CONSENT_EXPIRED: '授权已过期',
  CONSENT_NOT_YET_VALID: '授权尚未生效',
  GRANTEE_NOT_COVERED: '授权未给予该机构',
  PURPOSE_NOT_COVERED: '授权未包含该用途',
  PROVIDER_NOT_COVERED: '授权未覆盖该医疗机构',
  NO_SUCH_VISIT: '无此就诊记录',
  NO_SUCH_POLICY: '无此保单',
  NO_RECORD: '无此就诊记录',
  ALREADY_SETTLED: '已结算',
  CONSENT_DAILY_BUDGET: '超出每日查询额度',
  CLAIM_ATTEMPTS: '核对次数用尽',
  IDEMPOTENT_REPLAY: '重复提交（幂等）',
};

export function label(map: Record<string, string>, code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return '—';
  return map[code] ?? code;
}
