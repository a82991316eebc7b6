import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createCertificateAuthority, type CertificateAuthority } from './ca.js';
import { sm2GenerateKeyPair, sm2PublicKeyOf } from '../gateway/crypto/gm/sm2.js';
import { sm2KeyIdOf, type CryptoSuite, type Sm2SigningKey, type SuiteSigner, type VerifyKey } from '../gateway/crypto/signatures.js';

/**
 * Key management. Everything lives under `<dataDir>/keys` with 0600 files in a 0700 folder and is
 * created on first start; nothing here is ever committed.
 *
 * - signing: Ed25519 key pairs with ids; the newest signs receipts and tree heads, every older public
 *   key stays available so old receipts keep verifying after rotation.
 * - signing-sm2: SM2 key pairs (private scalar in hex) with ids, the same way, for `VOUCH_CRYPTO=gm|dual`.
 * - suite: the `VOUCH_CRYPTO` suite the data directory was created under. Records sealed and blind
 *   indexes keyed under one family (AES-GCM + HMAC-SHA256, or SM4 + HMAC-SM3) cannot be read under the
 *   other, so a start under another family is refused; gm and dual share theirs and may alternate.
 * - kek: AES-256 key-encryption keys with ids; the newest wraps new data keys, old ones unwrap.
 * - blind index: the HMAC-SHA256 key that turns an ID number into a subject index.
 * - token: the Ed25519 key the gateway signs its own bearer tokens with.
 * - idp: in development, a local stand-in for the external identity provider (patients' tokens);
 *   in production only its public key is configured.
 * - ca: the gateway CA (node-forge, PKI only) that certifies parties' keys.
 *
 * All per-request cryptography uses node:crypto.
 */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface Kek {
  kid: string;
  key: Buffer;
}

/** What records are sealed and blind indexes keyed with: fixed for the life of a data directory. */
export type AtRest = 'aes' | 'sm4';

export function atRestOf(suite: CryptoSuite): AtRest {
  return suite === 'intl' ? 'aes' : 'sm4';
}

/** A start refused because the data directory was created under another suite (not a crash: a clear message). */
export class SuiteMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SuiteMismatchError';
  }
}

export class KeyStore {
  readonly dir: string;
  suite: CryptoSuite = 'intl';
  private sm2Public = new Map<string, string>();
  private currentSm2: Sm2SigningKey | undefined;
  private signingKeys = new Map<string, KeyObject>();
  private currentSigning!: SigningKey;
  private keks = new Map<string, Buffer>();
  private currentKekId!: string;
  blindIndexKey!: Buffer;
  /**
   * The deployment's digest key: HMAC key of every digest that sits in a leaf or leaves the gateway and
   * only the gateway recomputes (record content, requests, consent snapshots, policy references). Derived
   * from the blind-index secret with HKDF (RFC 5869) under its own label, so no new file is needed.
   */
  digestKey!: Buffer;

