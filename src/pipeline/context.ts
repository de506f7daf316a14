// The typed per-request context every stage reads and writes.
import type { CatalogueModel, Deployment } from '../routing/catalogue.ts';
import type { Attempt } from '../routing/router.ts';
import type { CancelSignal } from '../wire/cancel.ts';
import type { JsonObject } from '../wire/json.ts';
import type { EventStream } from '../wire/stream.ts';
import type { Usage } from '../wire/usage.ts';
import type { Endpoint } from '../wire/endpoint.ts';
import type { Principal } from '../tenancy/tenancy.ts';
import type { LimitOutcome } from '../ratelimit/limiter.ts';
import type { RequestDeadline } from '../routing/deadline.ts';
import type { BoundChoice } from '../provenance/output-binding.ts';
import type { Stamp } from '../provenance/service.ts';
import type { RequestTrace } from './trace.ts';

export type { Endpoint };

export interface RequestContext {
  readonly requestId: string;
  readonly endpoint: Endpoint;
  /** The route that received it (/v1/chat/completions...). */
  readonly route: string;
  /** Arrival time in ISO 8601, formatted once: the usage event, the price version, the registry and the abuse record use it. */
  readonly receivedAt: string;
  /** performance.now() at arrival, for latency. */
  readonly startedAt: number;
  readonly clientIp: string;
  readonly authorization: string | undefined;
  /** The client's parsed JSON body, not yet validated. */
  readonly rawBody: unknown;
  /** Size of the request body in bytes. */
  readonly bodyBytes: number;
  /** The request body's exact JSON text. */
  readonly bodyText?: string;
  /** Aborted when the client disconnects. */
  readonly signal: CancelSignal;

  principal?: Principal;
  /** The validated request body. */
  body?: JsonObject;
  stream?: boolean;
  /** The client asked for the usage chunk on its stream. */
  clientWantsUsage?: boolean;
  /** The model requested; after forward, the model that served (a fallback, perhaps). */
  model?: CatalogueModel;
  /** Where this request may go, best first (deployments of the model, then of its fallbacks). */
  attempts?: Attempt[];
  /** The deployment that served (or last tried to serve) the request. */
  deployment?: Deployment;
  /** Upstream calls made, retries included. */
  tries?: number;
  /** What forward produced and later stages may wrap; the server delivers it. */
  reply?: Reply;
  /** Extra response headers set by stages (deployment, region, rate limits...). */
  headers: Record<string, string>;
  /** Filled as the reply is delivered; final once delivery ends. */
  usage?: Usage;
  usageEstimated?: boolean;
  /** The priced usage event's money, once settled. */
  charges?: { cost_micros: number; list_price_micros: number; price_micros: number };
  /** The reply's text as delivered (first choice of JSON replies; every delta of a stream): a stream's grows as it is delivered. */
  outputText?: string;
  /** A stream's events that delivered text so far: each carries a token or more (its interim usage records bill them). */
  outputPieces?: number;
  /** A streamed Responses API reply's id, from its response.created event (a follow-up names it in previous_response_id). */
  replyId?: string;
  /** The stored response a Responses API request continues, once its history is in the input (conversation.ts). */
  previousResponseId?: string;
  /** HTTP status the client got. */
  status?: number;
  /** The error's code when the request failed (a GatewayError's), for metrics and traces. */
  errorType?: string;
  /** performance.now() when the last upstream call (the one that served) was sent... */
  upstreamStartedAt?: number;
  /** ...and when it answered (a JSON reply whole, or a stream's first event). */
  upstreamRepliedAt?: number;
  /** performance.now() when a stream's first event arrived from upstream (time to first token). */
  firstEventAt?: number;
  /** This request's trace, when tracing is on (pipeline/trace.ts). */
  trace?: RequestTrace;
  /** The composition's hooks before a stream's first byte reaches the client (its interim usage record); failing refuses it. */
  beforeStream?: Hook;

  // What the stages leave for the hooks that run as the reply completes and after delivery (see compose.ts).
  /** The rate limits' admission (admit), released with the tokens used. */
  rateLimit?: Extract<LimitOutcome, { ok: true }>;
  /** The budgets reserved (admit), each settled at the true price on the counter that reserved it. */
  budgetHold?: { settles: Array<(actual: bigint) => void | Promise<void>>; amount: bigint };
  /** The deadline a retry made (forward), disposed of once the reply is done. */
  deadline?: RequestDeadline;
  /** The Responses API reply to store (keepConversation). */
  conversation?: { id?: string; output?: JsonObject[] };
  /** The reply's manifest and the outputs it binds (label), for the fingerprint registry. */
  signed?: { stamp: Stamp; outputs: BoundChoice[] };
  /** Where a copy of this request goes once it is served (sampleShadow). */
  shadowTarget?: Deployment;
}

/** Work at a named point of a request (compose.ts): reads what the stages left on the context. */
export type Hook = (ctx: RequestContext) => void | Promise<void>;

/** `text`, when set, is the exact serialisation of `body`: a stage that changes `body` must drop it. */
export type Reply = { kind: 'json'; body: JsonObject; text?: string } | { kind: 'stream'; events: EventStream };

export type Stage = (ctx: RequestContext) => void | Promise<void>;
