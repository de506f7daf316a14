// Storage ports: Stored Responses API replies, for previous_response_id.
/**
 * A Responses API response kept so that later requests of its organisation may continue it (previous_response_id)
 * or name its output items (item_reference). Only responses whose request did not say `store: false` are kept.
 */
export interface StoredResponse {
  org_id: string;
  id: string;
  created_at: string;
  /** The input it answered, earlier turns included: the conversation before its output. */
  input: Array<Record<string, unknown>>;
  output: Array<Record<string, unknown>>;
}

export interface ResponseStore {
  /** Keeps a response, and its output items that have an id under that id, for its organisation. */
  save(response: StoredResponse): Promise<void>;
  /** One of the organisation's responses; another organisation's is not found. */
  get(orgId: string, id: string): Promise<StoredResponse | undefined>;
  /** Output items of the organisation's stored responses by id; ids not found are absent from the map. */
  items(orgId: string, ids: string[]): Promise<Map<string, Record<string, unknown>>>;
  /** Forgets the responses (and their items) created before `before`; resolves with how many responses. */
  purge(before: string): Promise<number>;
}
