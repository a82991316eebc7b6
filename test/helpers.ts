import crypto from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import Database from 'better-sqlite3';
import { buildApp } from '../gateway/app.js';
import * as grpc from '@grpc/grpc-js';
import { loadProtos } from '../gateway/grpc/protos.js';
import { startGrpcServer, type GrpcServer } from '../gateway/grpc/server.js';
import { loadConfig, type Config } from '../gateway/config.js';
import { openGateway, type Gateway } from '../gateway/context.js';
import { certnoCheckChar } from '../gateway/domain/certno.js';
import { createLogger } from '../gateway/logger.js';
import type { PartyRole } from '../gateway/storage/parties.js';
import type { Principal } from '../gateway/services/identity/auth.js';
import pg from 'pg';
import { databaseUrlOf, dumpOf, storeEnvFor, TEST_STORE } from './postgres.js';

const made: string[] = [];
// Each test file runs in its own process: its data directories go when it exits (a single file's could
// reach 0.7 GB — the 10^6-leaf log — and CI runs on machines with little disk to spare).
process.once('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'vouch-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

const rawConnections = new Map<string, Database.Database>();
process.once('exit', () => {
  for (const db of rawConnections.values()) db.close();
});

/**
 * A connection of the test's own to a database file of a SQLite data directory (`vouch.db`, `audit.db`),
 * for looking at or tampering with what the gateway stored; it sees what is committed. One per file.
 */
export function rawDb(dataDir: string, file: 'vouch.db' | 'audit.db'): Database.Database {
  const p = path.join(dataDir, file);
  let db = rawConnections.get(p);
  if (!db || !db.open) {
    db = new Database(p);
    rawConnections.set(p, db);
  }
  return db;
}

export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ VOUCH_DATA_DIR: dataDir, VOUCH_LOG_LEVEL: 'silent', VOUCH_TREE_HEAD_INTERVAL_MS: '3600000', ...storeEnv(dataDir, env), ...env });
}

/** The suite's store for a data directory (test/postgres.ts), unless the test names a store itself. */
export function storeEnv(dataDir: string, env: Record<string, string> = {}): Record<string, string> {
  return env.VOUCH_DATABASE_URL !== undefined || env.VOUCH_STORAGE !== undefined ? {} : storeEnvFor(dataDir);
}

