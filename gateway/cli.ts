#!/usr/bin/env node
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { openGateway, type Gateway } from './context.js';
import { createLogger } from './logger.js';
import { normaliseCertno } from './domain/certno.js';
import { rotateKey } from './services/keys.js';
import { PARTY_ROLES, type PartyRole } from './storage/repositories.js';
import type { Principal } from './services/auth.js';
import { verifyAuditLog } from './services/audit-verify.js';
import { verifyReceipt } from './services/receipts.js';
import { partyView } from './services/parties.js';
import { rewrapRecords } from './services/records.js';
import { rewrapStatVisits } from './services/statistics/lab.js';
import { loadWitnessState, saveWitnessState, witness, type WitnessSource } from './services/witness.js';
import type { TreeHead } from './services/audit-log.js';

/**
 * `vouch …` — operator commands over the same VOUCH_DATA_DIR as the server. Commands that change state
 * write their access-log events to the outbox; the running server (or the next start) appends them.
 */
const USAGE = `usage: vouch <command>
  party add --role <hospital|insurer|bureau|admin> --code <CODE> --name <NAME> [--level <1|2|3>] [--public-key <PEM file>]
  party list
  party suspend --code <CODE> | party activate --code <CODE>
  token --role <ROLE> --sub <CODE or ID number> [--ttl <seconds>]
  audit verify
  audit witness --state <FILE> [--url <gateway base URL> --token <bureau token>]
  receipt verify <file> [--public-key <PEM file>]
  keys rotate-signing | keys rotate-kek | keys rewrap
  certs server --host <name or IP>... --out <dir>      (TLS certificate from the gateway CA)
  certs client --code <CODE> --role <ROLE> --out <dir> (mTLS client certificate)`;

class UsageError extends Error {}

const CLI_ACTOR: Principal = { role: 'admin', code: 'cli', jti: 'cli' };

function open(writesLog = false): Gateway {
  const config = loadConfig(process.env);
  return openGateway(config, createLogger('warn'), { writesLog });
}

