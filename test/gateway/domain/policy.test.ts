import t from 'tap';
import { addDays, isRealDate, termLastDay } from '../../../gateway/domain/dates.js';
import { MAX_CORRECTIONS, planEnrollment, periodCovering, periodStatus, type EnrollmentRequest, type StoredPeriod } from '../../../gateway/domain/policy.js';

const req = (start: string, end: string, extra: Partial<EnrollmentRequest> = {}): EnrollmentRequest => ({
  product: 'p', start_date: start, end_date: end, pre_existing: false, claim_free_years: 0, correction: false, ...extra,
});
const stored = (n: number, start: string, end: string, extra: Partial<StoredPeriod> = {}): StoredPeriod => ({
  ...req(start, end), period_no: n, used: false, corrections: 0, ...extra,
});

t.test('a term ends the day before the same date a year later; 29 February rolls to 1 March', async (t) => {
  t.equal(termLastDay('2025-01-01', 1), '2025-12-31');
  t.equal(termLastDay('2024-02-29', 1), '2025-02-28');
  t.equal(termLastDay('2023-03-01', 1), '2024-02-29', 'a term ending in a leap February');
  t.equal(termLastDay('2024-02-29', 4), '2028-02-28');
  t.equal(termLastDay('2025-07-15', 2), '2027-07-14');
  t.equal(addDays('2024-02-28', 1), '2024-02-29');
  t.notOk(isRealDate('2025-02-29'));
  t.ok(isRealDate('2024-02-29'));
});

t.test('the first period: exactly one term (its last day, or its anniversary)', async (t) => {
  t.match(planEnrollment([], [], req('2025-01-01', '2025-12-31'), 1), { kind: 'created', period_no: 1 });
  t.match(planEnrollment([], [], req('2025-01-01', '2026-01-01'), 1), { kind: 'created' });
  t.match(planEnrollment([], [], req('2024-02-29', '2025-02-28'), 1), { kind: 'created' });
  t.match(planEnrollment([], [], req('2024-02-29', '2025-03-01'), 1), { kind: 'created' });
  for (const end of ['2025-06-30', '2025-12-30', '2026-01-02', '2024-12-31']) {
    t.match(planEnrollment([], [], req('2025-01-01', end), 1), { refuse: 'VALIDATION_FAILED' }, `end ${end}`);
  }
  t.match(planEnrollment([], [], req('2025-02-30', '2026-02-28'), 1), { refuse: 'VALIDATION_FAILED' });
});

t.test('renewals begin the day after; gaps and overlaps are refused', async (t) => {
  const one = [stored(1, '2025-01-01', '2025-12-31', { used: true })];
  const r = planEnrollment(one, [], req('2026-01-01', '2026-12-31'), 1);
  t.match(r, { kind: 'renewed', period_no: 2 });
  if ('periods' in r) t.same(r.periods.map((p) => p.period_no), [1, 2], 'the first period stays');
  t.match(planEnrollment(one, [], req('2027-01-01', '2027-12-31'), 1), { refuse: 'VALIDATION_FAILED' }, 'a gap');
  t.match(planEnrollment(one, [], req('2025-06-01', '2026-05-31'), 1), { refuse: 'POLICY_TERMS_FROZEN' }, 'overlapping a used period');
  t.match(planEnrollment([stored(1, '2025-01-01', '2025-12-31'), stored(2, '2026-01-01', '2026-12-31')], [], req('2025-06-01', '2026-05-31'), 1), { refuse: 'POLICY_OVERLAP' });
});