/** A valid resident ID number (GB 11643) for a seed: region 310101, birth 1980-01-01 + seed days. */
export function certno(seed: number, region = '310101'): string {
  const birth = new Date(Date.UTC(1980, 0, 1) + (seed % 15000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const first17 = `${region}${birth}${String(seed % 1000).padStart(3, '0')}`;
  return first17 + certnoCheckChar(first17);
}

export const ADMIN: Principal = { role: 'admin', code: 'test-admin', jti: 'test' };

export interface Harness {
  app: FastifyInstance;
  g: Gateway;
  dir: string;
  token(role: PartyRole, code: string): string;
  patientToken(certno: string): string;
  /** Registers a party and returns its bearer token. */
  party(role: PartyRole, code: string, extra?: { level?: number; public_key_pem?: string }): Promise<string>;
  call(opts: InjectOptions & { token?: string }): Promise<{ status: number; body: any; raw: string }>;
  close(): Promise<void>;
}

export async function harness(env: Record<string, string> = {}, dir = tempDir(), logTo?: { write(line: string): void }): Promise<Harness> {
  const config = testConfig(dir, env);
  const logger = logTo ? createLogger('info', logTo) : createLogger('silent');
  const g = await openGateway(config, logger);
  const app = await buildApp(config, { gateway: g, logger });
  await app.ready();
  const h: Harness = {
    app,
    g,
    dir,
    token: (role, code) => g.tokens.partyToken(code, role, 3600),
    patientToken: (c) => g.tokens.patientToken(c, 3600),
    async party(role, code, extra = {}) {
      await g.parties.add({ role, code, name: `${role} ${code}`, ...extra }, ADMIN);
      return h.token(role, code);
    },
    async call(opts) {
      const { token, ...rest } = opts;
      const res = await app.inject({
        ...rest,
        headers: { ...(rest.headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
      let body: unknown;
      try {
        body = res.json();
      } catch {
        body = undefined;
      }
      return { status: res.statusCode, body, raw: res.body };
    },
    async close() {
      await app.close();
      await g.close();
    },
  };
  return h;
}

export function sha256(s: string | Buffer): string {
  return crypto.createHash('sha256').update(s).digest('hex');
}

/** test/fixtures in the source tree (tests run from dist/test). */
export const FIXTURES = new URL('../../test/fixtures/', import.meta.url);

export function fixture<T>(name: string): T {
  return JSON.parse(fs.readFileSync(new URL(name, FIXTURES), 'utf8')) as T;
}

/** A harness plus the gRPC server over the same gateway, on a free port. */
export async function grpcHarness(env: Record<string, string> = {}, dir = tempDir()): Promise<{ h: Harness; server: GrpcServer; close: () => Promise<void> }> {
  const h = await harness(env, dir);
  const server = await startGrpcServer(testConfig(dir, { ...env, VOUCH_GRPC_PORT: '0' }), h.g, h.g.auth, h.app.log as never);
  return {
    h,
    server,
    close: async () => {
      await server.close();
      await h.close();
    },
  };
}

/** Starts the real server (dist/gateway/server.js) as a child process on free ports. */
export async function spawnGateway(dataDir: string, env: Record<string, string> = {}): Promise<{ proc: ChildProcess; url: string; output: () => string; stop: () => Promise<void> }> {
  const proc = spawn(process.execPath, [fileURLToPath(new URL('../gateway/server.js', import.meta.url))], {
    env: { ...process.env, VOUCH_DATA_DIR: dataDir, VOUCH_HTTP_PORT: '0', VOUCH_GRPC_PORT: '0', VOUCH_LOG_LEVEL: 'info', ...storeEnv(dataDir, env), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    // A hang guard, not a timing assertion: a first start creates keys (~3 s of CPU), and on a shared
    // machine under load that took over 30 s of wall time. A server that did not start is stopped, so
    // the test fails at once instead of waiting for tap's file timeout with the child still running.
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server did not start: ${out}`));
    }, 120_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return {
    proc,
    url,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

export type GrpcClient = grpc.Client &
  Record<string, (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: any) => void) => void>;

/** Clients of every vouch.v1 service on a local gRPC port (insecure, loopback). */
export async function grpcClients(port: number): Promise<Record<string, GrpcClient>> {
  const v1 = loadProtos().proto.vouch.v1 as unknown as Record<string, new (addr: string, c: grpc.ChannelCredentials) => GrpcClient>;
  const out: Record<string, GrpcClient> = {};
  for (const s of ['ConsentService', 'RecordService', 'PolicyService', 'QueryService', 'SettlementService', 'AuditService']) {
    out[s] = new v1[s]!(`localhost:${port}`, grpc.credentials.createInsecure());
  }
  return out;
}

/** One unary call with a bearer token; resolves with the answer or the error (never rejects). */
export async function grpcCall(c: GrpcClient, method: string, req: unknown, token?: string): Promise<{ res?: any; err?: grpc.ServiceError; code?: string }> {
  const md = new grpc.Metadata();
  if (token) md.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) =>
    c[method]!(req, md, { deadline: Date.now() + 10_000 }, (err, res) => resolve(err ? { err, code: String(err.metadata.get('vouch-error-code')[0] ?? '') } : { res })),
  );
}

/** Every leaf of the gateway's access log, as stored, read through the log service (either store). */
export async function allLeaves(g: Gateway): Promise<Buffer[]> {
  const n = (await g.accessLog.treeHead()).tree_size;
  const out: Buffer[] = [];
  for (let start = 0; start < n; start += 1000) {
    for (const l of await g.accessLog.leaves(start, Math.min(n, start + 1000))) out.push(l.leaf);
  }
  return out;
}

/**
 * What the gateway keeps at rest for a data directory, as named blobs: every file under it, and on
 * PostgreSQL a dump of its database too (canary tests look for plaintext in all of them).
 */
export function storedAtRest(dataDir: string): { name: string; bytes: Buffer }[] {
  const files: string[] = [];
  const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : files.push(path.join(d, e.name))));
  walk(dataDir);
  const blobs: { name: string; bytes: Buffer }[] = files.map((f) => ({ name: path.basename(f), bytes: fs.readFileSync(f) }));
  if (TEST_STORE === 'postgres') blobs.push({ name: 'the PostgreSQL database (pg_dump)', bytes: dumpOf(dataDir) });
  return blobs;
}

const LOG_TABLES = /\b(leaves|nodes|tree_heads|subject_index)\b/;

/**
 * Rows of a plain SELECT (no parameters) run on what the gateway of `dataDir` stored, on either store:
 * SQLite's files (the log's tables in audit.db) or the suite's PostgreSQL database. Whole-number columns
 * come back as numbers on both (PostgreSQL's SUM over BIGINT is NUMERIC, sent as text).
 */
export async function storedRows(dataDir: string, sql: string): Promise<Record<string, unknown>[]> {
  if (TEST_STORE === 'sqlite') return rawDb(dataDir, LOG_TABLES.test(sql) ? 'audit.db' : 'vouch.db').prepare(sql).all() as Record<string, unknown>[];
  const client = new pg.Client({ connectionString: databaseUrlOf(dataDir) });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, unknown>>(sql);
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) && /^(count|sum|n)$|_fen$/.test(k) ? Number(v) : v])));
  } finally {
    await client.end();
  }
}

/** Runs a statement with `?` parameters on what the gateway of `dataDir` stored (a test tampering with it), on either store. */
export async function storedExec(dataDir: string, sql: string, params: unknown[] = []): Promise<void> {
  if (TEST_STORE === 'sqlite') {
    rawDb(dataDir, LOG_TABLES.test(sql) ? 'audit.db' : 'vouch.db').prepare(sql).run(...params);
    return;
  }
  let i = 0;
  const client = new pg.Client({ connectionString: databaseUrlOf(dataDir) });
  await client.connect();
  try {
    await client.query(sql.replace(/\?/g, () => `$${++i}`), params);
  } finally {
    await client.end();
  }
}

/** The first column of the first row of {@link storedRows} (a count, a sum, one value). */
export async function storedValue(dataDir: string, sql: string): Promise<unknown> {
  const [row] = await storedRows(dataDir, sql);
  return row ? Object.values(row)[0] : undefined;
}
