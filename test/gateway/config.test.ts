import t from 'tap';
import { ConfigError, isLoopback, loadConfig } from '../../gateway/config.js';

t.test('defaults are the embedded, loopback-only gateway of CONTRACT.md', async (t) => {
  const c = loadConfig({}, '/srv');
  t.equal(c.dataDir, '/srv/var');
  t.equal(c.http.port, 8080);
  t.equal(c.grpc.port, 50051);
  t.equal(c.http.host, '127.0.0.1');
  t.equal(c.tls, undefined);
  t.equal(c.storage, 'sqlite');
});

t.test('refuses to listen beyond loopback without TLS', async (t) => {
  t.throws(() => loadConfig({ VOUCH_BIND: '0.0.0.0' }), ConfigError);
  t.throws(() => loadConfig({ VOUCH_BIND: '10.1.2.3' }), /without TLS/);
  t.equal(loadConfig({ VOUCH_BIND: '0.0.0.0', VOUCH_TLS_CERT: '/c', VOUCH_TLS_KEY: '/k' }).http.host, '0.0.0.0');
  t.equal(loadConfig({ VOUCH_BIND: '0.0.0.0', VOUCH_INSECURE_ALLOW_PLAINTEXT_NON_LOOPBACK: 'true' }).allowInsecureNonLoopback, true);
  t.throws(() => loadConfig({ VOUCH_TLS_CERT: '/c' }), /together/);
});

t.test('rejects malformed values with the variable named', async (t) => {
  t.throws(() => loadConfig({ VOUCH_HTTP_PORT: '80a' }), /VOUCH_HTTP_PORT/);
  t.throws(() => loadConfig({ VOUCH_HTTP_PORT: '70000' }), /VOUCH_HTTP_PORT/);
  t.throws(() => loadConfig({ VOUCH_LOG_LEVEL: 'loud' }), /VOUCH_LOG_LEVEL/);
  t.throws(() => loadConfig({ VOUCH_STORAGE: 'postgres://x' }), /VOUCH_STORAGE must be sqlite or postgres/);
  t.throws(() => loadConfig({ VOUCH_TOKEN_ISSUER: 'same', VOUCH_IDP_ISSUER: 'same' }), /differ/);
  t.throws(() => loadConfig({ VOUCH_INSECURE_ALLOW_PLAINTEXT_NON_LOOPBACK: 'yes' }), /true or false/);
});

t.test('loopback detection', async (t) => {
  for (const h of ['127.0.0.1', '127.9.9.9', 'localhost', '::1']) t.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '192.168.1.1', '::', 'example.com', '127.0.0.1.evil.com']) t.notOk(isLoopback(h), h);
});

t.test('TLS cannot be half-configured', async (t) => {
  const tls = { VOUCH_TLS_CERT: '/c', VOUCH_TLS_KEY: '/k' };
  t.throws(() => loadConfig({ ...tls, VOUCH_TLS_REQUIRE_CLIENT_CERT: 'true' }, '/srv'), /VOUCH_TLS_REQUIRE_CLIENT_CERT=true needs VOUCH_TLS_CA/, 'client certificates required, nothing to check them against');
  t.throws(() => loadConfig({ ...tls, VOUCH_TLS_REQUIRE_CLIENT_CERT: 'true' }, '/srv'), /\/srv\/var\/keys\/ca\.cert\.pem/, 'the message names the gateway CA file');
  t.throws(() => loadConfig({ VOUCH_TLS_CA: '/ca' }), /VOUCH_TLS_CA is set but TLS is off/);
  t.throws(() => loadConfig({ VOUCH_TLS_REQUIRE_CLIENT_CERT: 'true', VOUCH_TLS_CA: '/ca' }), /TLS is off/);
  t.throws(() => loadConfig({ VOUCH_TLS_KEY: '/k' }), /together/);
  const mtls = loadConfig({ ...tls, VOUCH_TLS_CA: '/ca', VOUCH_TLS_REQUIRE_CLIENT_CERT: 'true' });
  t.same(mtls.tls, { certFile: '/c', keyFile: '/k', caFile: '/ca', requireClientCert: true });
  t.same(loadConfig(tls).tls, { certFile: '/c', keyFile: '/k', requireClientCert: false }, 'server-only TLS needs no CA');
});

t.test('the store: SQLite unless VOUCH_DATABASE_URL names PostgreSQL; the URL (it may hold a password) is never echoed', async (t) => {
  t.match(loadConfig({}), { storage: 'sqlite', databaseUrl: undefined });
  t.match(loadConfig({ VOUCH_STORAGE: 'sqlite:' }), { storage: 'sqlite' });
  const url = 'postgres://vouch:s3cret@db.example:5432/vouch';
  t.match(loadConfig({ VOUCH_DATABASE_URL: url }), { storage: 'postgres', databaseUrl: url });
  t.match(loadConfig({ VOUCH_DATABASE_URL: url, VOUCH_STORAGE: 'postgres' }), { storage: 'postgres' });
  t.throws(() => loadConfig({ VOUCH_STORAGE: 'postgres' }), /VOUCH_DATABASE_URL is not set/);
  t.throws(() => loadConfig({ VOUCH_STORAGE: 'sqlite', VOUCH_DATABASE_URL: url }), /choose one/);
  for (const bad of ['mysql://u:s3cret@h/db', 's3cret']) {
    const err = (() => {
      try {
        loadConfig({ VOUCH_DATABASE_URL: bad });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    t.match(err?.message, /VOUCH_DATABASE_URL must start with postgres/);
    t.notMatch(err?.message, /s3cret/, 'the password is not in the error');
  }
});
