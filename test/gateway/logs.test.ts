import t from 'tap';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { certno, harness, spawnGateway, tempDir } from '../helpers.js';
import { databaseUrlOf, TEST_STORE } from '../postgres.js';

/** Log lines as an operator reads them: ISO times, who called (never a patient's identity), where data lives. */
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

t.test('request lines: ISO 8601 time, route pattern, the calling party; a patient by role only', async (t) => {
  const lines: string[] = [];
  const h = await harness({}, undefined, { write: (line: string) => void lines.push(line) });
  t.teardown(h.close);
  const insurer = await h.party('insurer', 'huhuibao');
  const who = certno(77);
  await h.call({ method: 'PUT', url: '/v1/policies/LOG-1', token: insurer, payload: { certno: who, product: 'huhuibao-2025', start_date: '2025-01-01', end_date: '2025-12-31' } });
  await h.call({ method: 'GET', url: '/v1/consents', token: h.patientToken(who) });
  await h.call({ method: 'GET', url: '/v1/products' });
  const requests = lines.map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l.msg === 'request completed');
  t.equal(requests.length, 3);
  for (const r of requests) t.match(r.time, ISO, 'time is ISO 8601');
  const [policy, patient, anonymous] = requests;
  t.same([policy!.req.route, policy!.role, policy!.party], ['/v1/policies/:policy_no', 'insurer', 'huhuibao'], 'the insurer is named by its party code');
  t.same([patient!.req.route, patient!.role, patient!.party], ['/v1/consents', 'patient', undefined], 'a patient is logged by role only');
  t.same([anonymous!.res.statusCode, anonymous!.role, anonymous!.party], [401, undefined, undefined]);
  t.notOk(lines.join('').includes(who), 'no ID number in any line');
});

t.test('start-up lines say where the data lives and warn about the development identity-provider key', async (t) => {
  const dir = tempDir();
  const dev = await spawnGateway(dir);
  await dev.stop();
  const lines = dev.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
  if (TEST_STORE === 'sqlite') {
    const where = lines.find((l) => l.dataDir !== undefined);
    t.ok(where, 'a line names the data directory');
    t.same([where!.dataDir, where!.state, where!.accessLog, where!.keysDir], [dir, path.join(dir, 'vouch.db'), path.join(dir, 'audit.db'), path.join(dir, 'keys')]);
    t.match(where!.time, ISO);
  } else {
    const where = lines.find((l) => l.storage === 'postgres');
    const url = new URL(databaseUrlOf(dir));
    t.ok(where, 'a line names the database');
    t.same([where!.database, where!.keysDir], [`${url.host}${url.pathname}`, path.join(dir, 'keys')], 'host and database, never the user or password');
    t.notMatch(dev.output(), /postgres:\/\//, 'the URL itself is in no line');
    t.match(where!.time, ISO);
  }
  const warning = lines.find((l) => l.level === 40 && /DEVELOPMENT identity-provider key/.test(l.msg));
  t.ok(warning, 'WARN: the development identity-provider key is in use');
  t.equal(warning?.keyFile, path.join(dir, 'keys', 'idp-dev.pem'));

  const idpKey = path.join(dir, 'idp.pub.pem');
  fs.writeFileSync(idpKey, crypto.generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  const prod = await spawnGateway(dir, { VOUCH_IDP_ISSUER: 'https://idp.example.org', VOUCH_IDP_PUBLIC_KEY: idpKey });
  await prod.stop();
  t.notMatch(prod.output(), /DEVELOPMENT identity-provider key/, 'no warning with a configured identity provider');
});
