import t from 'tap';
import { newEventId } from '../../gateway/domain/audit-events.js';
import { randomId, timeOrderedId } from '../../gateway/services/random.js';

t.test('time-ordered ids: the same shape as random ones, sorted by time, unique', async (t) => {
  const a = timeOrderedId('rec', 1_700_000_000_000);
  t.match(a, /^rec_[0-9a-f]{24}$/, 'prefix_ + 24 hex digits, like randomId');
  t.match(randomId('rec'), /^rec_[0-9a-f]{24}$/);
  t.ok(timeOrderedId('stl', 1_700_000_000_000) < timeOrderedId('stl', 1_700_000_000_001), 'a later millisecond sorts after');
  t.ok(timeOrderedId('stl', 1_700_000_000_999) < timeOrderedId('stl', 1_800_000_000_000));
  const many = new Set(Array.from({ length: 20_000 }, () => timeOrderedId('rec', 1_700_000_000_000)));
  t.equal(many.size, 20_000, '48 random bits: no collision within one millisecond here');

  const e1 = newEventId(1_700_000_000_000);
  t.match(e1, /^[0-9a-f]{32}$/, 'event ids keep their 32 hex digits');
  t.ok(e1 < newEventId(1_700_000_000_001));
  t.equal(new Set(Array.from({ length: 20_000 }, () => newEventId(1_700_000_000_000))).size, 20_000);
});
