/**
 * A realistic population for the benchmark: patients with consents, policies under several products
 * and inpatient/outpatient records, sealed exactly as the gateway seals them (same vault, same facts),
 * written in large batches (SQLite bulk-loaded, PostgreSQL through its repositories). Seeding bypasses
 * the access log on purpose — it sets the stage; every request the benchmark then makes is logged as in production.
 */
import path from 'node:path';
import { loadConfig } from '../gateway/config.js';
import { openGateway, type Gateway } from '../gateway/context.js';
import { certnoCheckChar } from '../gateway/domain/certno.js';
import { deriveFacts } from '../gateway/domain/facts.js';
import { fenToYuan } from '../gateway/domain/money.js';
import type { SettlementRecord } from '../gateway/domain/record.js';
import type { ConsentRow } from '../gateway/storage/consents.js';
import type { PolicyRow } from '../gateway/storage/policies.js';
import type { RecordRow } from '../gateway/storage/records.js';
import type { Vault } from '../gateway/services/vault.js';
import { createLogger } from '../gateway/logger.js';
import { decodeRecord } from '../adapters/nhsa/record-codec.js';
import { sealRecord } from '../gateway/services/records/records.js';
import { timeOrderedId } from '../gateway/services/random.js';
import { openDatabase } from '../gateway/storage/sqlite/database.js';
import { MAIN_MIGRATIONS } from '../gateway/storage/sqlite/main-schema.js';
import { SqliteRepositories } from '../gateway/storage/sqlite/repositories.js';
import type { Principal } from '../gateway/services/identity/auth.js';

export const SH = 'H31010100001';
export const GZ = 'H44010600001';
export const HHB = 'huhuibao';
export const BW = 'baiwan';
export const SSK = 'suisuikang';
export const BUREAU = 'SH-YBJ';

