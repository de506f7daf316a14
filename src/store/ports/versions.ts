// Storage ports: Versioned documents: the price book and the policy.
/** One version of a document that changes as a whole (the policy, the price book), and who made it. */
export interface VersionRecord {
  version: number;
  created_at: string;
  actor: string;
  document: Record<string, unknown>;
}

export interface VersionedStore {
  latest(): Promise<VersionRecord | undefined>;
  /** Saves a new version; false when that version exists already (another change, maybe on another node, came first). */
  save(record: VersionRecord): Promise<boolean>;
}