  /**
   * Names this set of keys without revealing any: HMAC-SHA256 under the blind-index key (which never
   * rotates) of a fixed label. A store keeps it at its first start and refuses other keys later.
   */
  get fingerprint(): string {
    return crypto.createHmac('sha256', this.blindIndexKey).update('vouch keys fingerprint v1').digest('hex');
  }
  token!: { privatePem: string; publicPem: string };
  idp!: { privatePem: string | undefined; publicPem: string };
  ca!: CertificateAuthority;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * Loads the key material under `keysDir` (default `dataDir/keys`), creating whatever is missing — unless `existingData`
   * says a database already holds data: keys are then never created (new keys over old data would make
   * every record unreadable and every receipt unverifiable), and a missing one stops the start.
   */
  static open(
    dataDir: string,
    options: { keysDir?: string; idpPublicKeyFile?: string | undefined; existingData?: boolean; suite?: CryptoSuite | undefined } = {},
  ): KeyStore {
    const ks = new KeyStore(options.keysDir ?? path.join(dataDir, 'keys'));
    if (options.existingData) {
      const missing = REQUIRED_KEY_FILES.filter((f) => !fs.existsSync(path.join(ks.dir, f)));
      if (missing.length) {
        throw new KeyStoreError(
          `no ${missing.join(', ')} under ${ks.dir}, beside databases that already hold data: the keys were lost or the wrong folder is configured — restore the keys folder from the backup (docs/operations.md); new keys are never created over existing data`,
        );
      }
    }
    fs.mkdirSync(ks.dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(ks.dir, 0o700);
    ks.suite = ks.checkSuite(options.suite ?? 'intl');
    ks.loadSigning();
    ks.loadSm2();
    ks.loadKeks();
    ks.blindIndexKey = ks.secretFile('blind-index.key');
    if (ks.blindIndexKey.length !== 32) throw new KeyStoreError(`${path.join(ks.dir, 'blind-index.key')} is not a 32-byte key (base64): damaged or not a key`);
    ks.digestKey = Buffer.from(crypto.hkdfSync('sha256', ks.blindIndexKey, Buffer.alloc(0), 'vouch digest key v1', 32));
    ks.token = ks.ed25519Pair('token');
    if (options.idpPublicKeyFile) {
      ks.idp = { privatePem: undefined, publicPem: fs.readFileSync(options.idpPublicKeyFile, 'utf8') };
    } else {
      ks.idp = ks.ed25519Pair('idp-dev');
    }
    try {
      ks.ca = createCertificateAuthority(ks.dir, writeSecret);
    } catch (err) {
      throw new KeyStoreError(`the gateway CA under ${ks.dir} (ca.cert.pem, ca.key.pem) cannot be read (${(err as Error).message}): damaged — restore the keys folder from the backup`);
    }
    return ks;
  }

  /** The Ed25519 key (the primary signer under intl and dual; under gm it signs nothing in the log). */
  get signing(): SigningKey {
    return this.currentSigning;
  }

  /** What the log signs with now, by suite: Ed25519, SM2, or both (dual). */
  get signer(): SuiteSigner {
    switch (this.suite) {
      case 'intl':
        return { ed25519: this.currentSigning };
      case 'gm':
        return { sm2: this.currentSm2! };
      case 'dual':
        return { ed25519: this.currentSigning, sm2: this.currentSm2! };
    }
  }

  /** The key ids that sign now (for the admin answer and the startup line). */
  get signingKeyIds(): string[] {
    const s = this.signer;
    return [s.ed25519?.kid, s.sm2?.kid].filter((k): k is string => k !== undefined);
  }

  /** Any signing public key ever used, Ed25519 or SM2, by key id. */
  verifyKey(kid: string): VerifyKey | undefined {
    const ed = this.signingKeys.get(kid);
    if (ed) return ed;
    const hex = this.sm2Public.get(kid);
    return hex ? { alg: 'SM2', publicKeyHex: hex } : undefined;
  }

  /** Every SM2 signing public key ever used (uncompressed point, hex), by key id. */
  sm2PublicKeys(): Map<string, string> {
    return new Map(this.sm2Public);
  }

  get currentSm2KeyId(): string | undefined {
    return this.currentSm2?.kid;
  }

  /** Every signing public key ever used, by key id (for verification after rotation). */
  signingPublicKeys(): Map<string, KeyObject> {
    return new Map(this.signingKeys);
  }

  signingPublicKey(kid: string): KeyObject | undefined {
    return this.signingKeys.get(kid);
  }

  /** Rotates the suite's signing keys (both under dual); old public keys stay verifiable. */
  rotateSuiteSigning(): string {
    const kids: string[] = [];
    if (this.suite !== 'gm') kids.push(this.rotateSigning());
    if (this.suite !== 'intl') kids.push(this.rotateSm2());
    return kids.join(',');
  }

  /** Makes a new SM2 signing key current. */
  rotateSm2(): string {
    const pair = sm2GenerateKeyPair();
    const kid = sm2KeyIdOf(pair.publicKeyHex);
    writeSecret(path.join(this.dir, 'signing-sm2', `${kid}.key`), pair.privateKeyHex);
    writeSecret(path.join(this.dir, 'signing-sm2', 'current'), kid);
    this.loadSm2();
    return kid;
  }

  /** Makes a new Ed25519 signing key current; old public keys stay verifiable. */
  rotateSigning(): string {
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const kid = keyIdOf(crypto.createPublicKey(privateKey));
    writeSecret(path.join(this.dir, 'signing', `${kid}.pem`), pem);
    writeSecret(path.join(this.dir, 'signing', 'current'), kid);
    this.loadSigning();
    return kid;
  }

  get kek(): Kek {
    return { kid: this.currentKekId, key: this.keks.get(this.currentKekId)! };
  }

  kekById(kid: string): Buffer | undefined {
    return this.keks.get(kid);
  }

  /** Makes a new key-encryption key current; old ones still unwrap until re-wrapped. */
  rotateKek(): string {
    const key = crypto.randomBytes(32);
    const kid = `kek-${crypto.createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
    writeSecret(path.join(this.dir, 'kek', `${kid}.key`), key.toString('base64'));
    writeSecret(path.join(this.dir, 'kek', 'current'), kid);
    this.loadKeks();
    return kid;
  }

  private loadSigning(): void {
    const dir = path.join(this.dir, 'signing');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const currentFile = path.join(dir, 'current');
    if (!fs.existsSync(currentFile)) {
      this.rotateSigning();
      return;
    }
    this.signingKeys.clear();
    let current: SigningKey | undefined;
    const currentKid = fs.readFileSync(currentFile, 'utf8').trim();
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.pem')).sort()) {
      let privateKey: KeyObject;
      try {
        privateKey = crypto.createPrivateKey(fs.readFileSync(path.join(dir, f), 'utf8'));
      } catch {
        throw new KeyStoreError(`signing key ${f} is not a PEM private key: damaged — restore the keys folder from the backup`);
      }
      if (privateKey.asymmetricKeyType !== 'ed25519') throw new KeyStoreError(`signing key ${f} is not an Ed25519 key`);
      const publicKey = crypto.createPublicKey(privateKey);
      const kid = keyIdOf(publicKey);
      this.signingKeys.set(kid, publicKey);
      if (kid === currentKid) current = { kid, privateKey, publicKey };
    }
    if (!current) throw new Error(`signing key ${currentKid} named current is missing`);
    this.currentSigning = current;
  }

  /**
   * SM2 keys: every public key is loaded whatever the suite (old signatures keep verifying); a key is
   * created only when the suite signs with SM2 and none was ever made — never over an existing one.
   */
  private loadSm2(): void {
    const dir = path.join(this.dir, 'signing-sm2');
    const currentFile = path.join(dir, 'current');
    if (!fs.existsSync(currentFile)) {
      if (this.suite === 'intl') return;
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      this.rotateSm2();
      return;
    }
    this.sm2Public.clear();
    let current: Sm2SigningKey | undefined;
    const currentKid = fs.readFileSync(currentFile, 'utf8').trim();
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.key')).sort()) {
      const privateKeyHex = fs.readFileSync(path.join(dir, f), 'utf8').trim();
      const publicKeyHex = sm2PublicKeyOf(privateKeyHex);
      const kid = sm2KeyIdOf(publicKeyHex);
      if (`${kid}.key` !== f) throw new Error(`SM2 signing key ${f} does not match its id`);
      this.sm2Public.set(kid, publicKeyHex);
      if (kid === currentKid) current = { kid, privateKeyHex, publicKeyHex };
    }
    if (!current) throw new Error(`SM2 signing key ${currentKid} named current is missing`);
    this.currentSm2 = current;
  }

  /**
   * The suite the data directory was created under (`keys/suite`). A directory from before suites
   * existed that already holds keys is `intl`. Switching between at-rest families would leave every
   * sealed record unreadable and every blind index unmatched, so it is refused; gm ↔ dual is allowed
   * (missing signing keys are added, none replaced).
   */
  private checkSuite(requested: CryptoSuite): CryptoSuite {
    const file = path.join(this.dir, 'suite');
    let recorded: CryptoSuite | undefined;
    if (fs.existsSync(file)) {
      const raw = fs.readFileSync(file, 'utf8').trim();
      if (raw !== 'intl' && raw !== 'gm' && raw !== 'dual') throw new SuiteMismatchError(`keys/suite holds "${raw}", not intl, gm or dual`);
      recorded = raw;
    } else if (fs.existsSync(path.join(this.dir, 'blind-index.key')) || fs.existsSync(path.join(this.dir, 'kek', 'current'))) {
      recorded = 'intl';
    }
    if (recorded && atRestOf(recorded) !== atRestOf(requested)) {
      throw new SuiteMismatchError(
        `this data directory was created with VOUCH_CRYPTO=${recorded} (records sealed with ${atRestOf(recorded) === 'aes' ? 'AES-256-GCM, blind index HMAC-SHA256' : 'SM4, blind index HMAC-SM3'}); ` +
          `it cannot be started with VOUCH_CRYPTO=${requested}` + (recorded === 'intl' ? '' : ' (gm and dual may be swapped)'),
      );
    }
    if (recorded !== requested) writeSecret(file, requested);
    return requested;
  }

  private loadKeks(): void {
    const dir = path.join(this.dir, 'kek');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const currentFile = path.join(dir, 'current');
    if (!fs.existsSync(currentFile)) {
      this.rotateKek();
      return;
    }
    this.keks.clear();
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.key'))) {
      const key = Buffer.from(fs.readFileSync(path.join(dir, f), 'utf8').trim(), 'base64');
      if (key.length !== 32) throw new KeyStoreError(`key-encryption key ${f} is not a 32-byte key (base64): damaged or not a key`);
      this.keks.set(f.slice(0, -'.key'.length), key);
    }
    const kid = fs.readFileSync(currentFile, 'utf8').trim();
    if (!this.keks.has(kid)) throw new Error(`key-encryption key ${kid} named current is missing`);
    this.currentKekId = kid;
  }

  private secretFile(name: string): Buffer {
    const file = path.join(this.dir, name);
    if (!fs.existsSync(file)) writeSecret(file, crypto.randomBytes(32).toString('base64'));
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  }

  private ed25519Pair(name: string): { privatePem: string; publicPem: string } {
    const file = path.join(this.dir, `${name}.pem`);
    if (!fs.existsSync(file)) {
      const { privateKey } = crypto.generateKeyPairSync('ed25519');
      writeSecret(file, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    }
    const privatePem = fs.readFileSync(file, 'utf8');
    let publicPem: string;
    try {
      publicPem = crypto.createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }) as string;
    } catch {
      throw new KeyStoreError(`${file} is not a PEM private key: damaged — restore the keys folder from the backup`);
    }
    return { privatePem, publicPem };
  }
}

/** The keys without which existing data cannot be read or its receipts and tokens verified. */
const REQUIRED_KEY_FILES = ['signing/current', 'kek/current', 'blind-index.key', 'token.pem'];

/** The key material is missing or damaged; the message says which file and what to do. */
export class KeyStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyStoreError';
  }
}

/** A key id: the first 16 hex digits of SHA-256 over the SubjectPublicKeyInfo DER. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** Writes a secret atomically with mode 0600. */
export function writeSecret(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
}
