import type { SignatureAlg } from '../crypto/signatures.js';
import type { AuditEvent } from '../domain/audit-events.js';

/**
 * The access log's storage (services/access-log/): leaves with their indexed columns, every completed
 * subtree hash, signed tree heads and the subject search index. Reads run on any connection; writes on
 * the one connection allowed to append (the log writer thread in the server, inline in tools), inside
 * {@link LogStore.transaction}. The tree itself (frontier, hashing, signing) is the service's: the store
 * only keeps what it is given.
 */
export interface LogStore {
  /** Leaves stored (the next leaf's index). */
  size(): number;
  /** A stored subtree hash: level 0 is a leaf hash, level l ≥ 1 the hash of 2^l leaves from idx·2^l. */
  nodeAt(level: number, idx: number): Buffer | undefined;
  /** The index of an event's leaf, when it is in the log. */
  eventIndex(eventId: string): number | undefined;
  lastHead(): HeadRow | undefined;
  /** Every stored head in size order. */
  heads(): HeadRow[];
  /** How many leaves the subject search index covers. */
  indexedUpto(): number;
  /** Leaf bytes in [start, end). */
  leaves(start: number, end: number): { leaf_index: number; leaf: Buffer }[];
  /** Leaves below `committed` passing the filter, by leaf index (see {@link EventFilter}). */
  search(f: EventFilter, committed: number): EventRow[];
  /** Leaves of the given kinds with `from <= time < to` (epoch ms), grouped by kind, actor, outcome and reason. */
  countsBetween(from: number, to: number, kinds: readonly string[]): LeafCount[];
  /** Every stored leaf in index order, as stored (for replaying the log). */
  storedLeaves(): Iterable<StoredLeaf>;
  /** Every stored subtree hash, by level then index. */
  storedNodes(): Iterable<{ level: number; idx: number; hash: Buffer }>;

  /** Runs `work` in one write transaction; with it, everything it wrote is durable or nothing is. */
  transaction<T>(work: () => T): T;
  insertLeaf(index: number, event: AuditEvent, bytes: Buffer, hash: Buffer): void;
  insertNode(level: number, idx: number, hash: Buffer): void;
  /** Stores a head; a head for a size already stored is kept as it was. */
  insertHead(head: HeadRow): void;
  /** Adds leaves [from, to) to the subject search index, in its own transaction (derived data). */
  indexSubjects(from: number, to: number): void;
  close(): void;
}

/** A signed tree head as stored: root and signature as bytes, cosignatures as JSON. */
export interface HeadRow {
  tree_size: number;
  timestamp: number;
  root_hash: Buffer;
  key_id: string;
  signature: Buffer;
  alg: SignatureAlg;
  cosignatures: string | null;
}

/** One stored leaf with the columns indexed beside it (the replay checks them against the leaf). */
export interface StoredLeaf {
  leaf_index: number;
  event_id: string;
  leaf: Buffer;
  leaf_hash: Buffer;
  time: number;
  actor: string;
  action: string;
  subject: string | null;
  outcome: string;
}

/** A search of the log: every field given must match; `after` is the cursor (the last index seen). */
export interface EventFilter {
  from?: number | undefined;
  to?: number | undefined;
  actor?: string | undefined;
  subject?: string | undefined;
  action?: string | undefined;
  outcome?: string | undefined;
  after?: number | undefined;
  limit: number;
}

export interface EventRow {
  leaf_index: number;
  time: number;
  actor: string;
  actor_role: string;
  action: string;
  purpose: string | null;
  subject: string | null;
  outcome: string;
  reason: string | null;
}

/** One group of access-log leaves: how many leaves of one kind one actor left with one outcome and reason. */
export interface LeafCount {
  action: string;
  actor: string;
  actor_role: string;
  outcome: string;
  reason: string | null;
  n: number;
}
