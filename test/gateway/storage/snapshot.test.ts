import t from 'tap';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../../gateway/storage/storage.js';
import type { Party } from '../../../gateway/storage/parties.js';
import { tempDir } from '../../helpers.js';

const party = (code: string): Party => ({
  code, role: 'insurer', name: code, level: null, public_key_pem: null, certificate_pem: null, status: 'active', created_at: 1, updated_at: 1,
});
const turn = () => new Promise((r) => setImmediate(r));

t.test('reads share one snapshot per turn, and a commit of this process is seen at once', async (t) => {
  const dir = tempDir();
  const storage = await openStore({ storage: 'sqlite', dataDir: dir }, { groupCommitMaxDelayMs: 0 });
  t.teardown(() => storage.close());
  await storage.write((tx) => tx.parties.insert(party('INS-A')));
  t.equal((await storage.read.parties.status('INS-A'))?.status, 'active');

  // Suspended through this process's writer. The snapshot opened before the COMMIT (same turn) would
  // still say active; the writer ends it at COMMIT, so the read right after the answer sees the change.
  await turn();
  const pending = storage.write((tx) => tx.parties.setStatus('INS-A', 'suspended', 2));
  t.equal((await storage.read.parties.status('INS-A'))?.status, 'active', 'nothing uncommitted is read');
  await pending;
  t.equal((await storage.read.parties.status('INS-A'))?.status, 'suspended', 'no stale snapshot after our own commit');
  t.equal((await storage.read.parties.get('INS-A'))?.status, 'suspended');

  // Another process (the CLI) writes: within the turn the snapshot holds; the next turn sees it.
  await turn();
  t.equal((await storage.read.parties.status('INS-A'))?.status, 'suspended');
  const cli = new Database(path.join(dir, 'vouch.db'));
  cli.prepare("UPDATE parties SET status = 'active' WHERE code = 'INS-A'").run();
  cli.close();
  t.equal((await storage.read.parties.get('INS-A'))?.status, 'suspended', 'one consistent snapshot within a turn');
  await turn();
  t.equal((await storage.read.parties.status('INS-A'))?.status, 'active', 'the next turn reads the other process’s commit');
  t.equal((await storage.read.parties.get('INS-A'))?.status, 'active');
});

t.test('the snapshot never holds the WAL: a checkpoint can always reach the end', async (t) => {
  const dir = tempDir();
  const storage = await openStore({ storage: 'sqlite', dataDir: dir }, { groupCommitMaxDelayMs: 0 });
  t.teardown(() => storage.close());
  for (let i = 0; i < 50; i++) {
    await storage.read.parties.status('INS-X');
    await storage.write((tx) => tx.parties.insert(party(`INS-${i}`)));
  }
  await turn();
  // The checkpoint is the database's, whichever connection asks for it (here another process's, as a tool would).
  const other = new Database(path.join(dir, 'vouch.db'));
  const [row] = other.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
  other.close();
  t.equal(row!.busy, 0, 'no reader blocks the checkpoint once its turn is over');
  t.equal((await storage.read.parties.list()).length, 50);
});
