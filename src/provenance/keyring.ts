// The operator's signing keys (Ed25519): one signs, every key ever used keeps verifying unless it is revoked.
// Rotation adds a key. Private keys are stored sealed under the key-encryption key (key-encryption.ts).
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { GatewayError } from '../errors.ts';
import { LOCAL_BUS, type InvalidationBus } from '../store/invalidation.ts';
import type { SigningKeyRecord, SigningKeyStore } from '../store/ports.ts';
import { issueChain, pemCertificates, pemToDer, type C2paIssuer } from './c2pa/credentials.ts';
import type { C2paSigner } from './c2pa/text-manifest.ts';
import { KeyEncryption } from './key-encryption.ts';
import { InlineSigner, type Signer } from './signer.ts';

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
  /** The key's X.509 chain (base64 DER, signer first), as carried in C2PA manifests. */
  x5c?: string[];
}

/**
 * A key as the JWKS publishes it. A revoked key stays in the set (its manifests are told apart from forgeries by
 * unknown keys) with when and why, and with no key operations (`key_ops: []`, no `use`), so that standard JWS
 * libraries reading the set (jose's JWKS, for one) no longer pick it to verify.
 */
export type PublishedJwk = Omit<PublicJwk, 'use'> & {
  use?: 'sig';
  key_ops?: [];
  revoked_at?: string;
  revocation_reason?: string;
};

export type KeyStatus =
  { status: 'active' | 'retired' } | { status: 'revoked'; revoked_at: string; revocation_reason: string };

