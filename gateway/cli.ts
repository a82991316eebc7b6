#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { openGateway, type Gateway } from './context.js';
import { createLogger } from './logger.js';
import { normaliseCertno } from './domain/certno.js';
import { makeEvent } from './domain/audit-events.js';
import { rotateKey } from './services/identity/keys.js';
import { PARTY_ROLES, type PartyRole } from './storage/parties.js';
import { keptHeadFile, readKeptHead } from './storage/integrity.js';
import type { Principal } from './services/identity/auth.js';
import { verifyStoredLog } from './services/access-log/verify.js';
import { partyView } from './services/identity/parties.js';
import { rewrapRecords } from './services/records/records.js';
import { rewrapStatVisits } from './services/statistics/lab.js';
import { loadWitnessState, saveWitnessState, witness } from './services/access-log/witness.js';
import { backup, embeddedOnly, restore } from './cli/backup.js';
import { start } from './cli/start.js';
import { RemoteGateway, keysFromDataDir, keysFromFile, verifyReceiptFile, verifyRemoteLog } from './cli/verify.js';
import type { KeyLookup } from './crypto/signatures.js';
import { SuiteMismatchError } from '../keys/keystore.js';

/**
 * `vouch …` — operator commands over the same VOUCH_DATA_DIR as the server, one entry per command in
 * the table below (its usage line and help). Commands that change state write their access-log events to
 * the outbox; the running server (or the next start) appends them. The verifying commands (`audit
 * verify --url`, `audit witness`, `receipt verify`) need nothing of the gateway's: public keys come from
 * `GET /v1/keys` or a PEM file, and no secret is read or created.
 */
class UsageError extends Error {}

const CLI_ACTOR: Principal = { role: 'admin', code: 'cli', jti: 'cli' };

function open(writesLog = false): Promise<Gateway> {
  const config = loadConfig(process.env);
  return openGateway(config, createLogger('warn'), { writesLog });
}

function need(v: string | undefined, flag: string): string {
  if (v === undefined || v === '') throw new UsageError(`missing ${flag}`);
  return v;
}

type Values = Record<string, string | string[] | boolean | undefined> & {
  role?: string; code?: string; name?: string; level?: string; 'public-key'?: string; 'sm2-public-key'?: string; 'app-id'?: string; 'app-secret'?: string; sub?: string; ttl?: string; state?: string;
  url?: string; token?: string; host?: string[]; out?: string; workers?: string;
};

interface Command {
  usage: string;
  help: string;
  run(values: Values, arg: string | undefined): Promise<number>;
}

/**
 * Runs `work` on the data directory. Only `party add` may start a new one; every other command on a
 * folder without gateway data (a mistyped VOUCH_DATA_DIR) is refused instead of creating a new, empty
 * gateway with fresh keys whose tokens the running one rejects.
 */
async function withGateway<T>(work: (g: Gateway) => Promise<T>, options: { creates?: boolean } = {}): Promise<T> {
  const config = loadConfig(process.env);
  if (!options.creates && config.storage === 'sqlite') {
    const dataDir = config.dataDir;
    if (!fs.existsSync(path.join(dataDir, 'vouch.db'))) {
      throw new UsageError(`no gateway data in ${path.resolve(dataDir)} (is VOUCH_DATA_DIR right? start the gateway or run \`vouch party add\` there first)`);
    }
  }
  const g = await open();
  try {
    return await work(g);
  } finally {
    await g.close();
  }
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`${line}\n`);

/** Public keys for verification: a PEM file, the remote gateway's /v1/keys, or (on the gateway's machine) its data directory. */
async function verificationKeys(values: Values, remote: RemoteGateway | undefined): Promise<KeyLookup> {
  if (values['public-key']) return keysFromFile(values['public-key']);
  if (remote) return remote.keys();
  const config = loadConfig(process.env);
  return keysFromDataDir(config.dataDir, config.keysDir, config.crypto);
}