t.test('terms freeze once used, corrections included; before use corrections are explicit and bounded', async (t) => {
  const unused = [stored(1, '2025-01-01', '2025-12-31')];
  const used = [stored(1, '2025-01-01', '2025-12-31', { used: true })];
  t.match(planEnrollment(unused, [], req('2025-01-01', '2025-12-31', { claim_free_years: 2 }), 1), { kind: 'updated' });
  t.match(planEnrollment(unused, [], req('2025-03-01', '2026-02-28'), 1), { kind: 'updated' }, 'an unused single period may still move');
  t.match(planEnrollment(used, [], req('2025-01-01', '2025-12-31'), 1), { kind: 'unchanged' }, 'the same terms again');
  for (const change of [{ claim_free_years: 3 }, { pre_existing: true }, { product: 'q' }]) {
    t.match(planEnrollment(used, [], req('2025-01-01', '2025-12-31', change), 1), { refuse: 'POLICY_TERMS_FROZEN' }, JSON.stringify(change));
  }
  t.match(planEnrollment(used, [], req('2025-03-01', '2026-02-28'), 1), { refuse: 'POLICY_TERMS_FROZEN' }, 'moving a used period');
  // A correction after use is a probe like any other change (flags turned and back read a zero-pay bill).
  t.match(planEnrollment(used, [], req('2025-01-01', '2025-12-31', { claim_free_years: 3, correction: true }), 1), { refuse: 'POLICY_TERMS_FROZEN' }, 'no correction after use');
  t.match(planEnrollment(used, [], req('2025-03-01', '2026-02-28', { correction: true }), 1), { refuse: 'POLICY_TERMS_FROZEN' }, 'no moved dates after use');
  let periods = unused;
  for (let i = 1; i <= MAX_CORRECTIONS; i++) {
    const c = planEnrollment(periods, [], req('2025-01-01', '2025-12-31', { claim_free_years: i, correction: true }), 1);
    t.match(c, { kind: 'corrected', period_no: 1 });
    if ('periods' in c) periods = c.periods;
    t.equal(periods[0]!.corrections, i);
  }
  t.match(planEnrollment(periods, [], req('2025-01-01', '2025-12-31', { claim_free_years: 0, correction: true }), 1), { refuse: 'POLICY_TERMS_FROZEN' });
  t.match(planEnrollment([], [], req('2025-01-01', '2025-12-31', { correction: true }), 1), { refuse: 'VALIDATION_FAILED' }, 'nothing to correct');
});

t.test('one policy per family: another policy’s periods may not overlap', async (t) => {
  const others = [{ start_date: '2025-01-01', end_date: '2025-12-31' }];
  t.match(planEnrollment([], others, req('2025-01-01', '2025-12-31'), 1), { refuse: 'POLICY_OVERLAP' });
  t.match(planEnrollment([], others, req('2025-12-31', '2026-12-30'), 1), { refuse: 'POLICY_OVERLAP' }, 'one shared day is an overlap');
  t.match(planEnrollment([], others, req('2026-01-01', '2026-12-31'), 1), { kind: 'created' });
});

t.test('period look-ups', async (t) => {
  const ps = [stored(1, '2024-02-29', '2025-02-28'), stored(2, '2025-03-01', '2026-02-28')];
  t.equal(periodCovering(ps, '2025-02-28')?.period_no, 1, 'the last day belongs to its period');
  t.equal(periodCovering(ps, '2025-03-01')?.period_no, 2);
  t.equal(periodCovering(ps, '2024-02-28'), undefined);
  t.same(['2024-01-01', '2024-06-01', '2026-01-01'].map((d) => periodStatus(ps[0]!, d)), ['upcoming', 'active', 'expired']);
});

t.test('a change that would break the chain of periods is refused', async (t) => {
  const chain = [stored(1, '2024-01-01', '2024-12-31'), stored(2, '2025-01-01', '2025-12-31')];
  // Correcting the renewal to start a month late leaves January 2025 uncovered between the periods.
  const plan = planEnrollment(chain, [], req('2025-02-01', '2026-01-31', { correction: true }), 1);
  t.same(plan, { refuse: 'VALIDATION_FAILED', detail: 'Field start_date: a renewal begins the day after the previous period ends.' });
  t.notOk(isRealDate(20250101), 'a date is text');
});

t.test('each malformed date of a request is named', async (t) => {
  const detail = (r: EnrollmentRequest, years = 1): string | undefined => {
    const plan = planEnrollment([], [], r, years);
    return 'refuse' in plan ? plan.detail : undefined;
  };
  t.equal(detail(req('2025-02-30', '2026-02-28')), 'Field start_date must be a date yyyy-MM-dd.');
  t.equal(detail(req('2025-03-01', '2026-02-30')), 'Field end_date must be a date yyyy-MM-dd.');
  t.equal(detail(req('1989-01-01', '1989-12-31')), 'Field start_date: policy periods lie between 1990-01-01 and 2199-12-31.');
  t.equal(detail(req('2199-06-01', '2200-05-31')), 'Field start_date: policy periods lie between 1990-01-01 and 2199-12-31.');
  t.equal(detail(req('2025-01-01', '2025-12-31'), 3), "Field end_date: a period is exactly the product's term of 3 years, ending the day before the start date's anniversary.");
  t.equal(detail(req('2025-01-01', '2025-06-30')), "Field end_date: a period is exactly the product's term of 1 year, ending the day before the start date's anniversary.");
});
