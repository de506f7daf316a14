// The X.509 credentials C2PA requires of a signer: a certificate for each of the operator's signing keys.
// With `provenance.c2pa_issuer` configured, the operator's CA (e.g. one on the C2PA trust list) issues them;
// otherwise a root made for each key issues its certificate and is discarded (its key is never stored, so it
// can sign nothing else). The chain travels in every manifest and is published in the JWKS (x5c).
import { createPrivateKey, createPublicKey, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

let x509Loaded: Promise<typeof X509> | undefined;
/**
 * @peculiar/x509, loaded on the first certificate issued (a new signing key): it and what it brings (asn1js, tslib,
 * reflect-metadata) hold about 1.5 MB of heap, which a gateway restarted on its keys' stored chains never needs.
 */
function loadX509(): Promise<typeof X509> {
  return (x509Loaded ??= import('@peculiar/x509').then((x509) => {
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  }));
}

const ED25519 = { name: 'Ed25519' };
const DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';
const YEAR = 365 * 24 * 3600 * 1000;

/** An operator's issuing CA: its certificate chain (PEM, issuer first) and private key (PKCS#8 PEM). */
export interface C2paIssuer {
  chainPem: string[];
  keyPem: string;
}

function algorithmFor(pem: string): { name: string; namedCurve?: string } {
  const type = createPrivateKey(pem).asymmetricKeyType;
  if (type === 'ed25519') return ED25519;
  if (type === 'ec') return { name: 'ECDSA', namedCurve: 'P-256' };
  throw new Error(`cannot use a ${String(type)} key for C2PA (Ed25519 or ECDSA P-256)`);
}

const signingAlgorithm = (alg: { name: string }) =>
  alg.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : ED25519;

/**
 * PEM certificates, signer first, for an Ed25519 or ECDSA P-256 private key (PKCS#8 PEM): issued by the
 * operator's CA when one is configured, else by a root made for this key and then discarded.
 */
export async function issueChain(
  privatePem: string,
  kid: string,
  issuer?: C2paIssuer,
  operator = 'Conduit',
): Promise<string[]> {
  const x509 = await loadX509();
  const subtle = webcrypto.subtle;
  const params = algorithmFor(privatePem);
  const publicKey = await subtle.importKey(
    'spki',
    createPublicKey(privatePem).export({ format: 'der', type: 'spki' }),
    params,
    true,
    ['verify'],
  );
  const notBefore = new Date(Date.now() - 3600_000);
  let notAfter = new Date(Date.now() + 10 * YEAR);
  let ca: {
    name: string;
    key: webcrypto.CryptoKey;
    publicKey: webcrypto.CryptoKey;
    alg: { name: string };
    chain: string[];
  };
  if (issuer) {
    const cert = new x509.X509Certificate(issuer.chainPem[0]!);
    const alg = algorithmFor(issuer.keyPem);
    const key = await subtle.importKey(
      'pkcs8',
      createPrivateKey(issuer.keyPem).export({ format: 'der', type: 'pkcs8' }),
      alg,
      false,
      ['sign'],
    );
    if (cert.notAfter < notAfter) notAfter = cert.notAfter;
    ca = {
      name: cert.subject,
      key,
      publicKey: await cert.publicKey.export(alg, ['verify']),
      alg,
      chain: issuer.chainPem,
    };
  } else {
    const root = (await subtle.generateKey(ED25519, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
      name: `CN=${operator} provenance root ${kid.slice(0, 12)}, O=${operator}`,
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
    ca = {
      name: rootCert.subject,
      key: root.privateKey,
      publicKey: root.publicKey,
      alg: ED25519,
      chain: [rootCert.toString('pem')],
    };
  }
  const signer = await x509.X509CertificateGenerator.create({
    subject: `CN=${operator} provenance signer ${kid.slice(0, 12)}, O=${operator}`,
    issuer: ca.name,
    notBefore,
    notAfter,
    publicKey,
    signingKey: ca.key,
    signingAlgorithm: signingAlgorithm(ca.alg),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([DOCUMENT_SIGNING], false),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
    ],
  });
  return [signer.toString('pem'), ...ca.chain];
}

/** Reads an issuer from PEM texts, checking that it can issue: a CA certificate whose key is the one given. */
export function parseIssuer(certificatesPem: string, keyPem: string): C2paIssuer {
  const chainPem = pemCertificates(certificatesPem);
  if (chainPem.length === 0) throw new Error('no PEM certificate found');
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new Error('the key is not a PEM private key');
  }
  algorithmFor(keyPem);
  const cert = new NodeX509(chainPem[0]!);
  if (!cert.ca)
    throw new Error(`'${cert.subject.replace(/\n/g, ', ')}' is not a CA certificate (basicConstraints CA is not set)`);
  if (!cert.checkPrivateKey(key)) throw new Error('the key does not belong to the first certificate');
  if (new Date(cert.validTo) <= new Date()) throw new Error(`the CA certificate expired on ${cert.validTo}`);
  return { chainPem, keyPem };
}

/** The PEM certificate blocks in a text, in order. */
export const pemCertificates = (text: string): string[] =>
  text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];

export const pemToDer = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
