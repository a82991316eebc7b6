/**
 * The container's health check (`node dist/gateway/healthcheck.js`): asks this gateway's `/healthz`
 * over the same transport it serves, with the same configuration, and exits 0 when it answers 200.
 *
 * Under TLS the server's certificate is pinned to the one in `VOUCH_TLS_CERT` instead of being checked
 * against a CA: the check talks to its own process over loopback, where the certificate's names
 * (issued for the public host name) would not match and its issuer may be a CA the container does not
 * trust. Pinning is stricter than either: only the holder of this exact certificate passes. Under mutual
 * TLS no client certificate is needed: the probes answer without one (http/client-cert.ts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';

/** The address to reach a listener on from the same host: a wildcard bind is reached over loopback. */
export function probeHost(bind: string): string {
  if (bind === '0.0.0.0') return '127.0.0.1';
  if (bind === '::' || bind === '[::]') return '::1';
  return bind.replace(/^\[(.*)\]$/, '$1');
}

/** SHA-256 fingerprint (as Node prints it) of the first certificate in a PEM file. */
export function leafFingerprint(pemFile: string): string {
  return new crypto.X509Certificate(fs.readFileSync(pemFile)).fingerprint256;
}

/** Resolves with the status /healthz answered, or rejects (refused, timed out, wrong certificate). */
export function probe(config: Config, timeoutMs = 2500): Promise<number> {
  const options = { host: probeHost(config.http.host), port: config.http.port, path: '/healthz', method: 'GET', timeout: timeoutMs };
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    };
    let req: http.ClientRequest;
    if (config.tls) {
      const expected = leafFingerprint(config.tls.certFile);
      req = https.request({ ...options, rejectUnauthorized: false }, onResponse);
      req.once('socket', (socket: TLSSocket) =>
        socket.once('secureConnect', () => {
          if (socket.getPeerCertificate().fingerprint256 !== expected) req.destroy(new Error('the server does not present VOUCH_TLS_CERT'));
        }),
      );
    } else {
      req = http.request(options, onResponse);
    }
    req.once('timeout', () => req.destroy(new Error('timed out')));
    req.once('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    process.stderr.write(`healthcheck: ${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(2);
  }
  try {
    const status = await probe(config);
    process.exit(status === 200 ? 0 : 1);
  } catch (err) {
    process.stderr.write(`healthcheck: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

// Run only as a script, so tests can import probe() without exiting.
if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) void main();
