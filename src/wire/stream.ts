// Server-sent events of a model's stream, as the gateway carries them.
import type { JsonObject } from './json.ts';
import type { Usage } from './usage.ts';

/** One server-sent event of a chat stream: the raw `data:` payload, forwarded verbatim, and its parsed form. */
export interface StreamEvent {
  /** The SSE event name, for protocols that send one (the Responses API does). */
  event?: string;
  data: string;
  /** The parsed event; absent for ordinary chat chunks read by a scan (see `text`). */
  chunk?: JsonObject;
  /** For ordinary chat chunks: the content delta, read without parsing the whole chunk. */
  text?: string;
  /** Set on the chunk that carries usage (OpenAI sends it last, with empty choices). */
  usage: Usage | null;
}

/**
 * Events that arrived together (one network read). `ends` marks the batch that holds the stream's terminal event
 * (chat's [DONE], the Responses API's response.completed): nothing follows it, so what the gateway adds at the
 * end may leave with it in one write.
 */
export type EventBatch = StreamEvent[] & { ends?: boolean };

/**
 * Iterating yields the events that arrived together, in order, as soon as they arrive; batching them keeps the
 * per-event cost of a stream low. The iterator throws UpstreamError (src/providers/types.ts) when the stream breaks.
 */
export type EventStream = AsyncIterable<EventBatch>;
