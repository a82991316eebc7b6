import t from 'tap';
import path from 'node:path';
import { openGateway } from '../../gateway/context.js';
import { createLogger } from '../../gateway/logger.js';
import { ADMIN, certno, tempDir, testConfig } from '../helpers.js';
import { BW, enrollCall, world } from '../fixtures/world.js';

/**
 * What an outside review of the PostgreSQL store found (issue 17), as tests on whichever store the suite
 * runs: another deployment's keys folder mounted beside a store, and one policy number enrolled for
 * several people at the same instant (deterministically, with a control, in
 * test/gateway/storage/postgres-repositories.test.ts; here end to end).
 */

t.test('a store refuses another deployment’s keys folder, and takes its own again', async (t) => {
  const dirA = tempDir();
  const keysA = path.join(tempDir(), 'keys-a');
  const keysB = path.join(tempDir(), 'keys-b');
  const a = await openGateway(testConfig(dirA, { VOUCH_KEYS_DIR: keysA }), createLogger('silent'));
  await a.parties.add({ role: 'insurer', code: BW, name: 'B' }, ADMIN);
  await a.close();
  // Another deployment, with keys of its own.
  const b = await openGateway(testConfig(tempDir(), { VOUCH_KEYS_DIR: keysB }), createLogger('silent'));
  await b.close();

  await t.rejects(openGateway(testConfig(dirA, { VOUCH_KEYS_DIR: keysB }), createLogger('silent')), { name: 'IntegrityError', message: /VOUCH_KEYS_DIR.*other keys/ }, 'the wrong keys folder is refused at start');
  // Control: the right folder still opens it, and nothing of B's keys was kept.
  const again = await openGateway(testConfig(dirA, { VOUCH_KEYS_DIR: keysA }), createLogger('silent'));
  t.ok(await again.parties.get(BW), 'the store, with its own keys, is as it was');
  await again.close();
});

t.test('one policy number enrolled for several people at once: one enrollment, the others 409 POLICY_CONFLICT', async (t) => {
  const w = await world();
  t.teardown(w.h.close);
  const people = Array.from({ length: 16 }, (_, i) => certno(5200 + i));
  const answers = await Promise.all(people.map((who) => enrollCall(w, BW, 'SAME-1', who, 'baiwan-medical')));
  t.equal(answers.filter((a) => a.status === 200).length, 1, `exactly one enrollment succeeds (${answers.map((a) => a.status).join(', ')})`);
  t.same(answers.filter((a) => a.status !== 200).map((a) => a.body.error.code), people.slice(1).map(() => 'POLICY_CONFLICT'), 'the others are told the number is taken');
  const owner = people[answers.findIndex((a) => a.status === 200)]!;
  t.equal((await enrollCall(w, BW, 'SAME-1', owner, 'baiwan-medical')).status, 200, 'the one enrolled is the one who holds it');
});
