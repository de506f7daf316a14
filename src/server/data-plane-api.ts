// What the data plane's routes take, for the API document: the OpenAI and Anthropic request bodies the pipeline
// validates (routes/data-plane.ts mounts them; the parse stage and the Anthropic surface validate).
import { z } from 'zod';
import { countTokensRequestSchema, messagesRequestSchema } from '../protocols/anthropic/surface-request.ts';
import {
  chatCompletionRequestSchema,
  embeddingsRequestSchema,
  responsesRequestSchema,
} from '../protocols/openai/schema.ts';
import type { ApiRoute } from './api.ts';

const streams = ['text/event-stream'];

export const dataPlaneApi: Readonly<Record<string, ApiRoute>> = {
  'POST /v1/chat/completions': {
    summary: 'A chat completion (OpenAI), as JSON or, with stream: true, as server-sent events',
    body: chatCompletionRequestSchema,
    produces: streams,
  },
  'POST /v1/embeddings': { summary: 'Embeddings (OpenAI)', body: embeddingsRequestSchema },
  'POST /v1/responses': {
    summary: 'A response (OpenAI Responses API), as JSON or, with stream: true, as server-sent events',
    body: responsesRequestSchema,
    produces: streams,
  },
  'POST /v1/messages': {
    summary: "A message (Anthropic Messages API); errors in Anthropic's format",
    body: messagesRequestSchema.describe('Anthropic Messages request. Fields not listed pass through.'),
    produces: streams,
  },
  'POST /v1/messages/count_tokens': {
    summary: "Count the input tokens of a message (Anthropic); errors in Anthropic's format",
    body: countTokensRequestSchema,
  },
  'GET /v1/models': { summary: 'The models this API key may use' },
  'GET /v1/models/:model': {
    summary: 'One model this API key may use',
    params: z.object({ model: z.string().describe('A model name or alias') }),
  },
};
