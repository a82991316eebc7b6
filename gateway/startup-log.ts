import path from 'node:path';
import type pino from 'pino';
import type { Config } from './config.js';

/**
 * What an operator needs from the first lines of the log: where the state, the access log and the keys
 * live (to back them up together, to mount them, to find them after a crash), and a warning when
 * patients' tokens are checked against the local development key instead of a real identity provider.
 */
export function logStartup(logger: pino.Logger, config: Config, keysDir: string): void {
  if (config.storage === 'postgres') {
    const where = databaseOf(config.databaseUrl!);
    logger.info(
      { storage: 'postgres', database: where, keysDir, crypto: config.crypto, pid: process.pid },
      `state and access log in PostgreSQL (${where}), shared with every gateway process on it; keys in ${keysDir}; VOUCH_CRYPTO=${config.crypto}`,
    );
  } else logger.info(
    {
      dataDir: config.dataDir,
      storage: config.storage,
      state: path.join(config.dataDir, 'vouch.db'),
      accessLog: path.join(config.dataDir, 'audit.db'),
      keysDir,
      crypto: config.crypto,
    },
    `data in ${config.dataDir}: state vouch.db, access log audit.db, keys in ${keysDir}; VOUCH_CRYPTO=${config.crypto}`,
  );
  if (!config.auth.idp.publicKeyFile) {
    logger.warn(
      { idpIssuer: config.auth.idp.issuer, keyFile: path.join(keysDir, 'idp-dev.pem') },
      'patients are authenticated with the DEVELOPMENT identity-provider key (anyone with this data dir can sign in as any patient): ' +
        'set VOUCH_IDP_ISSUER and VOUCH_IDP_PUBLIC_KEY for production',
    );
  }
}

/** host:port/database of a PostgreSQL URL — never its user name or password. */
export function databaseOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}
