import t from 'tap';
import path from 'node:path';
import Database from 'better-sqlite3';
import { assertSynchronousFull, migrate, openDatabase } from '../../../gateway/storage/sqlite/database.js';
import { MAIN_MIGRATIONS } from '../../../gateway/storage/sqlite/main-schema.js';
import { tempDir } from '../../helpers.js';

t.test('every open is WAL with synchronous=FULL, also after reopening', async (t) => {
  const file = path.join(tempDir(), 'a.db');
  for (let i = 0; i < 3; i++) {
    const db = openDatabase(file, MAIN_MIGRATIONS);
    t.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    t.equal(db.pragma('synchronous', { simple: true }), 2, `open #${i + 1} commits with fsync`);
    t.equal(db.pragma('user_version', { simple: true }), MAIN_MIGRATIONS.length);
    db.close();
  }
  // A plain reopen of the same WAL file falls back to the build default; the assertion catches it.
  const plain = new Database(file);
  plain.pragma('synchronous = NORMAL');
  t.throws(() => assertSynchronousFull(plain), /expected FULL/);
  plain.close();
});

t.test('migrations apply once, in order, and a newer schema is refused', async (t) => {
  const db = new Database(':memory:');
  const steps = [
    { version: 1, name: 'a', sql: 'CREATE TABLE a (x)' },
    { version: 2, name: 'b', sql: 'CREATE TABLE b (x)' },
  ];
  migrate(db, steps);
  migrate(db, steps);
  t.equal(db.pragma('user_version', { simple: true }), 2);
  t.throws(() => migrate(db, steps.slice(0, 1)), /newer than this build/);
  t.throws(() => migrate(new Database(':memory:'), [{ version: 2, name: 'x', sql: '' }]), /expected 1/);
});