function need(v: string | undefined, flag: string): string {
  if (v === undefined || v === '') throw new UsageError(`missing ${flag}`);
  return v;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' }, code: { type: 'string' }, name: { type: 'string' }, level: { type: 'string' },
      'public-key': { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string' }, state: { type: 'string' },
      url: { type: 'string' }, token: { type: 'string' }, host: { type: 'string', multiple: true }, out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, sub, arg] = positionals;
  if (values.help || !cmd) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const key = `${cmd} ${sub ?? ''}`.trim();
  switch (key) {
    case 'party add': {
      const role = need(values.role, '--role') as PartyRole;
      if (!PARTY_ROLES.includes(role)) throw new UsageError('--role must be hospital, insurer, bureau or admin');
      const g = open();
      try {
        const level = values.level === undefined ? undefined : Number(values.level);
        const pem = values['public-key'] ? fs.readFileSync(values['public-key'], 'utf8') : undefined;
        const p = await g.parties.add({ code: need(values.code, '--code'), role, name: need(values.name, '--name'), level, public_key_pem: pem }, CLI_ACTOR);
        process.stdout.write(`${JSON.stringify(partyView(p))}\n`);
      } finally {
        await g.close();
      }
      return 0;
    }
    case 'party list': {
      const g = open();
      try {
        for (const p of g.parties.list()) process.stdout.write(`${JSON.stringify(partyView(p))}\n`);
      } finally {
        await g.close();
      }
      return 0;
    }
    case 'party suspend':
    case 'party activate': {
      const g = open();
      try {
        const p = await g.parties.setStatus(need(values.code, '--code'), sub === 'suspend' ? 'suspended' : 'active', CLI_ACTOR);
        process.stdout.write(`${JSON.stringify(partyView(p))}\n`);
      } finally {
        await g.close();
      }
      return 0;
    }
    case 'token': {
      const role = need(values.role, '--role');
      const subject = need(values.sub, '--sub');
      const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
      if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > 86_400 * 30) throw new UsageError('--ttl must be whole seconds, at most 30 days');
      const g = open();
      try {
        if (role === 'patient') {
          const certno = normaliseCertno(subject);
          if (!certno) throw new UsageError('--sub must be a valid ID number for a patient');
          process.stdout.write(`${g.tokens.patientToken(certno, ttl)}\n`);
        } else {
          const party = g.parties.get(subject);
          if (!party) throw new UsageError(`no party ${subject} is registered (vouch party add first)`);
          if (party.role !== role) throw new UsageError(`party ${subject} is registered as ${party.role}, not ${role}`);
          if (party.status !== 'active') throw new UsageError(`party ${subject} is suspended`);
          process.stdout.write(`${g.tokens.partyToken(party.code, party.role, ttl)}\n`);
        }
      } finally {
        await g.close();
      }
      return 0;
    }
    case 'audit verify': {
      const g = open();
      try {
        const r = verifyAuditLog(g.storage.auditDb, (kid) => g.keys.signingPublicKey(kid));
        if (!r.ok) {
          process.stderr.write(`audit verify: FAILED after ${r.leaves} leaves: ${r.problem}\n`);
          return 1;
        }
        process.stdout.write(`audit verify: ok — ${r.leaves} leaves, ${r.heads} signed tree heads, every head consistent with the next\n`);
      } finally {
        await g.close();
      }
      return 0;
    }
    case 'audit witness': {
      const stateFile = need(values.state, '--state');
      const g = open();
      try {
        const source: WitnessSource = values.url
          ? httpSource(values.url, need(values.token, '--token'))
          : { treeHead: async () => latestStoredHead(g), consistency: async (a, b) => g.audit.consistencyProof(a, b) };
        const state = loadWitnessState(stateFile);
        const verdict = await witness(state, source, (kid) => g.keys.signingPublicKey(kid));
        if (!verdict.ok) {
          process.stderr.write(`audit witness: ALERT: ${verdict.problem}\n`);
          return 1;
        }
        saveWitnessState(stateFile, { head: verdict.head });
        process.stdout.write(`audit witness: ok — holding the head at size ${verdict.head.tree_size}${verdict.grew ? '' : ' (unchanged)'}\n`);
      } finally {
        await g.close();
      }
      return 0;
    }
    case 'receipt verify': {
      const file = need(arg, '<file>');
      let receipt: unknown;
      try {
        receipt = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        process.stderr.write('receipt verify: the file is not JSON\n');
        return 1;
      }
      let lookup: (kid: string) => crypto.KeyObject | undefined;
      let close = async () => {};
      if (values['public-key']) {
        const k = crypto.createPublicKey(fs.readFileSync(values['public-key'], 'utf8'));
        lookup = () => k;
      } else {
        const g = open();
        lookup = (kid) => g.keys.signingPublicKey(kid);
        close = () => g.close();
      }
      try {
        if (!verifyReceipt(receipt, lookup)) {
          process.stderr.write('receipt verify: NOT genuine (signature, key id or contents do not match)\n');
          return 1;
        }
        process.stdout.write('receipt verify: genuine\n');
      } finally {
        await close();
      }
      return 0;
    }
    case 'keys rotate-signing':
    case 'keys rotate-kek': {
      const g = open();
      try {
        const kid = await rotateKey(g.keys, g.journal, sub === 'rotate-signing' ? 'signing' : 'kek', CLI_ACTOR);
        process.stdout.write(`${sub === 'rotate-signing' ? 'signing' : 'key-encryption'} key ${kid} is now current (restart the server to use it)\n`);
      } finally {
        await g.close();
      }
      return 0;
    }
    case 'keys rewrap': {
      const g = open();
      try {
        const moved = await rewrapRecords(g.vault, g.storage, g.keys.kek.kid);
        const lab = await rewrapStatVisits(g.vault, g.storage, g.keys.kek.kid);
        process.stdout.write(`keys rewrap: ${moved} record keys and ${lab} statistics-lab keys moved to ${g.keys.kek.kid}\n`);
      } finally {
        await g.close();
      }
      return 0;
    }
    case 'certs server':
    case 'certs client': {
      const out = need(values.out, '--out');
      const g = open();
      try {
        fs.mkdirSync(out, { recursive: true, mode: 0o700 });
        const pair = sub === 'server'
          ? g.keys.ca.issueServerCertificate(values.host?.length ? values.host : ['localhost', '127.0.0.1'])
          : g.keys.ca.issueClientCertificate(need(values.code, '--code'), need(values.role, '--role'));
        fs.writeFileSync(`${out}/cert.pem`, pair.certPem);
        fs.writeFileSync(`${out}/key.pem`, pair.keyPem, { mode: 0o600 });
        fs.writeFileSync(`${out}/ca.pem`, g.keys.ca.certPem);
        process.stdout.write(`wrote ${out}/cert.pem, ${out}/key.pem and ${out}/ca.pem\n`);
      } finally {
        await g.close();
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown command: ${key}`);
  }
}

function latestStoredHead(g: Gateway): TreeHead {
  const heads = g.audit.allHeads();
  const head = heads[heads.length - 1];
  if (!head) throw new Error('the log has no signed tree head yet');
  return head;
}

function httpSource(base: string, token: string): WitnessSource {
  const get = async (path: string): Promise<unknown> => {
    const res = await fetch(new URL(path, base), { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${path} answered ${res.status}`);
    return res.json();
  };
  return {
    treeHead: async () => (await get('/v1/audit/tree-head')) as TreeHead,
    consistency: async (a, b) => ((await get(`/v1/audit/proof/consistency?first=${a}&second=${b}`)) as { proof: string[] }).proof,
  };
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`vouch: ${err.message}\n${err instanceof UsageError ? `${USAGE}\n` : ''}`);
      process.exit(2);
    }
    const code = (err as { code?: string }).code;
    process.stderr.write(`vouch: ${code ? `${code}: ` : ''}${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
