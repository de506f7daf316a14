// One request as the detector sees it: the traffic format of ../shared/traffic (ts, org, key, client ip, the
// request body (chat, or the Responses API's), the usage), built the same way online (from a live request) and
// offline (from a file).
import type { JsonObject } from '../wire/json.ts';

export interface TrafficRecord {
  ts: string;
  org: string;
  key: string;
  ip: string;
  request: JsonObject;
  response: {
    usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
    finish_reason?: string | null;
    /** The reply's id (a Responses API follow-up names it in previous_response_id). */
    id?: string;
  };
}

export interface OrgInfo {
  org: string;
  name?: string;
  country?: string;
  registered_at?: string;
  contact_domain?: string;
  tier?: string;
  /** The use declared at onboarding (the application's intended_use). */
  declared_use?: string;
}

export function liveRecord(input: {
  ts: string;
  orgId: string;
  keyId: string;
  ip: string;
  body: JsonObject;
  promptTokens: number;
  completionTokens: number;
  replyId?: string;
}): TrafficRecord {
  return {
    ts: input.ts,
    org: input.orgId,
    key: input.keyId,
    ip: input.ip,
    request: input.body,
    response: {
      usage: { prompt_tokens: input.promptTokens, completion_tokens: input.completionTokens },
      id: input.replyId,
    },
  };
}
