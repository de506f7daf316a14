// Storage ports: Applications, screenings and sanctions lists.
export interface ApplicationRecord {
  org_id: string;
  submitted_at: string;
  /** The application as submitted (validated by the vetting module). */
  data: Record<string, unknown>;
  /** The latest screening: hits and when, against which list versions, at which threshold, of how many names. */
  screening: {
    screened_at: string;
    list_versions: Record<string, number>;
    threshold?: number;
    names_screened?: number;
    hits: Array<Record<string, unknown>>;
  } | null;
  /** Approvers so far (enhanced due diligence needs two). */
  approvals: Array<{
    actor: string;
    /** The approving admin principal's id (approvals recorded before principals have none). */ actor_id?: string;
    at: string;
    tier: string;
  }>;
  /** Know-your-business follow-up: risk level, next review date, reviewers' notes (validated by the vetting module). */
  kyb?: Record<string, unknown> | null;
}

export interface SanctionsListRecord {
  source: string;
  version: number;
  loaded_at: string;
  entries: Array<{ id: string; source: string; name: string; aliases: string[]; type: string; programs: string }>;
}

export interface VettingStore {
  saveApplication(record: ApplicationRecord): Promise<void>;
  getApplication(orgId: string): Promise<ApplicationRecord | undefined>;
  listApplications(): Promise<ApplicationRecord[]>;
  saveList(list: SanctionsListRecord): Promise<void>;
  lists(): Promise<SanctionsListRecord[]>;
}
