// A surface is one wire protocol customers speak to the gateway (OpenAI's, Anthropic's). The pipeline always
// speaks OpenAI chat internally; a surface translates the request in, and the reply, stream and errors out.
import type { GatewayError } from '../errors.ts';
import type { Endpoint, RequestContext } from '../pipeline/context.ts';
import { anthropicError, chatToMessage } from '../protocols/anthropic/surface-reply.ts';
import {
  messagesToChat,
  promptToChat,
  validateCountTokensRequest,
  validateMessagesRequest,
} from '../protocols/anthropic/surface-request.ts';
import { ChunksToMessageEvents } from '../protocols/anthropic/surface-stream.ts';
import { eventsNamingModel, jsonNamingModel, RESPONSE_OBJECT_EVENTS } from '../protocols/openai/model-field.ts';
import type { JsonObject } from '../wire/json.ts';
import type { EventStream, StreamEvent } from '../wire/stream.ts';

export interface Surface {
  endpoint: Endpoint;
  /** The pipeline's input from the client's body; `keepText` when the body's JSON text is still exact. */
  input(body: unknown): { body: unknown; keepText: boolean };
  errorBody(err: GatewayError): unknown;
  json(ctx: RequestContext, body: JsonObject, text: string | undefined): string;
  stream(ctx: RequestContext, events: EventStream): EventStream;
  /** What a stream that failed after it started ends with. */
  streamError(err: GatewayError): string;
  /** What a stream ends with ('' for nothing). */
  streamEnd: string;
}

export function openaiSurface(endpoint: Endpoint): Surface {
  const responsesApi = endpoint === 'responses';
  return {
    endpoint,
    input: (body) => ({ body, keepText: true }),
    errorBody: (err) => err.toBody(),
    // The catalogue's name for the model, not the deployment's or the vendor's.
    json: (ctx, body, text) => jsonNamingModel(body, text, ctx.model!.name),
    stream: (ctx, events) =>
      eventsNamingModel(events, ctx.model!.name, responsesApi ? RESPONSE_OBJECT_EVENTS : undefined),
    streamError: (err) =>
      responsesApi
        ? `event: error\ndata: ${JSON.stringify({ type: 'error', code: err.code, message: err.message, param: err.param })}\n\n`
        : `data: ${JSON.stringify(err.toBody())}\n\n`,
    streamEnd: responsesApi ? '' : 'data: [DONE]\n\n',
  };
}

export const anthropicSurface: Surface = {
  endpoint: 'chat',
  input: (body) => ({ body: messagesToChat(validateMessagesRequest(body)), keepText: false }),
  errorBody: anthropicError,
  json: (ctx, body) => JSON.stringify(chatToMessage(body, ctx.model!.name, ctx.usage)),
  stream: (ctx, events) =>
    translated(new ChunksToMessageEvents(ctx.model!.name, `msg_${ctx.requestId.slice(4)}`), events),
  streamError: (err) => `event: error\ndata: ${JSON.stringify(anthropicError(err))}\n\n`,
  streamEnd: '',
};

/** Anthropic's POST /v1/messages/count_tokens: the prompt in, `{input_tokens}` out as the pipeline made it. */
export const anthropicCountTokensSurface: Surface = {
  ...anthropicSurface,
  input: (body) => ({ body: promptToChat(validateCountTokensRequest(body)), keepText: false }),
  json: (_ctx, body) => JSON.stringify(body),
};

async function* translated(translator: ChunksToMessageEvents, events: EventStream): AsyncGenerator<StreamEvent[]> {
  for await (const batch of events) {
    const out = translator.translate(batch);
    if (out.length > 0) yield out;
  }
  yield translator.end();
}