const COMMANDS: Record<string, Command> = {
  'party add': {
    usage: 'party add --role <hospital|insurer|bureau|admin> --code <CODE> --name <NAME> [--level <1|2|3>] [--public-key <PEM file>] [--sm2-public-key <HEX> --app-id <APPID> --app-secret <SECRET>]',
    help: 'Registers a party. --level is a hospital’s grade (products’ facility scopes); --public-key a key for client assertions; --sm2-public-key, --app-id and --app-secret register a hospital for the national platform’s SM4/SM2 envelope at POST /v1/records.',
    async run(values) {
      const role = need(values.role, '--role') as PartyRole;
      if (!PARTY_ROLES.includes(role)) throw new UsageError('--role must be hospital, insurer, bureau or admin');
      return withGateway(async (g) => {
        const level = values.level === undefined ? undefined : Number(values.level);
        const pem = values['public-key'] ? fs.readFileSync(values['public-key'], 'utf8') : undefined;
        const p = await g.parties.add(
          {
            code: need(values.code, '--code'), role, name: need(values.name, '--name'), level, public_key_pem: pem,
            sm2_public_key: values['sm2-public-key'], app_id: values['app-id'], app_secret: values['app-secret'],
          },
          CLI_ACTOR,
        );
        say(JSON.stringify(partyView(p)));
        return 0;
      }, { creates: true });
    },
  },
  'party list': {
    usage: 'party list',
    help: 'Lists the registered parties, one JSON object per line.',
    run: () => withGateway(async (g) => {
      for (const p of await g.parties.list()) say(JSON.stringify(partyView(p)));
      return 0;
    }),
  },
  'party suspend': {
    usage: 'party suspend --code <CODE>',
    help: 'Suspends a party: it is refused at once and its policies take no part in settlements.',
    run: (values) => withGateway(async (g) => {
      say(JSON.stringify(partyView(await g.parties.setStatus(need(values.code, '--code'), 'suspended', CLI_ACTOR))));
      return 0;
    }),
  },
  'party activate': {
    usage: 'party activate --code <CODE>',
    help: 'Activates a suspended party again.',
    run: (values) => withGateway(async (g) => {
      say(JSON.stringify(partyView(await g.parties.setStatus(need(values.code, '--code'), 'active', CLI_ACTOR))));
      return 0;
    }),
  },
  token: {
    usage: 'token --role <ROLE> --sub <CODE or ID number> [--ttl <seconds>, default VOUCH_TOKEN_TTL]',
    help: 'Prints one bearer token the running gateway accepts (for a patient, --sub is the ID number; the token stands in for the identity provider in development). Every token issued is a leaf of the access log.',
    async run(values) {
      const role = need(values.role, '--role');
      const subject = need(values.sub, '--sub');
      // The same lifetime the gateway gives the tokens it issues (VOUCH_TOKEN_TTL), unless --ttl says otherwise.
      const ttl = values.ttl === undefined ? loadConfig(process.env).auth.tokenTtlSeconds : Number(values.ttl);
      if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > 86_400 * 30) throw new UsageError('--ttl must be whole seconds, at most 30 days');
      return withGateway(async (g) => {
        let token: string;
        let event: Parameters<typeof makeEvent>[0];
        const now = Date.now();
        if (role === 'patient') {
          const certno = normaliseCertno(subject);
          if (!certno) throw new UsageError('--sub must be a valid ID number for a patient');
          token = g.tokens.patientToken(certno, ttl);
          event = { kind: 'token.issued', time: now, actor: CLI_ACTOR.code, actor_role: 'admin', subject: g.vault.blindIndex(certno), outcome: 'allowed' };
        } else {
          const party = await g.parties.get(subject);
          if (!party) throw new UsageError(`no party ${subject} is registered (vouch party add first)`);
          if (party.role !== role) throw new UsageError(`party ${subject} is registered as ${party.role}, not ${role}`);
          if (party.status !== 'active') throw new UsageError(`party ${subject} is suspended`);
          token = g.tokens.partyToken(party.code, party.role, ttl);
          event = { kind: 'token.issued', time: now, actor: CLI_ACTOR.code, actor_role: 'admin', refs: { party: party.code }, outcome: 'allowed' };
        }
        // The issue is committed (to the outbox, appended by the server) before the token is printed.
        await g.journal.change(() => ({ value: undefined, events: [makeEvent(event)] }));
        say(token);
        return 0;
      });
    },
  },
  'audit verify': {
    usage: 'audit verify [--url <gateway URL> --token <bureau token>] [--public-key <PEM file>] [--state <witness state file>]',
    help:
      'Replays the whole access log and checks every leaf, subtree and signed tree head. Locally (no --url) it reads VOUCH_DATA_DIR and also fails when the log is shorter than the newest head the gateway kept outside it. With --url it verifies a remote gateway over the API with its published keys (or --public-key), needing nothing of its data directory. --state also checks the log against the head a witness holds.',
    async run(values) {
      const remote = values.url ? new RemoteGateway(values.url, need(values.token, '--token')) : undefined;
      const keys = await verificationKeys(values, remote);
      let leaves: number;
      let newest: { tree_size: number; root_hash: string } | undefined;
      if (remote) {
        const r = await verifyRemoteLog(remote, keys);
        if (!r.ok) {
          complain(`audit verify: FAILED after ${r.leaves} leaves: ${r.problem}`);
          return 1;
        }
        leaves = r.leaves;
        newest = r.head;
        say(`audit verify: ok — ${r.leaves} leaves served by ${values.url} hash to its signed head`);
      } else {
        const config = loadConfig(process.env);
        const r = await verifyStoredLog(config, keys);
        if (!r.ok) {
          complain(`audit verify: FAILED after ${r.leaves} leaves: ${r.problem}`);
          return 1;
        }
        leaves = r.leaves;
        const kept = config.storage === 'sqlite' ? readKeptHead(keptHeadFile(config.dataDir)) : undefined;
        if (kept && kept.tree_size > leaves) {
          complain(`audit verify: FAILED: the log is shorter than the newest head the gateway signed (${leaves} leaves, head at size ${kept.tree_size}): leaves ${leaves}–${kept.tree_size - 1} are gone`);
          return 1;
        }
        say(`audit verify: ok — ${r.leaves} leaves, ${r.heads} signed tree heads, every head consistent with the next`);
      }
      if (values.state) {
        const held = loadWitnessState(values.state).head;
        if (held && held.tree_size > leaves) {
          complain(`audit verify: FAILED: the witness holds a head at size ${held.tree_size}, but the log has ${leaves} leaves: the log was cut back (an older copy restored?)`);
          return 1;
        }
        if (held && newest && newest.tree_size === held.tree_size && newest.root_hash !== held.root_hash) {
          complain(`audit verify: FAILED: the witness holds another root for size ${held.tree_size}: history was rewritten`);
          return 1;
        }
      }
      return 0;
    },
  },
  'audit witness': {
    usage: 'audit witness --state <FILE> --url <gateway URL> --token <bureau token> [--public-key <PEM file>]',
    help:
      'The bureau’s witness, run from its own machine: keeps the newest signed head it accepted in --state and accepts a new one only when it verifies with the published keys (GET /v1/keys, or --public-key) and is provably an append-only extension of the held one. Exit 1 with ALERT when the log shrank or history was rewritten. Reads and creates no gateway secret.',
    async run(values) {
      const stateFile = need(values.state, '--state');
      const remote = new RemoteGateway(need(values.url, '--url'), need(values.token, '--token'));
      const keys = values['public-key'] ? keysFromFile(values['public-key']) : await remote.keys();
      const verdict = await witness(loadWitnessState(stateFile), remote.witnessSource(), keys);
      if (!verdict.ok) {
        complain(`audit witness: ALERT: ${verdict.problem}`);
        return 1;
      }
      saveWitnessState(stateFile, { head: verdict.head });
      say(`audit witness: ok — holding the head at size ${verdict.head.tree_size}${verdict.grew ? '' : ' (unchanged)'}`);
      return 0;
    },
  },
  'receipt verify': {
    usage: 'receipt verify <FILE> [--url <gateway URL> --token <token>] [--public-key <file: Ed25519 PEM, SM2 point 04… in hex, or a saved GET /v1/keys answer>]',
    help:
      'Checks a receipt: FILE holds the receipt object as an answer carried it, or the whole answer (then, with its receipt_salt, also that the receipt covers exactly this answer). With --url it also proves the receipt’s leaf is in the log under a signed tree head. Keys: --public-key, else the gateway’s /v1/keys (with --url), else VOUCH_DATA_DIR.',
    async run(values, file) {
      let content: unknown;
      try {
        content = JSON.parse(fs.readFileSync(need(file, '<FILE>'), 'utf8'));
      } catch (err) {
        if (err instanceof UsageError) throw err;
        complain('receipt verify: the file is not JSON');
        return 1;
      }
      const remote = values.url ? new RemoteGateway(values.url, need(values.token, '--token')) : undefined;
      const report = await verifyReceiptFile(content, await verificationKeys(values, remote), remote);
      for (const line of report.lines) (report.ok ? say : complain)(`receipt verify: ${line}`);
      if (report.ok) say('receipt verify: genuine');
      return report.ok ? 0 : 1;
    },
  },
  start: {
    usage: 'start [--workers N]',
    help:
      'Runs the gateway (as npm start does). With --workers N, N processes share the HTTP and gRPC ports and one PostgreSQL database (VOUCH_DATABASE_URL): any answers anything, the access log stays one log, a worker that dies is replaced; SIGTERM drains them all.',
    async run(values) {
      try {
        return await start(loadConfig(process.env), values.workers, say);
      } catch (err) {
        if (err instanceof RangeError) throw new UsageError(err.message);
        throw err;
      }
    },
  },
  backup: {
    usage: 'backup --out <FILE>',
    help: 'Writes a consistent online copy of VOUCH_DATA_DIR (state, access log, kept head, keys) to one tar file with a checksum manifest; safe while the gateway runs. The file holds the keys: keep it as secret as the keys folder.',
    async run(values) {
      const out = need(values.out, '--out');
      const { dataDir, keysDir } = embeddedOnly(loadConfig(process.env), 'backup');
      const m = backup(dataDir, keysDir, out);
      say(`backup: wrote ${out} — ${Object.keys(m.files).length} files at ${m.created_at}`);
      return 0;
    },
  },
  restore: {
    usage: 'restore <FILE>',
    help: 'Restores a backup into an empty VOUCH_DATA_DIR after checking every file against the manifest. Then start the gateway; run the witness at once: if the copy is older than the head the witness holds, it says so (docs/operations.md).',
    async run(_values, file) {
      const { dataDir, keysDir } = embeddedOnly(loadConfig(process.env), 'restore');
      const m = restore(need(file, '<FILE>'), dataDir, keysDir);
      say(`restore: ${Object.keys(m.files).length} files from the backup of ${m.created_at} are in ${dataDir}`);
      return 0;
    },
  },
  'keys rotate-signing': {
    usage: 'keys rotate-signing',
    help: 'Makes a new receipt and tree-head signing key current; old public keys stay published. Restart the server to use it.',
    run: () => withGateway(async (g) => {
      say(`signing key ${await rotateKey(g.keys, g.journal, 'signing', CLI_ACTOR)} is now current (restart the server to use it)`);
      return 0;
    }),
  },
  'keys rotate-kek': {
    usage: 'keys rotate-kek',
    help: 'Makes a new key-encryption key current; old ones still unwrap until `keys rewrap`. Restart the server to use it.',
    run: () => withGateway(async (g) => {
      say(`key-encryption key ${await rotateKey(g.keys, g.journal, 'kek', CLI_ACTOR)} is now current (restart the server to use it)`);
      return 0;
    }),
  },
  'keys rewrap': {
    usage: 'keys rewrap',
    help: 'Re-wraps every record key under the current key-encryption key.',
    run: () => withGateway(async (g) => {
      const records = await rewrapRecords(g.vault, g.storage, g.keys.kek.kid);
      const lab = await rewrapStatVisits(g.vault, g.storage, g.keys.kek.kid);
      say(`keys rewrap: ${records} record keys and ${lab} statistics-lab keys moved to ${g.keys.kek.kid}`);
      return 0;
    }),
  },
  'certs server': {
    usage: 'certs server --host <name or IP>... --out <dir>',
    help: 'Issues a TLS server certificate from the gateway CA.',
    run: (values) => writeCertificate(values, 'server'),
  },
  'certs client': {
    usage: 'certs client --code <CODE> --role <ROLE> --out <dir>',
    help: 'Issues an mTLS client certificate for a party from the gateway CA.',
    run: (values) => writeCertificate(values, 'client'),
  },
};

