// The typed per-request context every stage reads and writes.
import type { CatalogueModel, Deployment } from '../routing/catalogue.ts';
import type { Attempt } from '../routing/router.ts';
import type { CancelSignal } from '../wire/cancel.ts';
import type { JsonObject } from '../wire/json.ts';
import type { EventStream } from '../wire/stream.ts';
import type { Usage } from '../wire/usage.ts';
import type { Principal } from '../tenancy/tenancy.ts';

export type Endpoint = 'chat' | 'embeddings' | 'responses';

export interface RequestContext {
  readonly requestId: string;
  readonly endpoint: Endpoint;
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
  /** A streamed Responses API reply's id, from its response.created event (a follow-up names it in previous_response_id). */
  replyId?: string;
  /** The stored response a Responses API request continues, once its history is in the input (conversation.ts). */
  previousResponseId?: string;
  /** HTTP status the client got. */
  status?: number;
  /** Work to finish before a stream's first byte reaches the client (its interim usage record); failing refuses it. */
  beforeStream?: () => Promise<void>;
  /** Work to finish before the reply completes (the usage event, budgets), last registered first. */
  deferred: Array<() => void | Promise<void>>;
  /** Work that can wait until the client has its reply (abuse features, fingerprints, shadow traffic). */
  afterDelivery: Array<() => void | Promise<void>>;
}

/** `text`, when set, is the exact serialisation of `body`: a stage that changes `body` must drop it. */
export type Reply = { kind: 'json'; body: JsonObject; text?: string } | { kind: 'stream'; events: EventStream };

export type Stage = (ctx: RequestContext) => void | Promise<void>;
