import crypto from 'node:crypto';
import t from 'tap';
import { EVENT_KINDS, keyedDigest, leafBytes, makeEvent, newEventId, type EventInput } from '../../../gateway/domain/audit-events.js';
import { canonicalJson } from '../../../gateway/domain/canonical-json.js';

const SUBJECT = 'ab'.repeat(32);
const input = (over: Partial<EventInput> = {}): EventInput => ({
  kind: 'query.eligibility', time: 1_750_000_000_000, actor: 'INS-A', actor_role: 'insurer', outcome: 'allowed', ...over,
});

t.test('canonical JSON: sorted keys, no white space, undefined members dropped', async (t) => {
  t.equal(canonicalJson({ b: 1, a: [true, null, 'x', undefined], c: undefined, d: { z: -0.5, y: 'é' } }), '{"a":[true,null,"x",null],"b":1,"d":{"y":"é","z":-0.5}}');
  t.equal(canonicalJson({ 'é': 1, Z: 2, a: 3 }), '{"Z":2,"a":3,"é":1}', 'UTF-16 code unit order');
  t.equal(canonicalJson('a"b'), '"a\\"b"');
  t.throws(() => canonicalJson(Number.NaN), /non-finite/);
  t.throws(() => canonicalJson({ a: Infinity }), /non-finite/);
  t.throws(() => canonicalJson(1n), /cannot hold a bigint/);
  t.throws(() => canonicalJson(() => 1), /cannot hold a function/);
});

t.test('events come from the closed vocabulary only', async (t) => {
  const e = makeEvent(input({
    event_id: 'e1', purpose: 'eligibility', subject: SUBJECT, reason: 'NOT_AVAILABLE',
    refs: { consent_id: 'cns_1', period: 1 }, digests: { result: 'ff' },
  }));
  t.same(e, {
    v: 1, event_id: 'e1', kind: 'query.eligibility', time: 1_750_000_000_000, actor: 'INS-A', actor_role: 'insurer', outcome: 'allowed',
    purpose: 'eligibility', subject: SUBJECT, reason: 'NOT_AVAILABLE', refs: { consent_id: 'cns_1', period: 1 }, digests: { result: 'ff' },
  });
  const bare = makeEvent(input({ refs: {}, digests: {} }));
  t.same(Object.keys(bare).sort(), ['actor', 'actor_role', 'event_id', 'kind', 'outcome', 'time', 'v'], 'empty refs and digests are left out');
  t.throws(() => makeEvent(input({ kind: 'record.read' as never })), /unknown event kind record\.read/);
  t.throws(() => makeEvent(input({ reason: 'not a code' })), /event reasons are codes/);
  t.throws(() => makeEvent(input({ subject: '110101199003077777' })), /event subjects are blind indexes/);
  t.ok(EVENT_KINDS.every((k) => makeEvent(input({ kind: k })).kind === k));
});

t.test('event ids grow with time and are otherwise random', async (t) => {
  const a = newEventId(0x0123456789ab);
  t.match(a, /^0123456789ab[0-9a-f]{20}$/);
  t.not(newEventId(0x0123456789ab), a);
  t.ok(newEventId(0x0123456789ac) > a);
  t.match(newEventId(), /^[0-9a-f]{32}$/);
});

t.test('leaf bytes are the canonical JSON; digests are keyed HMACs of it', async (t) => {
  const e = makeEvent(input({ event_id: 'e2' }));
  t.equal(leafBytes(e).toString('utf8'), canonicalJson(e));
  const key = Buffer.alloc(32, 7);
  t.equal(keyedDigest(key, { b: 1, a: 2 }), crypto.createHmac('sha256', key).update('{"a":2,"b":1}').digest('hex'));
  t.not(keyedDigest(Buffer.alloc(32, 8), { b: 1, a: 2 }), keyedDigest(key, { b: 1, a: 2 }), 'another key, another digest');
});
