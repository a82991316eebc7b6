/**
 * The access log's writer thread (see WorkerLogWriter). Batches that arrive while a COMMIT is under way
 * are written together in the next transaction: one fsync for all of them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../storage/sqlite.js';
import { AUDIT_MIGRATIONS } from '../storage/schema.js';
import { LogAppender } from './log-appender.js';
import type { FromWriter, ToWriter, WriteItem } from './log-writer.js';

const port = parentPort!;
const send = (m: FromWriter) => port.postMessage(m);

let appender: LogAppender;
let db: ReturnType<typeof openDatabase>;
try {
  db = openDatabase((workerData as { file: string }).file, AUDIT_MIGRATIONS);
  appender = new LogAppender(db);
  send({ ready: true, size: appender.treeSize });
} catch (err) {
  send({ ready: false, message: err instanceof Error ? err.message : String(err) });
  port.close();
}

let pending: { id: number; items: WriteItem[] }[] = [];
let scheduled = false;
let closing: number | undefined;

function drain(): void {
  scheduled = false;
  const batch = pending;
  pending = [];
  if (batch.length) {
    try {
      const results = appender.write(batch.flatMap((b) => b.items));
      const size = appender.treeSize;
      let at = 0;
      for (const b of batch) {
        send({ id: b.id, ok: true, results: results.slice(at, at + b.items.length), size });
        at += b.items.length;
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      for (const b of batch) send({ id: b.id, ok: false, message });
    }
  }
  if (closing !== undefined) {
    db.close();
    port.close();
  }
}

port.on('message', (m: ToWriter) => {
  if ('close' in m) closing = m.id;
  else pending.push(m);
  if (!scheduled) {
    scheduled = true;
    setImmediate(drain);
  }
});