interface LoadedKey {
  record: SigningKeyRecord;
  /** The PKCS#8 PEM, in memory only (the record holds it sealed). */
  privatePem: string;
  privateKey: KeyObject;
  jwk: PublicJwk;
  c2pa?: C2paSigner;
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
    private readonly issuer?: C2paIssuer,
    /** Seals private keys at rest; a random one (for in-memory stores and tests) when not given. */
    private readonly encryption: KeyEncryption = new KeyEncryption(randomBytes(32)),
    private readonly bus: InvalidationBus = LOCAL_BUS,
  ) {
    // Another node rotated or revoked a key: the stored keys are the ones to sign and verify with.
    bus.subscribe((change) => (change.kind === 'signing-keys' || change.kind === 'all' ? this.reload() : undefined));
  }

  /** Takes up the stored keys: new ones are loaded, known ones take their stored retirement, revocation and chain. */
  async reload(): Promise<void> {
    const records = await this.store.list();
    const known = new Map(this.keys.map((k) => [k.record.kid, k]));
    this.keys = records.map((r) => {
      const k = known.get(r.kid);
      if (!k) {
        const privatePem = this.encryption.open(r.private_pem, r.kid);
        this.signer.addKey(r.kid, privatePem);
        return load(r, privatePem);
      }
      if (r.cert_chain_pem !== k.record.cert_chain_pem) return load(r, k.privatePem);
      k.record = r;
      return k;
    });
  }

  /** Loads the keys (sealing any still stored in plain text), certifies them, and makes one if none can sign. */
  init(): Promise<void> {
    return this.store.exclusive ? this.store.exclusive(() => this.load()) : this.load();
  }

  private async load(): Promise<void> {
    const records = await this.store.list();
    let sealed = 0;
    for (const r of records) {
      if (KeyEncryption.isSealed(r.private_pem)) continue;
      r.private_pem = this.encryption.seal(r.private_pem, r.kid);
      await this.store.save(r);
      sealed++;
    }
    if (sealed > 0) await this.store.forgetOverwritten?.();
    this.keys = records.map((r) => load(r, this.encryption.open(r.private_pem, r.kid)));
    for (const k of this.keys) this.signer.addKey(k.record.kid, k.privatePem);
    // Keys made before certificates existed, or certified by another issuer than the configured one.
    for (const k of this.keys)
      if (!k.record.cert_chain_pem || (this.issuer && !k.record.cert_chain_pem.includes(this.issuer.chainPem[0]!)))
        await this.certify(k);
    if (!this.keys.some((k) => !k.record.retired_at)) await this.rotateNow();
  }

  /** The oldest key's PEM: the secret customer pseudonyms have been derived from since the first start. */
  get oldestPrivatePem(): string {
    return this.keys[0]!.privatePem;
  }

  /** The signing key: the newest one not retired. */
  get active(): LoadedKey {
    const last = this.keys.at(-1)!;
    return last.record.retired_at ? this.keys.filter((k) => !k.record.retired_at).at(-1)! : last;
  }

  /** A new signing key; the previous ones retire from signing but keep verifying. */
  async rotate(): Promise<PublicJwk> {
    return (await this.rotateKeys()).key;
  }

  /** As rotate(), saying which keys it retired (for the audit log). */
  rotateKeys(): Promise<{ key: PublicJwk; retired: string[] }> {
    // Against the keys as stored now: another node may have rotated since this one last looked.
    if (this.store.exclusive) return this.store.exclusive(() => this.reload().then(() => this.rotateNow()));
    return this.rotateNow();
  }

  private async rotateNow(): Promise<{ key: PublicJwk; retired: string[] }> {
    const { privateKey } = generateKeyPairSync('ed25519');
    const x = (createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string }).x;
    const now = new Date().toISOString();
    const retired: string[] = [];
    for (const k of this.keys) {
      if (!k.record.retired_at) {
        k.record.retired_at = now;
        await this.store.save(k.record);
        retired.push(k.record.kid);
      }
    }
    const kid = thumbprint(x);
    const privatePem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const record: SigningKeyRecord = {
      kid,
      created_at: now,
      retired_at: null,
      private_pem: this.encryption.seal(privatePem, kid),
      cert_chain_pem: (await issueChain(privatePem, kid, this.issuer)).join(''),
    };
    await this.store.save(record);
    this.signer.addKey(record.kid, privatePem);
    const loaded = load(record, privatePem);
    this.keys.push(loaded);
    this.bus.publish({ kind: 'signing-keys' });
    return { key: loaded.jwk, retired };
  }

  /**
   * Revokes a retired key: the JWKS marks it, and its manifests and C2PA marks no longer count as valid. The signing
   * key itself cannot be revoked (rotate first: there must always be one to sign with).
   */
  async revoke(kid: string, reason: string): Promise<PublishedJwk> {
    const k = this.keys.find((key) => key.record.kid === kid);
    if (!k)
      throw new GatewayError('unknown_key', `No signing key with id '${kid}' (see /.well-known/jwks.json).`, {
        param: 'kid',
      });
    if (k === this.active)
      throw new GatewayError(
        'key_in_use',
        `Key '${kid}' is the one signing now: rotate first (POST /admin/v1/provenance/keys/rotate), then revoke it.`,
        { param: 'kid' },
      );
    if (k.record.revoked_at)
      throw new GatewayError('key_already_revoked', `Key '${kid}' was revoked at ${k.record.revoked_at}.`, {
        param: 'kid',
      });
    k.record.revoked_at = new Date().toISOString();
    k.record.revocation_reason = reason;
    await this.store.save(k.record);
    this.bus.publish({ kind: 'signing-keys' });
    return published(k);
  }

  /** Whether a key (one of ours) signs, is retired, or was revoked (when, why). */
  keyStatus(kid: string): KeyStatus | undefined {
    const k = this.keys.find((key) => key.record.kid === kid);
    if (!k) return undefined;
    if (k.record.revoked_at)
      return {
        status: 'revoked',
        revoked_at: k.record.revoked_at,
        revocation_reason: k.record.revocation_reason ?? '',
      };
    return { status: k === this.active ? 'active' : 'retired' };
  }

  private async certify(k: LoadedKey): Promise<void> {
    k.record.cert_chain_pem = (await issueChain(k.privatePem, k.record.kid, this.issuer)).join('');
    await this.store.save(k.record);
    Object.assign(k, load(k.record, k.privatePem));
  }

  /** The active key with its certificate chain, for C2PA manifests. */
  get c2paSigner(): C2paSigner {
    return this.active.c2pa!;
  }

  /** The key (if any of ours) whose public key this is: how a C2PA signer certificate maps to a kid. */
  kidOf(publicKey: KeyObject): string | undefined {
    if (publicKey.asymmetricKeyType !== 'ed25519') return undefined;
    const x = (publicKey.export({ format: 'jwk' }) as { x?: string }).x;
    return this.keys.find((k) => k.jwk.x === x)?.record.kid;
  }

  jwks(): { keys: PublishedJwk[] } {
    return { keys: this.keys.map(published) };
  }

  /** The public key to verify with (revoked or not: callers ask keyStatus). */
  publicJwk(kid: string): PublicJwk | undefined {
    return this.keys.find((k) => k.record.kid === kid)?.jwk;
  }
}

function published(k: LoadedKey): PublishedJwk {
  if (!k.record.revoked_at) return k.jwk;
  const { use: _, ...jwk } = k.jwk;
  return { ...jwk, key_ops: [], revoked_at: k.record.revoked_at, revocation_reason: k.record.revocation_reason ?? '' };
}

function load(record: SigningKeyRecord, privatePem: string): LoadedKey {
  const privateKey = createPrivateKey(privatePem);
  const x = (createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string }).x;
  const certificates = pemCertificates(record.cert_chain_pem ?? '');
  const chain = certificates.length > 0 ? certificates.map(pemToDer) : undefined;
  return {
    record,
    privatePem,
    privateKey,
    jwk: {
      kty: 'OKP',
      crv: 'Ed25519',
      x,
      kid: record.kid,
      alg: 'EdDSA',
      use: 'sig',
      ...(chain ? { x5c: chain.map((c) => c.toString('base64')) } : {}),
    },
    ...(chain ? { c2pa: { privateKey, chain } } : {}),
  };
}
