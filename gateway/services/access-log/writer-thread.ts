/**
 * The access log's writer thread (see WorkerLogWriter). Batches that arrive while a COMMIT is under way
 * are written together in the next transaction: one fsync for all of them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LogStore } from '../../storage/log-store.js';
import { openLogStore, type StoreLocation } from '../../storage/storage.js';
import { LogAppender } from './appender.js';
import { SEARCH_INDEX_CHUNK, type FromWriter, type SignerKey, type ToWriter, type WriteItem } from './writer.js';

const port = parentPort!;
const send = (m: FromWriter) => port.postMessage(m);

let appender: LogAppender;
let store: LogStore;
try {
  store = openLogStore((workerData as { location: StoreLocation }).location);
  appender = new LogAppender(store);
  send({ ready: true, size: appender.treeSize });
} catch (err) {
  send({ ready: false, message: err instanceof Error ? err.message : String(err) });
  port.close();
}

let pending: { id: number; items: WriteItem[]; signer: SignerKey }[] = [];
let scheduled = false;
let indexing = false;
let closing: number | undefined;

/** Past this many unindexed leaves the index is brought up even under load, so searches stay cheap. */
const MAX_UNINDEXED = 65_536;
/** Leaves per idle-time index transaction: small, so a batch that arrives meanwhile waits only briefly. */
const IDLE_CHUNK = 128;

/** The subject search index is filled when no batch is waiting: it never delays an answer. */
function indexWhenIdle(): void {
  indexing = false;
  if (pending.length || closing !== undefined) return;
  let remaining = 0;
  try {
    remaining = appender.indexSearch(IDLE_CHUNK);
  } catch {
    return; // derived data: retried after the next batch; searches read unindexed leaves directly
  }
  if (remaining > 0) scheduleIndexing();
}

function scheduleIndexing(): void {
  if (indexing) return;
  indexing = true;
  setImmediate(indexWhenIdle);
}

function drain(): void {
  scheduled = false;
  const batch = pending;
  pending = [];
  if (batch.length) {
    try {
      // Every message carries the current key; the newest one signs the whole combined batch.
      const items = batch.flatMap((b) => b.items);
      const started = performance.now();
      const results = appender.write(items, batch[batch.length - 1]!.signer);
      // Reported once per transaction (with the first answer), so the gateway's metrics count it once.
      const commit = { items: items.length, seconds: (performance.now() - started) / 1000 };
      const size = appender.treeSize;
      let at = 0;
      for (const [i, b] of batch.entries()) {
        send({ id: b.id, ok: true, results: results.slice(at, at + b.items.length), size, ...(i === 0 ? { commit } : {}) });
        at += b.items.length;
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // SQLite's code (SQLITE_FULL, SQLITE_IOERR_…) crosses the thread so the caller answers 503, not 500.
      const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : undefined;
      for (const b of batch) send({ id: b.id, ok: false, message, ...(code ? { code } : {}) });
    }
    try {
      if (appender.unindexed > MAX_UNINDEXED) appender.indexSearch(SEARCH_INDEX_CHUNK);
    } catch {
      // retried later
    }
    scheduleIndexing();
  }
  if (closing !== undefined) {
    store.close();
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
