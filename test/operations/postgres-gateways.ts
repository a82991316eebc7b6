import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RemoteGateway, verifyReceiptFile } from '../../gateway/cli/verify.js';
import { loadConfig } from '../../gateway/config.js';
import { TokenIssuer } from '../../gateway/services/identity/auth.js';
import { KeyStore } from '../../keys/keystore.js';
import { tempDir } from '../helpers.js';
import { feeLine, recordBody } from '../fixtures/records.js';
import { exampleA, PROTON, SH, Y } from '../fixtures/world.js';

/**
 * What the PostgreSQL process tests (issue 17) share: the CLI and the server as processes, HTTP calls
 * with a hang guard, the sequencer's log line, the worked-example bills, and a TCP proxy that can cut a
 * gateway off its database without touching the server the other tests use.
 */
const exec = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const CLI = path.join(here, '../../gateway/cli.js');
export const SERVER = path.join(here, '../../gateway/server.js');

/**
 * Set on every child: tap's process-info hook (for coverage, which is off) would cost each gateway and
 * CLI process about a second of CPU.
 */
export const CHILD_ENV = { NODE_OPTIONS: '' };

export interface Run {
  code: number;
  out: string;
  stdout: string;
}

/** Runs a node entry point (the CLI, the server) with `env` on top of this process's; never rejects. */
export function run(file: string, env: Record<string, string | undefined>, ...args: string[]): Promise<Run> {
  return exec(process.execPath, [file, ...args], { env: { ...process.env, VOUCH_LOG_LEVEL: 'warn', ...CHILD_ENV, ...env }, timeout: 120_000 }).then(
    (r) => ({ code: 0, out: `${r.stdout}${r.stderr}`, stdout: r.stdout }),
    (e: { code: number | null; signal?: string; stdout: string; stderr: string }) => ({ code: e.code ?? -1, out: `${e.stdout}${e.stderr}${e.signal ?? ''}`, stdout: e.stdout }),
  );
}

/** `vouch token …` against the shared database and keys: the token it prints. */
export async function token(env: Record<string, string>, role: string, sub: string): Promise<string> {
  const r = await run(CLI, env, 'token', '--role', role, '--sub', sub, '--ttl', '3600');
  if (r.code !== 0) throw new Error(`vouch token --role ${role}: ${r.out}`);
  return r.stdout.trim();
}

/**
 * Patients' tokens as the (development) identity provider signs them: with the IdP key in the shared
 * keys folder, read only (existingData: nothing is created). Cheaper than a `vouch token` process each.
 */
export function patientTokens(env: Record<string, string>, certnos: readonly string[]): string[] {
  const config = loadConfig({ ...env, VOUCH_DATA_DIR: tempDir() });
  const keys = KeyStore.open(config.dataDir, { keysDir: config.keysDir, existingData: true, suite: config.crypto });
  const issuer = new TokenIssuer(config, keys);
  return certnos.map((c) => issuer.patientToken(c, 3600));
}

export interface Answer {
  status: number;
  body: any;
}

/**
 * One HTTP call with a bearer token. A call that gets no answer in 15 s is a hang (issue 17: a
 * database that cannot be reached is a prompt 503, never a wait); one cut off (connection reset by a
 * killed process) answers status 0.
 */
export async function call(method: 'GET' | 'POST' | 'PUT', url: string, token?: string, body?: unknown): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') return { status: -1, body: { hang: true } };
    return { status: 0, body: undefined };
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}

/** True when the last word of a gateway's log about the sequencer's lock is that it holds it. */
export function sequences(output: string): boolean {
  const took = output.lastIndexOf('"this process sequences the access log"');
  return took >= 0 && took > output.lastIndexOf('"this process no longer sequences the access log"');
}

/** Waits until `test` holds, polling every 50 ms; false when `ms` passed first. */
export async function until(test: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await test()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return test();
}

/**
 * Example A (test/fixtures/world.ts): a Shanghai inpatient bill whose 沪惠保 特定住院自费 base is 21,000.00
 * (西药 10,000 + 卫生材料 8,000 + 检查 3,000; the 2,000 of 手术费 is not a covered category).
 */
export const billA = (who: string, mdtrt_id: string) => recordBody(exampleA(who, mdtrt_id));

/** An inpatient bill of 250,000.00 of 质子重离子 (a listed item of 沪惠保: 70 %, no deductible, cap 300,000.00). */
export const billProton = (who: string, mdtrt_id: string) =>
  recordBody({ certno: who, hospital: SH, mdtrt_id, med_type: '21', clr_optins: '310100', ful: 250_000 * Y, feedetail: [feeLine(1, PROTON, '05', '03', 250_000 * Y)] });

/**
 * Checks answers holding receipts as `vouch receipt verify FILE --url URL --token T` does (the same
 * function): signature, the answer bound to it, and its leaf under the gateway's signed head. Returns
 * the problems found, one line per receipt that failed.
 */
export async function verifyReceipts(url: string, bureauToken: string, answers: readonly unknown[]): Promise<string[]> {
  const remote = new RemoteGateway(url, bureauToken);
  const keys = await remote.keys();
  const problems: string[] = [];
  for (const a of answers) {
    const report = await verifyReceiptFile(a, keys, remote);
    if (!report.ok) problems.push(report.lines.join('; '));
  }
  return problems;
}

/**
 * A TCP proxy in front of PostgreSQL. `cut()` closes its listener and destroys every connection through
 * it (the gateway behind it sees the database vanish: resets, then refused connections); `mend()` listens
 * again on the same port.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private frozen = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const server = net.createServer((inbound) => {
      const outbound = net.connect(this.target.port, this.target.host);
      for (const s of [inbound, outbound]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          this.sockets.delete(s);
          inbound.destroy();
          outbound.destroy();
        });
      }
      inbound.pipe(outbound);
      outbound.pipe(inbound);
      if (this.frozen) for (const s of [inbound, outbound]) s.pause();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  cut(): void {
    this.server?.close();
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  mend(): Promise<void> {
    return this.open();
  }

  /**
   * Silence without a goodbye (a frozen network, a hung server): every connection stays open but nothing
   * passes either way, and new ones are accepted into the same silence. `thaw()` lets everything flow again.
   */
  freeze(): void {
    this.frozen = true;
    for (const s of this.sockets) s.pause();
  }

  thaw(): void {
    this.frozen = false;
    for (const s of this.sockets) s.resume();
  }

  close(): void {
    this.cut();
  }
}
