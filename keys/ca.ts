import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

/**
 * The gateway's certificate authority. node-forge does the X.509 work (it is PKI tooling, far too slow
 * for anything per request); key generation uses node:crypto and is handed to forge as PEM.
 * forge certifies RSA keys only, so parties that want a certificate (mTLS) register an RSA key;
 * Ed25519 and P-256 keys are registered and used for client assertions without a certificate.
 */
export interface CertificateAuthority {
  certPem: string;
  /** Issues a certificate for a party's RSA public key, CN = party code, OU = role. */
  issuePartyCertificate(publicKeyPem: string, code: string, role: string, days?: number): string;
  /** Issues a TLS server certificate (new RSA key) for the given host names and IPs. */
  issueServerCertificate(hosts: string[], days?: number): { certPem: string; keyPem: string };
  /** Issues a client key pair and certificate (development and tests). */
  issueClientCertificate(code: string, role: string, days?: number): { certPem: string; keyPem: string };
  /** True when the certificate was signed by this CA and is inside its validity window. */
  verify(certPem: string, at?: Date): boolean;
}

function serial(): string {
  // Positive 16-byte serial (RFC 5280 §4.1.2.2: positive, at most 20 octets).
  const b = crypto.randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

function rsaPair(): { publicPem: string; privatePem: string } {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

/** Makes the CA's key and self-signed certificate (ten years) unless both are already in `dir`. */
function ensureCaFiles(keyFile: string, certFile: string, writeSecret: (file: string, content: string) => void): void {
  if (fs.existsSync(keyFile) && fs.existsSync(certFile)) return;
  const { publicPem, privatePem } = rsaPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  const name = [{ name: 'commonName', value: 'Vouch Gateway CA' }, { name: 'organizationName', value: 'Vouch' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privatePem), forge.md.sha256.create());
  writeSecret(keyFile, privatePem);
  fs.writeFileSync(certFile, forge.pki.certificateToPem(cert), { mode: 0o644 });
}

type Issue = (publicKeyPem: string, subject: forge.pki.CertificateField[], extensions: object[], days: number) => string;

/** Issues end-entity certificates (not CAs) under the CA's key and name. */
function issuerOf(caKey: forge.pki.rsa.PrivateKey, caCert: forge.pki.Certificate): Issue {
  return (publicKeyPem, subject, extensions, days) => {
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
    cert.serialNumber = serial();
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
    cert.setSubject(subject);
    cert.setIssuer(caCert.subject.attributes);
    cert.setExtensions([{ name: 'basicConstraints', cA: false }, ...extensions]);
    cert.sign(caKey, forge.md.sha256.create());
    return forge.pki.certificateToPem(cert);
  };
}

export function createCertificateAuthority(
  dir: string,
  writeSecret: (file: string, content: string) => void,
): CertificateAuthority {
  const keyFile = path.join(dir, 'ca.key.pem');
  const certFile = path.join(dir, 'ca.cert.pem');
  ensureCaFiles(keyFile, certFile, writeSecret);
  const caCertPem = fs.readFileSync(certFile, 'utf8');
  const caCert = forge.pki.certificateFromPem(caCertPem);
  const issue = issuerOf(forge.pki.privateKeyFromPem(fs.readFileSync(keyFile, 'utf8')), caCert);

  const partyName = (code: string, role: string): forge.pki.CertificateField[] => [
    { name: 'commonName', value: code },
    { name: 'organizationalUnitName', value: role },
    { name: 'organizationName', value: 'Vouch parties' },
  ];

  return {
    certPem: caCertPem,
    issuePartyCertificate(publicKeyPem, code, role, days = 365) {
      if (crypto.createPublicKey(publicKeyPem).asymmetricKeyType !== 'rsa') {
        throw new Error('only RSA keys can be certified by the gateway CA');
      }
      return issue(publicKeyPem, partyName(code, role), [
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', clientAuth: true },
      ], days);
    },
    issueServerCertificate(hosts, days = 365) {
      const { publicPem, privatePem } = rsaPair();
      const altNames = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: 7, ip: h } : { type: 2, value: h }));
      const certPem = issue(publicPem, [{ name: 'commonName', value: hosts[0] ?? 'localhost' }], [
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ], days);
      return { certPem, keyPem: privatePem };
    },
    issueClientCertificate(code, role, days = 365) {
      const { publicPem, privatePem } = rsaPair();
      return { certPem: this.issuePartyCertificate(publicPem, code, role, days), keyPem: privatePem };
    },
    verify(certPem, at = new Date()) {
      try {
        const cert = forge.pki.certificateFromPem(certPem);
        if (at < cert.validity.notBefore || at > cert.validity.notAfter) return false;
        return caCert.verify(cert);
      } catch {
        return false;
      }
    },
  };
}
