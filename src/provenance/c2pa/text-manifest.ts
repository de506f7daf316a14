// A C2PA manifest store for a generated text, carried in the text itself by the text manifest wrapper. It holds
// one standard manifest: a c2pa.actions.v2 assertion ("created" by a trained algorithm), the c2pa.hash.data hard
// binding (SHA-256 of the NFC text, excluding the wrapper's own byte range), and Conduit's claims with the JWS
// manifest; a c2pa.claim.v2 naming them by hashed URI; and a COSE_Sign1 claim signature with the signer's
// certificate chain. Any C2PA validator can read it; Conduit's key ring verifies it.
import { createHash, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { coseSign1, cbor, readCoseSign1 } from './cose.ts';
import { C2PA_UUID, cborBox, contentOf, findSuperbox, parseBoxes, superbox, type JumbfNode } from './jumbf.ts';
import { encodeWrapper, locateWrapper, wrapperByteLength } from './text-wrapper.ts';

export const CONDUIT_ASSERTION = 'com.conduit.provenance';
const TRAINED_ALGORITHMIC_MEDIA = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';

export interface C2paSigner {
  privateKey: KeyObject;
  /** DER certificates, signer first. */
  chain: Buffer[];
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();
/** What the hard binding covers: the text without its wrapper, NFC-normalised, as UTF-8. */
const boundBytes = (text: string) => Buffer.from(text.normalize('NFC'), 'utf8');

let lastLength = wrapperByteLength(2048);

/** The wrapper to append to `text`: a signed manifest store bound to exactly that text. */
export function textManifestWrapper(
  text: string,
  claims: Record<string, unknown>,
  signer: C2paSigner,
  generatorVersion: string,
): string {
  const label = `urn:c2pa:${randomUUID()}`;
  const start = Buffer.byteLength(text);
  const hash = sha256(boundBytes(text));
  const build = (exclusionLength: number, sizeOnly: boolean) => {
    const assertions: Array<[string, unknown]> = [
      [
        'c2pa.actions.v2',
        {
          actions: [
            {
              action: 'c2pa.created',
              digitalSourceType: TRAINED_ALGORITHMIC_MEDIA,
              softwareAgent: { name: 'Conduit', version: generatorVersion },
            },
          ],
        },
      ],
      [
        'c2pa.hash.data',
        {
          exclusions: [{ start, length: exclusionLength }],
          name: 'C2PA text manifest wrapper',
          alg: 'sha256',
          hash,
          pad: Buffer.alloc(0),
        },
      ],
      [CONDUIT_ASSERTION, claims],
    ];
    const boxes = assertions.map(([name, content]) => ({
      name,
      box: superbox(C2PA_UUID.cborAssertion, name, [cborBox(cbor.encode(content))]),
    }));
    const claim = cbor.encode({
      instanceID: `xmp:iid:${randomUUID()}`,
      claim_generator_info: { name: 'Conduit', version: generatorVersion },
      signature: `self#jumbf=/c2pa/${label}/c2pa.signature`,
      // A hashed URI's hash covers the assertion superbox without its own 8-byte header.
      created_assertions: boxes.map(({ name, box }) => ({
        url: `self#jumbf=/c2pa/${label}/c2pa.assertions/${name}`,
        hash: sha256(box.subarray(8)),
      })),
      gathered_assertions: [],
      alg: 'sha256',
    });
    const manifest = superbox(C2PA_UUID.manifest, label, [
      superbox(
        C2PA_UUID.assertionStore,
        'c2pa.assertions',
        boxes.map((b) => b.box),
      ),
      superbox(C2PA_UUID.claim, 'c2pa.claim.v2', [cborBox(claim)]),
      superbox(C2PA_UUID.signature, 'c2pa.signature', [
        cborBox(coseSign1(claim, signer.chain, signer.privateKey, sizeOnly)),
      ]),
    ]);
    return superbox(C2PA_UUID.manifestStore, 'c2pa', [manifest]);
  };
  // The excluded range's length is the wrapper's, which depends on the store's length, which depends (a little:
  // CBOR integers grow) on the range's length. Settle it with placeholder signatures (same size), then sign.
  // Starting from the last output's length, one sizing pass usually settles it.
  let length = lastLength;
  for (let i = 0; i < 4; i++) {
    const next = wrapperByteLength(build(length, true).length);
    if (next === length) break;
    length = next;
  }
  lastLength = length;
  const wrapper = encodeWrapper(build(length, false));
  if (Buffer.byteLength(wrapper) !== length) throw new Error('C2PA text wrapper length did not settle');
  return wrapper;
}

export interface TextManifestCheck {
  /** The text with the wrapper removed. */
  text: string;
  manifest_label: string;
  /** Conduit's claims (trust them only when the signature is valid and the assertions intact). */
  claims: Record<string, unknown>;
  signer: { subject: string; issuer: string; algorithm: string; public_key: KeyObject };
  signature_valid: boolean;
  /** Every assertion hashes to what the signed claim records (none replaced or altered). */
  assertions_intact: boolean;
  /** Does the text (without the wrapper) still hash to the hard binding? */
  content_matches: boolean;
}

/**
 * Do the assertions still hash to what the signed claim says? Without this, a valid signature would vouch for
 * assertions (the hard binding, the claims) that someone replaced.
 */
function assertionsIntact(claimBytes: Buffer, manifest: { label: string; children: JumbfNode[] }): boolean {
  const claim = cbor.decode(claimBytes) as { created_assertions?: Array<{ url?: unknown; hash?: unknown }> };
  const referenced = claim.created_assertions ?? [];
  const store = findSuperbox(manifest.children, ['c2pa.assertions']);
  const boxes = store?.children.flatMap((n) => ('superbox' in n ? [n.superbox] : [])) ?? [];
  if (referenced.length === 0 || referenced.length !== boxes.length) return false;
  return referenced.every(({ url, hash }) => {
    const name = typeof url === 'string' ? url.slice(url.lastIndexOf('/') + 1) : '';
    const box = boxes.find((b) => b.label === name);
    return box !== undefined && hash instanceof Uint8Array && sha256(box.payload).equals(Buffer.from(hash));
  });
}

/** Reads and checks the manifest store a text carries; null when it carries none. Throws on a damaged one. */
export function readTextManifest(text: string): TextManifestCheck | null {
  const located = locateWrapper(text);
  if (!located) return null;
  const root = findSuperbox(parseBoxes(located.store), ['c2pa']);
  if (!root) throw new Error('the wrapper does not hold a C2PA manifest store (no "c2pa" superbox)');
  const manifest = root.children.flatMap((n) => ('superbox' in n ? [n.superbox] : [])).at(-1);
  if (!manifest) throw new Error('the manifest store holds no manifest');
  const claimBytes = contentOf(findSuperbox(manifest.children, ['c2pa.claim.v2']), 'cbor');
  const signatureBytes = contentOf(findSuperbox(manifest.children, ['c2pa.signature']), 'cbor');
  if (!claimBytes || !signatureBytes) throw new Error('the manifest has no c2pa.claim.v2 or no c2pa.signature');
  const assertion = (name: string) => {
    const bytes = contentOf(findSuperbox(manifest.children, ['c2pa.assertions', name]), 'cbor');
    return bytes ? (cbor.decode(bytes) as Record<string, unknown>) : undefined;
  };
  const dataHash = assertion('c2pa.hash.data') as
    { exclusions?: Array<{ start: number; length: number }>; hash?: Uint8Array } | undefined;
  if (!dataHash?.hash) throw new Error('the manifest has no c2pa.hash.data hard binding');
  const cose = readCoseSign1(signatureBytes, claimBytes);
  const cert = new X509Certificate(cose.chain[0]!);
  const excluded = dataHash.exclusions?.[0];
  const oneLine = (name: string) => name.replace(/\n/g, ', ');
  return {
    text: located.text,
    manifest_label: manifest.label,
    claims: assertion(CONDUIT_ASSERTION) ?? {},
    signer: {
      subject: oneLine(cert.subject),
      issuer: oneLine(cert.issuer),
      algorithm: cose.algorithm,
      public_key: cert.publicKey,
    },
    signature_valid: cose.verifies(cert.publicKey),
    assertions_intact: assertionsIntact(claimBytes, manifest),
    content_matches:
      excluded?.start === located.start &&
      excluded.length === located.length &&
      sha256(boundBytes(located.text)).equals(Buffer.from(dataHash.hash)),
  };
}
