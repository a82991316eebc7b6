import type pg from 'pg';
import type { CommitObserver } from '../storage.js';
import { leafBytes, type AuditEvent } from '../../domain/audit-events.js';
import { leafHash } from '../../domain/merkle.js';
import { MerkleFrontier, type CompletedNode } from '../../domain/merkle-frontier.js';

/**
 * One access log across gateway processes on one PostgreSQL database (issue 17).
 *
 * Every process hands its log events to the **outbox** (`audit_outbox`), in the same transaction as the
 * state change they describe (or, for an answer that changes nothing, a transaction of their own), then
 * waits for the leaf. Exactly one process at a time is the **sequencer**: the holder of a session-level
 * advisory lock on its own connection (as Trillian elects its sequencer). It moves outbox rows into leaves
 * in `seq` order — leaf index = tree size, every subtree hash the leaf completes, the outbox rows deleted —
 * in one transaction per batch, then NOTIFYs `vouch_log`; waiters read their leaves and are released.
 *
 * - No gaps, no duplicates: only the lock holder appends; the batch re-reads the tree size inside its
 *   transaction and the primary key on `leaf_index` refuses a second leaf at an index, so even a sequencer
 *   that lost its lock without noticing fails instead of forking the log.
 * - Nothing lost: an event is durable in the outbox before anyone waits on it; the leaves and the outbox
 *   delete commit together. A sequencer that dies (process killed, connection cut) drops its lock with its
 *   session; the next process to try the lock rebuilds the tree's right edge from the stored nodes and goes
 *   on from the first outbox row left.
 * - An answer is released only after its leaf is committed (the waiter reads it from `leaves`).
 */

/** The advisory-lock key of the sequencer ("vouch" + 2). */
export const SEQUENCER_LOCK = 0x766f7563_68000002n;

/** How long the sequencer's session may stay silent before the server ends it and frees the lock. */
const LEADER_IDLE_TIMEOUT_MS = 5_000;

/** The payload on `vouch_outbox` by which a process asks the sequencer for a head now (tree head on demand). */
const HEAD_WANTED = 'head';

/** Asks whichever process sequences the log to sign a head covering everything committed, at its next turn. */
export async function requestHead(q: pg.ClientBase | pg.Pool): Promise<void> {
  await q.query('SELECT pg_notify($1, $2)', ['vouch_outbox', HEAD_WANTED]);
}

export interface LeafRef {
  leaf_index: number;
  leaf_hash: Buffer;
}

/** Signs a tree head over `size` leaves with root `root` at `timestamp` (ms); the gateway's keys. */
export type HeadSigner = (size: number, timestamp: number, root: Buffer) => { key_id: string; signature: Buffer; alg: 'Ed25519' | 'SM2'; cosignatures?: string };

export interface SequencerOptions {
  /** Outbox rows moved per transaction. */
  batch?: number;
  /** How often a follower tries to become the sequencer, and the sequencer looks at the outbox unprompted (ms). */
  pollMs?: number;
  /** A signed head at most this often while the log grows (ms); 0: none. */
  headIntervalMs?: number;
  signHead?: HeadSigner;
  /** Told when this process becomes or stops being the sequencer. */
  onRole?: (role: 'sequencer' | 'follower') => void;
  /** Background failures (a dropped connection, a server restart); the loops carry on. */
  onError?: (err: unknown) => void;
  /** Told the log's size whenever a batch commits (every process hears the sequencer's notice). */
  onSize?: (size: number) => void;
  /** Told of every batch this process commits as the sequencer (metrics), and of every one that failed. */
  observer?: CommitObserver;
}

