// Storage ports: prompts and completions of the organisations that opted in to prompt logging (none by default).

/** An organisation's choice: its requests' bodies and replies are kept for `retention_days`, or not at all. */
export interface PromptLoggingSettings {
  enabled: boolean;
  retention_days: number;
}

/** One request's prompt and what it was answered, as the client sent and received them (JSON text). */
export interface PromptLogEntry {
  org_id: string;
  request_id: string;
  key_id: string;
  /** When the request arrived (ISO 8601). */
  created_at: string;
  /** When it is purged: created_at plus the organisation's retention when it was written. */
  expires_at: string;
  endpoint: string;
  model: string | null;
  status: number;
  /** The request body's JSON text. */
  request: string;
  /** The reply's JSON text (a stream's: its text and usage), or the error it got. */
  response: string;
}

export interface PromptLogQuery {
  limit: number;
  /** Entries created before this time only (the next page: the last entry's created_at). */
  before?: string;
  request_id?: string;
}

export interface PromptLogStore {
  /** Keeps an entry; a second one for the same organisation and request id is ignored. */
  record(entry: PromptLogEntry): Promise<void>;
  /** The organisation's entries, newest first; another organisation's are never among them. */
  list(orgId: string, query: PromptLogQuery): Promise<PromptLogEntry[]>;
  /** Forgets the entries whose expiry is before `now`; resolves with how many. */
  purgeExpired(now: string): Promise<number>;
}
