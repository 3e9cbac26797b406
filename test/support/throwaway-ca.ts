import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * A certificate authority that exists only for one test run, and leaf
 * certificates it signs for named hosts. Keys come from node:crypto (native
 * and fast); node-forge only builds and signs the X.509 structures, which
 * Node 20 cannot do by itself.
 */
export interface Certificate {
  certPem: string;
  keyPem: string;
}

export interface ThrowawayCa extends Certificate {
  /** A leaf certificate for these DNS names (and 127.0.0.1), signed by this CA. */
  issue(hosts: readonly string[]): Certificate;
}

const DAY = 86_400_000;

function keyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), keyPem };
}

function baseCertificate(publicKey: forge.pki.PublicKey, subject: forge.pki.CertificateField[]): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial: the first hex digit below 8 keeps the DER integer unsigned.
  cert.serialNumber = `0${randomBytes(15).toString('hex')}`;
  // Backdated a little so clock skew between processes cannot make it "not yet valid".
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + 2 * DAY);
  cert.setSubject(subject);
  return cert;
}

export function createThrowawayCa(): ThrowawayCa {
  const ca = keyPair();
  const caSubject = [{ name: 'commonName', value: 'claude-code-proxy test CA (throwaway)' }];
  const caCert = baseCertificate(ca.publicKey, caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  return {
    certPem: forge.pki.certificateToPem(caCert),
    keyPem: ca.keyPem,
    issue(hosts) {
      const leaf = keyPair();
      const cert = baseCertificate(leaf.publicKey, [{ name: 'commonName', value: hosts[0] ?? 'localhost' }]);
      cert.setIssuer(caCert.subject.attributes);
      cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [...hosts.map((value) => ({ type: 2, value })), { type: 7, ip: '127.0.0.1' }],
        },
        { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
      ]);
      cert.sign(ca.privateKey, forge.md.sha256.create());
      return { certPem: forge.pki.certificateToPem(cert), keyPem: leaf.keyPem };
    },
  };
}
