// The provider adapter interface: every vendor folder implements ProviderAdapter.
// Usage is part of every result, streams included, so an adapter cannot forget metering.
import type { z } from 'zod';
import type { DeploymentConfig } from './deployment.ts';
import type { CancelSignal } from '../wire/cancel.ts';
import type { JsonObject } from '../wire/json.ts';
import type { EventStream } from '../wire/stream.ts';
import type { Usage } from '../wire/usage.ts';

export interface UpstreamRequest {
  /** The client's request body with `model` replaced by the vendor's model name. */
  body: JsonObject;
  /** The exact JSON text of `body`, when the gateway has it (spares re-serialising large prompts). */
  bodyText?: string;
  /** The vendor's model name. */
  model: string;
  /** Azure deployment name, when the deployment needs one. */
  azureDeployment?: string;
  signal: CancelSignal;
  /** Stable pseudonymous end-customer id to pass on to the vendor's abuse monitoring. */
  endUser?: string;
  /** The upstream call's trace context (traceparent), when the request is traced. */
  traceHeaders?: Readonly<Record<string, string>>;
}

export interface JsonResult {
  body: JsonObject;
  /** The vendor's exact JSON text of `body`, when the adapter read one. */
  text?: string;
  /** What the vendor reported; null when it reported nothing. */
  usage: Usage | null;
}

export interface ProviderAdapter {
  readonly config: DeploymentConfig;
  chat(req: UpstreamRequest): Promise<JsonResult>;
  /** Resolves once the upstream accepted the request (status and headers in), before the first token. */
  chatStream(req: UpstreamRequest): Promise<EventStream>;
  embeddings(req: UpstreamRequest): Promise<JsonResult>;
  /** OpenAI Responses API, for deployments with the `responses` capability. */
  responses?(req: UpstreamRequest): Promise<JsonResult>;
  responsesStream?(req: UpstreamRequest): Promise<EventStream>;
  /** Active health check: resolves when GET base_url+path answers 2xx. */
  probe?(path: string, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export type UpstreamFailure = 'status' | 'timeout' | 'connect' | 'protocol' | 'aborted';

/** An upstream failed: the pipeline maps it to 502/503/504 (or the vendor's 4xx) and may retry elsewhere. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamFailure,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
    /** The vendor's error body, for 4xx passed back to the client. */
    readonly body?: JsonObject,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

/** What a vendor's folder exports (its index.ts); src/providers/registry.ts lists one per line. */
export interface ProviderModule<Type extends string = string> {
  /** The `type` value deployments of this vendor have in the config file. */
  readonly type: Type;
  /** What this type requires beyond the fields every deployment has (src/providers/deployment.ts). */
  readonly configSchema: z.ZodType;
  create(config: DeploymentConfig): ProviderAdapter;
}
