// Storage ports: Distillation-detection profiles and alerts.
/**
 * A piece of the distillation detector's state, kept so that an organisation's history survives a restart: an
 * organisation's or a campaign's profile. Counters and hashed sketches only, never prompt or completion text.
 */
export interface AbuseProfileRecord {
  kind: 'org' | 'campaign';
  /** The organisation's id, or the campaign's root organisation. */
  subject: string;
  updated_at: string;
  /** Counters, scores and reasons (validated by the abuse module). */
  state: Record<string, unknown>;
  /** The hashed sketches (word, template and prompt hashes), packed by the abuse module. */
  sketch: Uint8Array;
}

export interface AbuseAlertRecord {
  at: string;
  org: string;
  score: number;
  action: string;
  reasons: string[];
  campaign: string | null;
}

export interface AbuseStore {
  profiles(): Promise<AbuseProfileRecord[]>;
  /** Writes these records (replacing those of the same kind and subject) and deletes `removed`, in one transaction. */
  saveProfiles(
    records: AbuseProfileRecord[],
    removed: Array<Pick<AbuseProfileRecord, 'kind' | 'subject'>>,
  ): Promise<void>;
  /**
   * Records an alert unless one of that action was recorded for that organisation already (by this node or another
   * node of a cluster): true when this call recorded it, and so takes the action.
   */
  appendAlert(alert: AbuseAlertRecord): Promise<boolean>;
  /** Every alert, oldest first. */
  alerts(): Promise<AbuseAlertRecord[]>;
}
