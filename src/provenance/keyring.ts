// The operator's signing keys (Ed25519): one signs, every key ever used keeps verifying. Rotation adds a key.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { SigningKeyRecord, SigningKeyStore } from '../store/ports.ts';
import { InlineSigner, type Signer } from './signer.ts';

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

interface LoadedKey {
  record: SigningKeyRecord;
  privateKey: KeyObject;
  jwk: PublicJwk;
}

/** RFC 7638 thumbprint: a stable key id. */
function thumbprint(x: string): string {
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
}

export class KeyRing {
  private keys: LoadedKey[] = [];

  constructor(
    private readonly store: SigningKeyStore,
    readonly signer: Signer = new InlineSigner(),
  ) {}

  async init(): Promise<void> {
    this.keys = (await this.store.list()).map(load);
    for (const k of this.keys) this.signer.addKey(k.record.kid, k.record.private_pem);
    if (!this.keys.some((k) => !k.record.retired_at)) await this.rotate();
  }

  get active(): LoadedKey {
    return this.keys.filter((k) => !k.record.retired_at).at(-1)!;
  }

  /** A new signing key; the previous ones retire from signing but keep verifying. */
  async rotate(): Promise<PublicJwk> {
    const { privateKey } = generateKeyPairSync('ed25519');
    const x = (createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string }).x;
    const now = new Date().toISOString();
    for (const k of this.keys) {
      if (!k.record.retired_at) {
        k.record.retired_at = now;
        await this.store.save(k.record);
      }
    }
    const record: SigningKeyRecord = { kid: thumbprint(x), created_at: now, retired_at: null, private_pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
    await this.store.save(record);
    this.signer.addKey(record.kid, record.private_pem);
    const loaded = load(record);
    this.keys.push(loaded);
    return loaded.jwk;
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: this.keys.map((k) => k.jwk) };
  }

  publicJwk(kid: string): PublicJwk | undefined {
    return this.keys.find((k) => k.record.kid === kid)?.jwk;
  }
}

function load(record: SigningKeyRecord): LoadedKey {
  const privateKey = createPrivateKey(record.private_pem);
  const x = (createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string }).x;
  return { record, privateKey, jwk: { kty: 'OKP', crv: 'Ed25519', x, kid: record.kid, alg: 'EdDSA', use: 'sig' } };
}
