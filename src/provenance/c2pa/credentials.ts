// The X.509 credentials C2PA requires of a signer: a certificate for each of the operator's Ed25519 signing
// keys, issued by a root made for that purpose and then discarded (its key is never stored, so it can sign
// nothing else). The chain [signer, root] travels in every manifest; the root is published beside the JWKS.
// An operator whose vendors require a trust-listed CA replaces these with certificates from that CA.
import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ED25519 = { name: 'Ed25519' };
const DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';
const YEAR = 365 * 24 * 3600 * 1000;

/** PEM certificates, signer first, for an Ed25519 or ECDSA P-256 private key (PKCS#8 PEM). */
export async function issueChain(privatePem: string, kid: string, operator = 'Conduit'): Promise<string[]> {
  const subtle = webcrypto.subtle;
  const type = createPrivateKey(privatePem).asymmetricKeyType;
  if (type !== 'ed25519' && type !== 'ec') throw new Error(`cannot certify a ${String(type)} key for C2PA (Ed25519 or ECDSA P-256)`);
  const params = type === 'ec' ? { name: 'ECDSA', namedCurve: 'P-256' } : ED25519;
  const publicKey = await subtle.importKey('spki', createPublicKey(privatePem).export({ format: 'der', type: 'spki' }), params, true, ['verify']);
  const root = (await subtle.generateKey(ED25519, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + 10 * YEAR);
  const rootName = `CN=${operator} provenance root ${kid.slice(0, 12)}, O=${operator}`;
  const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
    name: rootName,
    notBefore,
    notAfter,
    keys: root,
    signingAlgorithm: ED25519,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(root.publicKey),
    ],
  });
  const signer = await x509.X509CertificateGenerator.create({
    subject: `CN=${operator} provenance signer ${kid.slice(0, 12)}, O=${operator}`,
    issuer: rootCert.subject,
    notBefore,
    notAfter,
    publicKey,
    signingKey: root.privateKey,
    signingAlgorithm: ED25519,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([DOCUMENT_SIGNING], false),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(root.publicKey),
    ],
  });
  return [signer.toString('pem'), rootCert.toString('pem')];
}

export const pemToDer = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
