/**
 * Cost per answer of each VOUCH_CRYPTO suite (CONTRACT.md "国密"), same machine, same run: a small
 * population per suite, then answers through the full app in process (Fastify inject, so no socket noise):
 * quotes one at a time (latency of one answer: consent and record look-ups, the sealed facts opened with
 * AES-GCM or SM4-CBC-HMAC-SM3, the blind index, the receipt signed on the log writer thread with Ed25519,
 * SM2 or both, the durable leaf), quotes 32 at a time (answers per second), record pushes with a bearer
 * token and in the national SM4/SM2 envelope, and the bare signature cost per receipt.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../gateway/app.js';
import { loadConfig } from '../gateway/config.js';
import { openGateway } from '../gateway/context.js';
import { createLogger } from '../gateway/logger.js';
import { sm2GenerateKeyPair } from '../gateway/crypto/gm/sm2.js';
import { signAll, type CryptoSuite } from '../gateway/crypto/signatures.js';
import { sealEnvelope } from '../adapters/nhsa/sm-envelope.js';
import { HHB, SH, certnoOf, recordBodyOf } from './population.js';
import type { Principal } from '../gateway/services/identity/auth.js';

const ADMIN: Principal = { role: 'admin', code: 'bench', jti: 'bench' };
const APP_ID = 'BENCHAPP00000000000000000000001';
const SECRET = 'bench-secret-0123456789abcdef';

export interface SuiteRow {
  suite: CryptoSuite;
  quote_ms: number;
  quote_per_s: number;
  push_ms: number;
  envelope_push_ms: number;
  sign_us: number;
}

async function timeEach(n: number, f: (i: number) => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await f(i);
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

async function oneSuite(suite: CryptoSuite, patients: number, answers: number): Promise<SuiteRow> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vouch-bench-${suite}-`));
  const config = loadConfig({ VOUCH_DATA_DIR: dir, VOUCH_CRYPTO: suite, VOUCH_LOG_LEVEL: 'silent', VOUCH_TREE_HEAD_INTERVAL_MS: '3600000' });
  const logger = createLogger('silent');
  const g = await openGateway(config, logger);
  const app = await buildApp(config, { gateway: g, logger });
  await app.ready();
  try {
    const his = sm2GenerateKeyPair();
    await g.parties.add({ role: 'hospital', code: SH, name: SH, level: 3, sm2_public_key: his.publicKeyHex, app_id: APP_ID, app_secret: SECRET }, ADMIN);
    await g.parties.add({ role: 'insurer', code: HHB, name: HHB }, ADMIN);
    const sh = g.tokens.partyToken(SH, 'hospital', 3600);
    const hhb = g.tokens.partyToken(HHB, 'insurer', 3600);
    const call = async (method: 'POST' | 'PUT', url: string, payload: object, token?: string) => {
      const r = await app.inject({ method, url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} });
      if (r.statusCode >= 300) throw new Error(`${suite} ${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    };
    // Shanghai patients only (i % 3 != 2): 沪惠保 at SH.
    const ids = Array.from({ length: patients }, (_, k) => Math.floor(k / 2) * 3 + (k % 2));
    for (const i of ids) {
      await call('POST', '/v1/consents', { grantee: HHB, purposes: ['eligibility', 'settlement'], valid_until: '2030-12-31' }, g.tokens.patientToken(certnoOf(i), 3600));
      await call('POST', '/v1/records', recordBodyOf(i, `V${i}`), sh);
      await call('PUT', `/v1/policies/POL${i}`, { certno: certnoOf(i), product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' }, hhb);
    }
    const quote = (k: number) => {
      const i = ids[k % ids.length]!;
      return call('POST', '/v1/settlements/quote', { certno: certnoOf(i), policy_no: `POL${i}`, provider: SH, mdtrt_id: `V${i}` }, hhb);
    };
    await timeEach(50, quote); // warm-up
    const quote_ms = await timeEach(answers, quote);
    const t0 = process.hrtime.bigint();
    let next = 0;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (next < answers * 4) await quote(next++);
    }));
    const quote_per_s = (answers * 4) / (Number(process.hrtime.bigint() - t0) / 1e9);
    const push_ms = await timeEach(answers / 2, (k) => call('POST', '/v1/records', recordBodyOf(ids[k % ids.length]!, `B${k}`), sh));
    const envelope_push_ms = await timeEach(answers / 2, (k) =>
      call('POST', '/v1/records', sealEnvelope({ appId: APP_ID, appSecret: SECRET, key: his, data: recordBodyOf(ids[k % ids.length]!, `E${k}`), timestamp: Date.now() })));
    const bytes = crypto.randomBytes(400);
    const signer = g.keys.signer;
    for (let k = 0; k < 50; k++) signAll(signer, bytes);
    const s0 = process.hrtime.bigint();
    for (let k = 0; k < 300; k++) signAll(signer, bytes);
    const sign_us = Number(process.hrtime.bigint() - s0) / 1e3 / 300;
    return { suite, quote_ms, quote_per_s, push_ms, envelope_push_ms, sign_us };
  } finally {
    await app.close();
    await g.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Measures every suite in turn (intl first, as the reference). */
export async function suiteCosts(quick: boolean): Promise<SuiteRow[]> {
  const rows: SuiteRow[] = [];
  for (const suite of ['intl', 'gm', 'dual'] as const) rows.push(await oneSuite(suite, quick ? 40 : 200, quick ? 100 : 600));
  return rows;
}
