// What the OpenTelemetry GenAI conventions call a request, shared by the metrics and the traces.
import type { Endpoint, RequestContext } from '../pipeline/context.ts';

/** The conventions' gen_ai.operation.name: the Responses API is a chat operation too. */
export const GEN_AI_OPERATION: Readonly<Record<Endpoint, string>> = {
  chat: 'chat',
  responses: 'chat',
  embeddings: 'embeddings',
};

/** The catalogue model the client asked for (the first planned attempt's: forward may end on a fallback). */
export const requestedModel = (ctx: RequestContext): string => ctx.attempts?.[0]?.model.name ?? ctx.model?.name ?? '';