function writeCertificate(values: Values, kind: 'server' | 'client'): Promise<number> {
  const out = need(values.out, '--out');
  return withGateway(async (g) => {
    fs.mkdirSync(out, { recursive: true, mode: 0o700 });
    const pair = kind === 'server'
      ? g.keys.ca.issueServerCertificate(values.host?.length ? values.host : ['localhost', '127.0.0.1'])
      : g.keys.ca.issueClientCertificate(need(values.code, '--code'), need(values.role, '--role'));
    fs.writeFileSync(`${out}/cert.pem`, pair.certPem);
    fs.writeFileSync(`${out}/key.pem`, pair.keyPem, { mode: 0o600 });
    fs.writeFileSync(`${out}/ca.pem`, g.keys.ca.certPem);
    say(`wrote ${out}/cert.pem, ${out}/key.pem and ${out}/ca.pem`);
    return 0;
  });
}

const USAGE = `usage: vouch <command> [options]   (vouch <command> --help for more; vouch --version)\n${Object.values(COMMANDS).map((c) => `  ${c.usage}`).join('\n')}`;

function version(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' }, code: { type: 'string' }, name: { type: 'string' }, level: { type: 'string' },
      'public-key': { type: 'string' }, 'sm2-public-key': { type: 'string' }, 'app-id': { type: 'string' }, 'app-secret': { type: 'string' },
      sub: { type: 'string' }, ttl: { type: 'string' }, state: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' }, host: { type: 'string', multiple: true }, out: { type: 'string' }, workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' },
    },
  });
  if (values.version) {
    say(`vouch ${version()}`);
    return 0;
  }
  const [first, second, third] = positionals;
  if (!first) {
    say(USAGE);
    return values.help ? 0 : 2;
  }
  const two = `${first} ${second ?? ''}`.trim();
  const [command, arg] = COMMANDS[two] ? [COMMANDS[two], third] : COMMANDS[first] ? [COMMANDS[first], second] : [undefined, undefined];
  if (!command) {
    const family = Object.keys(COMMANDS).filter((k) => k.startsWith(`${first} `));
    if (family.length && values.help) {
      for (const k of family) say(`vouch ${COMMANDS[k]!.usage}\n    ${COMMANDS[k]!.help}`);
      return 0;
    }
    throw new UsageError(`unknown command: ${two}`);
  }
  if (values.help) {
    say(`usage: vouch ${command.usage}\n\n${command.help}`);
    return 0;
  }
  return command.run(values as Values, arg);
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const parse = typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code.startsWith('ERR_PARSE_ARGS');
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof SuiteMismatchError || parse) {
      process.stderr.write(`vouch: ${(err as Error).message}\n${err instanceof UsageError || parse ? '(vouch --help lists the commands; vouch <command> --help explains one)\n' : ''}`);
      process.exit(2);
    }
    const code = (err as { code?: string }).code;
    process.stderr.write(`vouch: ${code ? `${code}: ` : ''}${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
