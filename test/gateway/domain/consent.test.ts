import t from 'tap';
import { PURPOSES, budgetDay, decideAmong, decideConsent, effectiveConsents, isPurpose, type Consent } from '../../../gateway/domain/consent.js';

const NOW = Date.UTC(2025, 5, 1);
const base: Consent = {
  consent_id: 'cns_1', version: 1, subject: 's', grantee: 'INS-A', purposes: ['eligibility', 'settlement'],
  providers: ['H31010100001'], valid_from: NOW - 1000, valid_until: NOW + 1000, max_queries_per_day: null, status: 'active',
};

t.test('the decision table, exhaustively', async (t) => {
  const statuses = ['active', 'revoked'] as const;
  const times = [NOW - 2000, NOW - 1000, NOW, NOW + 999, NOW + 1000, NOW + 5000];
  const grantees = ['INS-A', 'INS-B', undefined];
  const purposes = [...PURPOSES, undefined];
  const providers = ['H31010100001', 'H31010100002'];
  const scopes = [['H31010100001'], null];
  let n = 0;
  for (const status of statuses)
    for (const now of times)
      for (const grantee of grantees)
        for (const purpose of purposes)
          for (const provider of providers)
            for (const scope of scopes) {
              const c = { ...base, status, providers: scope };
              const d = decideConsent(c, { ...(grantee ? { grantee } : {}), ...(purpose ? { purpose } : {}), provider, now });
              // The oracle, written independently of the implementation's order of checks.
              const allowed =
                status === 'active' && now >= c.valid_from && now < c.valid_until && (grantee === undefined || grantee === 'INS-A') &&
                (purpose === undefined || c.purposes.includes(purpose)) && (scope === null || scope.includes(provider));
              t.equal(d.allow, allowed, `${status} t${now - NOW} ${grantee} ${purpose} ${provider} ${scope}`);
              if (!d.allow) {
                const expected =
                  status === 'revoked' ? 'CONSENT_REVOKED'
                  : now < c.valid_from ? 'CONSENT_NOT_YET_VALID'
                  : now >= c.valid_until ? 'CONSENT_EXPIRED'
                  : grantee !== undefined && grantee !== 'INS-A' ? 'GRANTEE_NOT_COVERED'
                  : purpose !== undefined && !c.purposes.includes(purpose) ? 'PURPOSE_NOT_COVERED'
                  : 'PROVIDER_NOT_COVERED';
                t.equal(d.reason, expected);
              }
              n++;
            }
  t.equal(n, 2 * 6 * 3 * 5 * 2 * 2);
});

t.test('among several consents: any that allows wins, otherwise the most specific reason', async (t) => {
  const q = { grantee: 'INS-A', purpose: 'eligibility' as const, provider: 'H31010100001', now: NOW };
  t.same(decideAmong([], q), { allow: false, reason: 'NO_CONSENT' });
  const revoked = { ...base, consent_id: 'r', status: 'revoked' as const };
  const good = { ...base, consent_id: 'g' };
  t.equal(decideAmong([revoked, good], q).allow, true);
  t.same(decideAmong([revoked], q), { allow: false, reason: 'CONSENT_REVOKED' });
  t.same(decideAmong([{ ...base, grantee: 'INS-B' }, revoked], q), { allow: false, reason: 'CONSENT_REVOKED' });
  t.same(decideAmong([{ ...base, purposes: ['settlement'] }], q), { allow: false, reason: 'PURPOSE_NOT_COVERED' });
});

t.test('query budgets count China Standard Time days', async (t) => {
  t.equal(budgetDay(Date.UTC(2025, 0, 1, 15, 59)), '2025-01-01');
  t.equal(budgetDay(Date.UTC(2025, 0, 1, 16, 0)), '2025-01-02');
});

t.test('a counter consent never widens or outranks the patient’s own decision for that grantee', async (t) => {
  const own = { ...base, consent_id: 'own', purposes: ['eligibility' as const], providers: null, recorded_by_role: 'patient' as const };
  const counter = { ...base, consent_id: 'ctr', purposes: ['eligibility' as const, 'settlement' as const], providers: ['H31010100001'], recorded_by_role: 'hospital' as const };
  const q = (purpose: 'eligibility' | 'settlement', now = NOW) => ({ grantee: 'INS-A', purpose, provider: 'H31010100001', now });
  t.equal(decideAmong([counter], q('settlement')).allow, true, 'alone (no app), a counter consent stands');
  t.same(decideAmong([own, counter], q('settlement')), { allow: false, reason: 'PURPOSE_NOT_COVERED' }, 'it does not widen the patient’s purposes');
  t.equal(decideAmong([own, counter], q('eligibility')).allow, true);
  const d = decideAmong([own, counter], q('eligibility'));
  t.equal(d.allow && d.consent.consent_id, 'own', 'the patient’s own consent (and its budget) is the one used');
  const revoked = { ...own, status: 'revoked' as const };
  t.same(decideAmong([revoked, counter], q('eligibility')), { allow: false, reason: 'CONSENT_REVOKED' }, 'a revocation is a decision too');
  const future = { ...own, valid_from: NOW + 100 };
  t.equal(decideAmong([future, counter], q('eligibility')).allow, false, 'an own consent yet to start is a decision');
  const expired = { ...own, valid_until: NOW - 1, valid_from: NOW - 10 };
  // The patient limited it in time: when it ends, a hospital's evidence string does not take over.
  t.same(decideAmong([expired, counter], q('settlement')), { allow: false, reason: 'CONSENT_EXPIRED' }, 'an own consent that expired is still the patient’s decision');
  const otherGrantee = { ...own, grantee: 'INS-B' };
  t.equal(decideAmong([otherGrantee, counter], q('settlement')).allow, true, 'decisions are per grantee');
  t.same(effectiveConsents([own, counter, otherGrantee], NOW).map((c) => c.consent_id), ['own', otherGrantee.consent_id]);
});

t.test('purposes are a closed set', async (t) => {
  t.ok(PURPOSES.every(isPurpose));
  t.same(['marketing', 'SETTLEMENT', null, 1].map(isPurpose), [false, false, false, false]);
});
