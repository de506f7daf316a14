// What metering reads of a request, and fills in while its reply is delivered. The pipeline's RequestContext
// satisfies it; metering depends on this, not on the pipeline above it.
import type { CatalogueModel, Deployment } from '../routing/catalogue.ts';
import type { Principal } from '../tenancy/tenancy.ts';
import type { Endpoint } from '../wire/endpoint.ts';
import type { JsonObject } from '../wire/json.ts';
import type { Usage } from '../wire/usage.ts';

export interface MeteredRequest {
  readonly requestId: string;
  readonly endpoint: Endpoint;
  readonly receivedAt: string;
  readonly startedAt: number;
  readonly bodyBytes: number;
  principal?: Principal;
  body?: JsonObject;
  model?: CatalogueModel;
  deployment?: Deployment;
  status?: number;
  clientWantsUsage?: boolean;
  usage?: Usage;
  usageEstimated?: boolean;
  outputText?: string;
  outputPieces?: number;
  replyId?: string;
}