export function certnoOf(i: number): string {
  const birth = new Date(Date.UTC(1950, 0, 1) + (i % 20000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const region = i % 3 === 2 ? '440106' : '310104';
  const first17 = `${region}${birth}${String(Math.floor(i / 20000) % 1000).padStart(3, '0')}`;
  return first17 + certnoCheckChar(first17);
}

/** Patient i: a third in Guangzhou (穗岁康), the rest in Shanghai (沪惠保 + 百万医疗). */
export function patientOf(i: number) {
  const gz = i % 3 === 2;
  return { certno: certnoOf(i), hospital: gz ? GZ : SH, insurers: gz ? [SSK] : [HHB, BW], policies: gz ? [[SSK, 'suisuikang-2022']] : [[HHB, 'huhuibao-2025'], [BW, 'baiwan-medical']] };
}

const y = fenToYuan;

/** A national-platform record body (yuan) for patient i's visit `visit`, amounts varying with i. */
export function recordBodyOf(i: number, visit: string): Record<string, unknown> {
  const p = patientOf(i);
  const inpatient = i % 3 !== 1;
  const ful = (5_000 + (i % 97) * 300) * 100;
  const inscp = (20_000 + (i % 53) * 500) * 100;
  const hifp = Math.round(inscp * 0.7);
  const medfee = ful + inscp;
  const psn = medfee - hifp;
  const lines = [
    { feedetl_sn: '1', med_list_codg: 'XA02BCA211A012010100154', det_item_fee_sumamt: y(ful / 2), cnt: '1', pric: y(ful / 2), chrgitm_lv: '03', med_chrgitm_type: '09', fulamt_ownpay_amt: y(ful / 2) },
    { feedetl_sn: '2', med_list_codg: 'C0101010100000000000001', det_item_fee_sumamt: y(ful / 4), cnt: '1', pric: y(ful / 4), chrgitm_lv: '03', med_chrgitm_type: '08', fulamt_ownpay_amt: y(ful / 4) },
    { feedetl_sn: '3', med_list_codg: '331001001000000', det_item_fee_sumamt: y(ful / 4), cnt: '1', pric: y(ful / 4), chrgitm_lv: '03', med_chrgitm_type: '06', fulamt_ownpay_amt: y(ful / 4) },
    { feedetl_sn: '4', med_list_codg: '001102000010000', det_item_fee_sumamt: y(inscp), cnt: '1', pric: y(inscp), chrgitm_lv: '01', med_chrgitm_type: '05', inscp_scp_amt: y(inscp) },
  ];
  return {
    certno: p.certno,
    setlinfo: {
      mdtrt_id: visit, setl_id: `S${visit}`, psn_no: `P${i}`, insutype: '310', med_type: inpatient ? '21' : '11', setl_time: '2025-06-18 10:00:00',
      fixmedins_code: p.hospital, clr_optins: p.hospital === GZ ? '440106' : '310100', psn_name: `患者${i}`,
      medfee_sumamt: y(medfee), fulamt_ownpay_amt: y(ful), overlmt_selfpay: '0.00', preselfpay_amt: '0.00', inscp_scp_amt: y(inscp),
      act_pay_dedc: '1500.00', hifp_pay: y(hifp), fund_pay_sumamt: y(hifp), psn_part_amt: y(psn), acct_pay: '0.00', psn_cash_pay: y(psn),
    },
    setldetail: [{ fund_pay_type: '310100', fund_payamt: y(hifp) }],
    feedetail: lines,
    diseinfo: [{ diag_type: '1', diag_code: 'K80.100', diag_name: '胆囊结石', maindiag_flag: '1' }],
  };
}

const ADMIN: Principal = { role: 'admin', code: 'bench', jti: 'bench' };

/** A gateway over the bench's data directory — and, with `databaseUrl`, its PostgreSQL database — that writes no log of its own. */
export function openBenchGateway(dataDir: string, databaseUrl?: string): Promise<Gateway> {
  return openGateway(loadConfig({ VOUCH_DATA_DIR: dataDir, ...(databaseUrl ? { VOUCH_DATABASE_URL: databaseUrl } : {}) }), createLogger('warn'), { writesLog: false });
}

/** Patient i's rows as the gateway would have stored them: a consent per insurer, the policies, one sealed record (visit `V<i>`). */
export interface PatientRows {
  subject: string;
  consents: ConsentRow[];
  policies: PolicyRow[];
  record: RecordRow;
}

/** The parties every population needs (the hospitals, the three insurers, the bureau). */
async function addParties(g: Gateway): Promise<void> {
  for (const [role, code, level] of [['hospital', SH, 3], ['hospital', GZ, 2], ['insurer', HHB], ['insurer', BW], ['insurer', SSK], ['bureau', BUREAU]] as const) {
    if (!(await g.parties.get(code))) await g.parties.add({ role, code, name: code, ...(level ? { level } : {}) }, ADMIN);
  }
}

/**
 * Patient i's rows, sealed exactly as the gateway seals them (same vault, same facts). `template` is a
 * decoded record given this patient's ids and visit type: parsing 10^6 bodies would dominate seeding.
 */
export function patientRows(vault: Vault, i: number, now: number, template: SettlementRecord): PatientRows {
  const p = patientOf(i);
  const subject = vault.blindIndex(p.certno);
  const consents: ConsentRow[] = p.insurers.map((grantee) => ({
    consent_id: timeOrderedId('cns'), version: 1, subject, grantee,
    purposes: ['eligibility', 'settlement', 'claim_verification'], providers: null, valid_from: now - 1000, valid_until: now + 365 * 86_400_000,
    max_queries_per_day: null, status: 'active', recorded_by: 'patient', recorded_by_role: 'patient', evidence_digest: null, created_at: now, updated_at: now,
  }));
  const policies: PolicyRow[] = p.policies.map(([insurer, product]) => ({
    insurer: insurer!, policy_no: `POL${i}-${insurer}`, subject, created_at: now, updated_at: now,
    periods: [{ period_no: 1, product: product!, start_date: '2025-01-01', end_date: '2025-12-31', pre_existing: i % 10 === 0, claim_free_years: i % 4, used_at: null, corrections: 0, created_at: now, updated_at: now }],
  }));
  const inpatient = i % 3 !== 1;
  const record: SettlementRecord = {
    ...template,
    setlinfo: {
      ...template.setlinfo, mdtrt_id: `V${i}`, setl_id: `SV${i}`, psn_no: `P${i}`, psn_name: `患者${i}`, med_type: inpatient ? '21' : '11',
      fixmedins_code: p.hospital, clr_optins: p.hospital === GZ ? '440106' : '310100',
    },
  };
  const sealed = sealRecord(vault, { record_id: timeOrderedId('rec'), version: 1, subject }, {
    hospital: p.hospital, record, facts: deriveFacts(record), contentDigest: vault.digest('record', record), now,
  });
  return { subject, consents, policies, record: sealed };
}

const recordTemplate = () => decodeRecord(recordBodyOf(0, 'V0')).record;

/** Seeds n patients (visit id `V<i>` each) into dataDir; returns seconds taken. */
export async function seed(dataDir: string, n: number): Promise<number> {
  const started = Date.now();
  const g = await openBenchGateway(dataDir);
  try {
    await addParties(g);
    const now = Date.now();
    const template = recordTemplate();
    // A bulk load on its own connection: synchronous=OFF (nothing is acknowledged to anyone while the
    // stage is set; the gateway reopens the file with FULL, asserted), large transactions, and rows
    // inserted in index order so the B-trees fill page by page instead of at random pages.
    const db = openDatabase(path.join(dataDir, 'vouch.db'), MAIN_MIGRATIONS);
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1048576'); // 1 GiB: the indexes of 10^6 patients stay in memory while loading
    const tx = new SqliteRepositories(db);
    const chunk = 50_000;
    for (let start = 0; start < n; start += chunk) {
      // Patients in subject order, and their rows made in that order: the time-ordered ids then grow with
      // the subject index too.
      const order: { i: number; subject: string }[] = [];
      for (let i = start; i < Math.min(n, start + chunk); i++) order.push({ i, subject: g.vault.blindIndex(certnoOf(i)) });
      order.sort((a, b) => (a.subject < b.subject ? -1 : 1));
      db.transaction(() => {
        for (const { i } of order) {
          const r = patientRows(g.vault, i, now, template);
          for (const c of r.consents) tx.consents.insert(c);
          for (const p of r.policies) tx.policies.save(p);
          tx.records.insert(r.record);
        }
      })();
    }
    db.close();
  } finally {
    await g.close();
  }
  return (Date.now() - started) / 1000;
}

/**
 * Seeds the same n patients into the PostgreSQL database at `databaseUrl` (keys in dataDir): the same
 * rows as {@link seed}, written through the store's own repositories in transactions of 500 patients,
 * four at a time (the pool's connections; a server database has no bulk side door worth a second code
 * path here). Returns seconds taken.
 */
export async function seedPostgres(dataDir: string, databaseUrl: string, n: number): Promise<number> {
  const started = Date.now();
  const g = await openBenchGateway(dataDir, databaseUrl);
  try {
    await addParties(g);
    const now = Date.now();
    const template = recordTemplate();
    const chunk = 500;
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < n) {
        const start = next;
        next += chunk;
        const rows: PatientRows[] = [];
        for (let i = start; i < Math.min(n, start + chunk); i++) rows.push(patientRows(g.vault, i, now, template));
        await g.storage.write(async (tx) => {
          for (const r of rows) {
            for (const c of r.consents) await tx.consents.insert(c);
            for (const p of r.policies) await tx.policies.save(p);
            await tx.records.insert(r.record);
          }
        });
      }
    }));
  } finally {
    await g.close();
  }
  return (Date.now() - started) / 1000;
}
