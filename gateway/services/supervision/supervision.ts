import { VouchError } from '../../errors.js';
import type { EventKind } from '../../domain/audit-events.js';
import type { LeafCount } from '../../storage/log-store.js';
import type { SettlementRow } from '../../storage/settlements.js';
import type { Repositories } from '../../storage/repositories.js';
import type { LogService } from '../access-log/access-log.js';
import { instant } from '../access-log/queries.js';
import type { SettlementAnswer } from '../answers/settlements.js';

/** The bureau's figures for one insurer over a time range (definitions in docs/console.md). */
export interface InsurerSummary {
  insurer: string;
  /** Every question the insurer asked: answered, refused as not available, refused for budget. */
  queries: number;
  /** Questions refused as not available (no consent, not covered, no such visit or policy). */
  denied: number;
  /** Every refused question by reason code (the budget's reasons included): sums to `probes`. */
  by_reason: Record<string, number>;
  /** Questions refused because a consent's daily budget or the claim-check attempts ran out. */
  budget_exhausted: number;
  /** denied + budget_exhausted: every question that got no answer. */
  probes: number;
  /** Settlements created in the range with a line for this insurer (a line paying 0 included). */
  settlements: number;
  /** What those lines pay (integer fen). */
  settled_fen: number;
  /** Settlements with a line for this insurer reversed in the range. */
  reversals: number;
  reversed_fen: number;
  /** Statistics-lab releases the insurer received in the range (docs/statistics.md). */
  stats_releases: number;
  /** Statistics-lab releases refused for the privacy budget. */
  stats_refused: number;
}

/** The bureau's figures for one hospital over a time range. */
export interface HospitalSummary {
  provider: string;
  /** Records accepted (idempotent replays included: each is a push the log holds). */
  pushes: number;
  /** Records refused (no consent covering the hospital). */
  refused: number;
  settlements: number;
  reversals: number;
  /** Settlements refused (no record, already settled). */
  settlements_refused: number;
}

export interface SupervisionSummary {
  from: string;
  to: string;
  insurers: InsurerSummary[];
  hospitals: HospitalSummary[];
}

const QUESTION_KINDS: readonly EventKind[] = ['query.eligibility', 'query.quote', 'query.claim_verification'];
const BUDGET_KIND: EventKind = 'query.budget_exhausted';
const STATS_KINDS: readonly EventKind[] = ['stats.released', 'stats.refused'];
const HOSPITAL_KINDS: readonly EventKind[] = ['record.pushed', 'record.rejected', 'settlement.settled', 'settlement.reversed', 'settlement.rejected'];
/** The end of time for an open range: the largest instant a Date can hold. */
const END_OF_TIME = 8.64e15;

const newInsurer = (insurer: string): InsurerSummary => ({
  insurer, queries: 0, denied: 0, by_reason: {}, budget_exhausted: 0, probes: 0, settlements: 0, settled_fen: 0, reversals: 0, reversed_fen: 0,
  stats_releases: 0, stats_refused: 0,
});
const newHospital = (provider: string): HospitalSummary => ({ provider, pushes: 0, refused: 0, settlements: 0, reversals: 0, settlements_refused: 0 });

function slot<T>(map: Map<string, T>, key: string, make: (k: string) => T): T {
  let v = map.get(key);
  if (!v) map.set(key, (v = make(key)));
  return v;
}

/**
 * Exact counts for the bureau (医保局's supervision of commercial settlement): queries, refusals and
 * probes per insurer from the access log's leaves; settlements and amounts per insurer from the sealed
 * settlement answers (a settlement leaf names the hospital, not the insurers it paid); pushes, refusals
 * and settlements per hospital from the leaves. Nothing here names a patient.
 */
export class SupervisionService {
  constructor(
    private readonly read: () => Repositories,
    private readonly log: Pick<LogService, 'countsBetween'>,
    private readonly settlementAnswer: (row: SettlementRow) => SettlementAnswer,
  ) {}

  /** The summary over [from, to): ISO 8601 times or epoch ms; an open end means the start or end of time. */
  async summary(q: { from?: string | undefined; to?: string | undefined }): Promise<SupervisionSummary> {
    const from = instant(q.from, 'from') ?? 0;
    const to = instant(q.to, 'to') ?? END_OF_TIME;
    if (from > to) throw new VouchError('VALIDATION_FAILED', 'Query from must not be after to.');
    const insurers = new Map<string, InsurerSummary>();
    const hospitals = new Map<string, HospitalSummary>();
    const repos = this.read();
    for (const p of await repos.parties.list()) {
      if (p.role === 'insurer') slot(insurers, p.code, newInsurer);
      else if (p.role === 'hospital') slot(hospitals, p.code, newHospital);
    }
    for (const c of await this.log.countsBetween(from, to, [...QUESTION_KINDS, BUDGET_KIND])) countQuestion(slot(insurers, c.actor, newInsurer), c);
    for (const c of await this.log.countsBetween(from, to, STATS_KINDS)) {
      if (c.actor_role !== 'insurer') continue; // the bureau's own releases are in the log, not in an insurer's row
      const s = slot(insurers, c.actor, newInsurer);
      if (c.action === 'stats.released') s.stats_releases += c.n;
      else s.stats_refused += c.n;
    }
    for (const c of await this.log.countsBetween(from, to, HOSPITAL_KINDS)) countHospital(slot(hospitals, c.actor, newHospital), c);
    for (const row of await repos.settlements.between(from, to)) {
      const answer = this.settlementAnswer(row);
      const created = row.created_at >= from && row.created_at < to;
      const reversed = row.reversed_at !== null && row.reversed_at >= from && row.reversed_at < to;
      for (const line of answer.lines) {
        const s = slot(insurers, line.insurer, newInsurer);
        if (created) {
          s.settlements++;
          s.settled_fen += line.payable_fen;
        }
        if (reversed) {
          s.reversals++;
          s.reversed_fen += line.payable_fen;
        }
      }
    }
    const byCode = <T>(m: Map<string, T>): T[] => [...m.keys()].sort().map((k) => m.get(k)!);
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), insurers: byCode(insurers), hospitals: byCode(hospitals) };
  }
}

function countQuestion(s: InsurerSummary, c: LeafCount): void {
  s.queries += c.n;
  if (c.outcome !== 'denied') return;
  if (c.action === BUDGET_KIND) s.budget_exhausted += c.n;
  else s.denied += c.n;
  s.probes += c.n;
  const reason = c.reason ?? 'UNSPECIFIED';
  s.by_reason[reason] = (s.by_reason[reason] ?? 0) + c.n;
}

function countHospital(s: HospitalSummary, c: LeafCount): void {
  switch (c.action) {
    case 'record.pushed':
      s.pushes += c.n;
      break;
    case 'record.rejected':
      s.refused += c.n;
      break;
    case 'settlement.settled':
      s.settlements += c.n;
      break;
    case 'settlement.reversed':
      s.reversals += c.n;
      break;
    case 'settlement.rejected':
      s.settlements_refused += c.n;
      break;
    default:
      break;
  }
}
