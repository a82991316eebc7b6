import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createCertificateAuthority, type CertificateAuthority } from './ca.js';

/**
 * Key management. Everything lives under `<dataDir>/keys` with 0600 files in a 0700 folder and is
 * created on first start; nothing here is ever committed.
 *
 * - signing: Ed25519 key pairs with ids; the newest signs receipts and tree heads, every older public
 *   key stays available so old receipts keep verifying after rotation.
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

export class KeyStore {
  readonly dir: string;
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
  token!: { privatePem: string; publicPem: string };
  idp!: { privatePem: string | undefined; publicPem: string };
  ca!: CertificateAuthority;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * Loads the key material under `dataDir/keys`, creating whatever is missing — unless `existingData`
   * says a database already holds data: keys are then never created (new keys over old data would make
   * every record unreadable and every receipt unverifiable), and a missing one stops the start.
   */
  static open(dataDir: string, options: { idpPublicKeyFile?: string | undefined; existingData?: boolean } = {}): KeyStore {
    const ks = new KeyStore(path.join(dataDir, 'keys'));
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
    ks.loadSigning();
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
    ks.ca = createCertificateAuthority(ks.dir, writeSecret);
    return ks;
  }

  /** The key that signs new receipts and tree heads. */
  get signing(): SigningKey {
    return this.currentSigning;
  }

  /** Every signing public key ever used, by key id (for verification after rotation). */
  signingPublicKeys(): Map<string, KeyObject> {
    return new Map(this.signingKeys);
  }

  signingPublicKey(kid: string): KeyObject | undefined {
    return this.signingKeys.get(kid);
  }

  /** Makes a new signing key current; old public keys stay verifiable. */
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
    const publicPem = crypto.createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }) as string;
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
