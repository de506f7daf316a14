// Storage ports: Signing keys and the fingerprint registry of outputs.
export interface SigningKeyRecord {
  kid: string;
  created_at: string;
  retired_at: string | null;
  /** The PKCS#8 private key, sealed (AES-256-GCM under the key-encryption key, see provenance/key-encryption.ts);
   * rows written before sealing existed hold the PEM itself until the next start seals them. */
  private_pem: string;
  /** PEM certificates, signer first (C2PA requires an X.509 credential); issued when the key is first loaded. */
  cert_chain_pem?: string | null;
  /** Revoked (a retired key only): its manifests no longer count as valid. */
  revoked_at?: string | null;
  revocation_reason?: string | null;
}

export interface SigningKeyStore {
  list(): Promise<SigningKeyRecord[]>;
  /** Inserts or updates the whole record (private key included); what it overwrites is not left readable in storage. */
  save(key: SigningKeyRecord): Promise<void>;
  /** Makes overwritten key material unreadable in the storage files now (SQLite: writes the WAL back and empties it). */
  forgetOverwritten?(): Promise<void>;
  /**
   * Runs `work` while no other process sharing this store runs its own (PostgreSQL: an advisory lock): nodes starting
   * together make one first key, not one each. Absent where one process owns the store.
   */
  exclusive?<T>(work: () => Promise<T>): Promise<T>;
}

export interface RegisteredOutput {
  request_id: string;
  org_id: string;
  created_at: string;
  manifest: string;
  /** Winnowed fingerprint hashes of the text (never the text), ascending and distinct. A typed array, not
   * numbers in an array: outputs wait in memory for their batch, and most hashes would be heap objects. */
  fingerprints: Uint32Array;
}

export interface OutputRecord {
  id: number;
  request_id: string;
  org_id: string;
  created_at: string;
  manifest: string;
  fingerprint_count: number;
  /** The output's whole fingerprint set. */
  fingerprints: Uint32Array;
}

/** Hashes per output kept in the lookup index (its smallest ones): enough to find it, cheap to write. */
export const INDEXED_FINGERPRINTS = 8;

/** The smallest hashes of an output's set: its first ones, the set being ascending (RegisteredOutput). */
export function indexedSubset(fingerprints: Uint32Array): number[] {
  return Array.from(fingerprints.subarray(0, INDEXED_FINGERPRINTS));
}

export interface FingerprintStore {
  register(outputs: RegisteredOutput[]): Promise<void>;
  /** Output ids whose indexed subset holds each of these hashes. */
  lookup(hashes: number[]): Promise<Array<{ hash: number; output_id: number }>>;
  outputs(ids: number[]): Promise<OutputRecord[]>;
  /** Forgets outputs registered before `before`; returns how many. */
  purge(before: string): Promise<number>;
  stats(): Promise<{ outputs: number; fingerprints: number }>;
}