interface Waiter {
  ids: string[];
  found: Map<string, LeafRef>;
  resolve: (m: Map<string, LeafRef>) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class LogWaitTimeout extends Error {
  constructor() {
    super('the access log did not take the event in time');
    this.name = 'LogWaitTimeout';
  }
}

/** Queues events in the outbox on `q` (a client inside the caller's transaction, or the pool). */
export async function enqueueEvents(q: pg.ClientBase | pg.Pool, events: readonly AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  // One statement, one round trip (and on the pool one transaction): the rows and the sequencer's wake-up.
  await q.query(
    `WITH queued AS (INSERT INTO audit_outbox (event_id, event) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (event_id) DO NOTHING)
     SELECT pg_notify('vouch_outbox', '')`,
    [events.map((e) => e.event_id), events.map((e) => JSON.stringify(e))],
  );
}

export class PostgresLogSequencer {
  private readonly batch: number;
  private readonly pollMs: number;
  private readonly waiters = new Set<Waiter>();
  private stopped = false;
  private listener: pg.Client | undefined;
  private leader: pg.Client | undefined;
  private wake: (() => void) | undefined;
  private loops: Promise<void>[] = [];
  private lastHeadAt = 0;
  private lastHeadSize = -1;
  /** A process asked for a head covering the log now (NOTIFY vouch_outbox, 'head'): sign one at the next turn. */
  private headWanted = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly connect: () => pg.Client,
    private readonly options: SequencerOptions = {},
  ) {
    this.batch = options.batch ?? 1024;
    this.pollMs = options.pollMs ?? 100;
  }

  /** True while this process holds the sequencer's lock. */
  get isSequencer(): boolean {
    return this.leader !== undefined;
  }

