// Storage ports: The hash-chained audit log.
export interface AuditRecord {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  reason: string | null;
  data: Record<string, unknown> | null;
  prev_hash: string;
  hash: string;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  subject_type?: string;
  subject_id?: string;
  from?: string;
  to?: string;
  limit?: number;
}

export interface AuditStore {
  /**
   * Appends the entry `next` makes from the chain's head (undefined while the log is empty), reading the head and
   * writing the entry as one step: appends from several processes on one database never fork the chain.
   */
  appendNext(next: (head: AuditRecord | undefined) => AuditRecord): Promise<AuditRecord>;
  last(): Promise<AuditRecord | undefined>;
  list(filter: AuditFilter): Promise<AuditRecord[]>;
  /** Every entry in sequence order, for verification. */
  all(): Promise<AuditRecord[]>;
}