  start(): void {
    this.loops.push(this.listenLoop(), this.electionLoop());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error('the log sequencer stopped'));
    }
    this.waiters.clear();
    await Promise.all([this.listener?.end().catch(() => undefined)]);
    await Promise.all(this.loops);
  }

  /** Resolves with each event's leaf once it is committed in the log; rejects after `timeoutMs`. */
  waitFor(eventIds: readonly string[], timeoutMs = 10_000): Promise<Map<string, LeafRef>> {
    if (eventIds.length === 0) return Promise.resolve(new Map());
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        ids: [...eventIds], found: new Map(), resolve, reject,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          reject(new LogWaitTimeout());
        }, timeoutMs),
      };
      this.waiters.add(w);
      // They may be in already (a fast sequencer, or a retry).
      this.checkWaiters().catch((err) => this.options.onError?.(err));
    });
  }

  /** Reads the leaves of every pending waiter in one statement and releases those complete. */
  private async checkWaiters(): Promise<void> {
    const pending = [...this.waiters].flatMap((w) => w.ids.filter((id) => !w.found.has(id)));
    if (pending.length === 0) return;
    const { rows } = await this.pool.query<{ event_id: string; leaf_index: number; leaf_hash: Buffer }>(
      'SELECT event_id, leaf_index, leaf_hash FROM leaves WHERE event_id = ANY($1::text[])',
      [pending],
    );
    const byId = new Map(rows.map((r) => [r.event_id, { leaf_index: r.leaf_index, leaf_hash: r.leaf_hash }]));
    for (const w of this.waiters) {
      for (const id of w.ids) {
        const ref = byId.get(id);
        if (ref) w.found.set(id, ref);
      }
      if (w.found.size === w.ids.length) {
        clearTimeout(w.timer);
        this.waiters.delete(w);
        w.resolve(w.found);
      }
    }
  }

  /** Wakes waiters on every committed batch (NOTIFY vouch_log), and polls in case a notice was missed. */
  private async listenLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        const client = this.connect();
        client.on('error', () => undefined);
        await client.connect();
        this.listener = client;
        client.on('notification', (n) => {
          const size = Number(n.payload);
          if (Number.isSafeInteger(size)) this.options.onSize?.(size);
          this.checkWaiters().catch((err) => this.options.onError?.(err));
        });
        await client.query('LISTEN vouch_log');
        while (!this.stopped && this.listener === client) {
          await sleep(this.pollMs);
          await client.query('SELECT 1');
          await this.checkWaiters();
        }
        // stop() while this connection was still opening found no listener to end: end it here, or the
        // session stays open (and keeps the process alive) after stop() resolved.
        if (this.stopped) await client.end().catch(() => undefined);
      } catch (err) {
        if (!this.stopped) this.options.onError?.(err);
        await this.listener?.end().catch(() => undefined);
        this.listener = undefined;
        if (!this.stopped) await sleep(this.pollMs);
      }
    }
  }

  /** Tries the lock until it holds it, then sequences until its connection fails or the process stops. */
  private async electionLoop(): Promise<void> {
    while (!this.stopped) {
      let client: pg.Client | undefined;
      try {
        client = this.connect();
        client.on('error', () => undefined);
        await client.connect();
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [SEQUENCER_LOCK.toString()]);
        if (rows[0]?.ok) {
          // The lock lives as long as this session on the server. If this process freezes or its network
          // goes silent, the server ends the session after a few idle seconds (the sequencer speaks every
          // poll while alive), so another process takes over instead of waiting for TCP to give up.
          const idle = `${Math.max(LEADER_IDLE_TIMEOUT_MS, 10 * this.pollMs)}ms`;
          await client.query(`SET idle_session_timeout = '${idle}'`).catch(() => undefined);
          await client.query(`SET idle_in_transaction_session_timeout = '${idle}'`).catch(() => undefined);
          this.leader = client;
          this.options.onRole?.('sequencer');
          await this.sequence(client);
        }
      } catch (err) {
        if (!this.stopped) this.options.onError?.(err);
      } finally {
        if (this.leader) {
          this.leader = undefined;
          this.options.onRole?.('follower');
        }
        // Ending the session releases the advisory lock.
        await client?.end().catch(() => undefined);
      }
      if (!this.stopped) await sleep(this.pollMs);
    }
  }

  private async sequence(client: pg.Client): Promise<void> {
    await client.query('LISTEN vouch_outbox');
    client.on('notification', (n) => {
      if (n.payload === HEAD_WANTED) this.headWanted = true;
      this.wake?.();
    });
    let frontier = await this.loadFrontier(client);
    while (!this.stopped) {
      let moved = 0;
      try {
        moved = await this.appendBatch(client, frontier);
      } catch (err) {
        // Nothing of the batch was kept: rebuild the edge from what is committed, then go on (or, if the
        // connection is gone, let the election loop start over).
        this.options.observer?.failed();
        await client.query('ROLLBACK').catch(() => undefined);
        frontier = await this.loadFrontier(client);
        throw err;
      }
      await this.maybeSignHead(client, frontier);
      if (moved < this.batch) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.pollMs);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  private async loadFrontier(client: pg.Client): Promise<MerkleFrontier> {
    const { rows } = await client.query<{ n: number }>('SELECT COALESCE(MAX(leaf_index) + 1, 0) AS n FROM leaves');
    const size = rows[0]!.n;
    const hashes = new Map<string, Buffer>();
    for (const { level, idx } of MerkleFrontier.needed(size)) {
      const r = level === 0
        ? await client.query<{ hash: Buffer }>('SELECT leaf_hash AS hash FROM leaves WHERE leaf_index = $1', [idx])
        : await client.query<{ hash: Buffer }>('SELECT hash FROM nodes WHERE level = $1 AND idx = $2', [level, idx]);
      if (!r.rows[0]) throw new Error(`missing tree node ${level}/${idx}`);
      hashes.set(`${level}/${idx}`, r.rows[0].hash);
    }
    return MerkleFrontier.fromStore(size, (level, idx) => hashes.get(`${level}/${idx}`)!);
  }

  /** Moves up to one batch of outbox rows into leaves, in one transaction; returns how many. */
  private async appendBatch(client: pg.Client, frontier: MerkleFrontier): Promise<number> {
    await client.query('BEGIN');
    const size = (await client.query<{ n: number }>('SELECT COALESCE(MAX(leaf_index) + 1, 0) AS n FROM leaves')).rows[0]!.n;
    if (size !== frontier.size) throw new Error(`the log has ${size} leaves, the sequencer expected ${frontier.size}`);
    const { rows } = await client.query<{ seq: number; event_id: string; event: string }>(
      'SELECT seq, event_id, event FROM audit_outbox ORDER BY seq LIMIT $1',
      [this.batch],
    );
    if (rows.length === 0) {
      await client.query('COMMIT');
      return 0;
    }
    const present = new Set(
      (await client.query<{ event_id: string }>('SELECT event_id FROM leaves WHERE event_id = ANY($1::text[])', [rows.map((r) => r.event_id)])).rows.map((r) => r.event_id),
    );
    const staged = frontier.copy();
    const leaves: unknown[][] = [[], [], [], [], [], [], [], [], [], [], [], []];
    const nodes: CompletedNode[] = [];
    for (const r of rows) {
      if (present.has(r.event_id)) continue;
      present.add(r.event_id);
      const e = JSON.parse(r.event) as AuditEvent;
      const bytes = leafBytes(e);
      const hash = leafHash(bytes);
      const row = [staged.size, e.event_id, bytes, hash, e.time, e.actor, e.actor_role, e.kind, e.purpose ?? null, e.subject ?? null, e.outcome, e.reason ?? null];
      row.forEach((v, i) => leaves[i]!.push(v));
      nodes.push(...staged.append(hash));
    }
    if (leaves[0]!.length > 0) {
      await client.query(
        `INSERT INTO leaves (leaf_index, event_id, leaf, leaf_hash, time, actor, actor_role, action, purpose, subject, outcome, reason)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bytea[], $4::bytea[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])`,
        leaves,
      );
    }
    if (nodes.length > 0) {
      await client.query('INSERT INTO nodes (level, idx, hash) SELECT * FROM unnest($1::int[], $2::bigint[], $3::bytea[])', [
        nodes.map((n) => n.level), nodes.map((n) => n.idx), nodes.map((n) => n.hash),
      ]);
    }
    await client.query('DELETE FROM audit_outbox WHERE seq = ANY($1::bigint[])', [rows.map((r) => r.seq)]);
    await client.query("SELECT pg_notify('vouch_log', $1)", [String(staged.size)]);
    const started = process.hrtime.bigint();
    await client.query('COMMIT');
    this.options.observer?.committed(rows.length, Number(process.hrtime.bigint() - started) / 1e9);
    frontier.adopt(staged);
    return rows.length;
  }

  private async maybeSignHead(client: pg.Client, frontier: MerkleFrontier): Promise<void> {
    const { signHead, headIntervalMs = 0 } = this.options;
    if (!signHead || frontier.size === this.lastHeadSize) return;
    const now = Date.now();
    const due = headIntervalMs > 0 && now - this.lastHeadAt >= headIntervalMs;
    if (!due && !this.headWanted) return;
    this.headWanted = false;
    const last = await client.query<{ tree_size: number; timestamp: number }>('SELECT tree_size, timestamp FROM tree_heads ORDER BY tree_size DESC LIMIT 1');
    const prev = last.rows[0];
    if (prev && prev.tree_size >= frontier.size) {
      this.lastHeadSize = prev.tree_size;
      return;
    }
    const timestamp = Math.max(now, (prev?.timestamp ?? 0) + 1);
    const root = frontier.root();
    const s = signHead(frontier.size, timestamp, root);
    await client.query(
      'INSERT INTO tree_heads (tree_size, timestamp, root_hash, key_id, signature, alg, cosignatures) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tree_size) DO NOTHING',
      [frontier.size, timestamp, root, s.key_id, s.signature, s.alg, s.cosignatures ?? null],
    );
    this.lastHeadAt = now;
    this.lastHeadSize = frontier.size;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
