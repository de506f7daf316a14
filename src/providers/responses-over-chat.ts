// The Responses API over a deployment that speaks only chat (capability `responses: false`): the request goes out
// as a chat completion request, and the reply (JSON or stream) comes back as a response. Everything else is the
// deployment's own adapter, so its usage, errors, timeouts and failover behave as they do for chat.
import { ChunksToResponseEvents } from '../protocols/openai/chat-stream-to-responses.ts';
import { chatToResponse } from '../protocols/openai/chat-to-responses.ts';
import { responsesToChat } from '../protocols/openai/responses-to-chat.ts';
import type { JsonResult, ProviderAdapter, UpstreamRequest } from './types.ts';
import type { EventBatch, EventStream } from '../wire/stream.ts';

export class ResponsesOverChat implements ProviderAdapter {
  constructor(
    private readonly inner: ProviderAdapter,
    /** The id the response gets (a chat completion's id is the vendor's, and not unique on every server). */
    private readonly responseId: string,
  ) {}

  get config() {
    return this.inner.config;
  }

  chat(req: UpstreamRequest): Promise<JsonResult> {
    return this.inner.chat(req);
  }

  chatStream(req: UpstreamRequest): Promise<EventStream> {
    return this.inner.chatStream(req);
  }

  embeddings(req: UpstreamRequest): Promise<JsonResult> {
    return this.inner.embeddings(req);
  }

  async responses(req: UpstreamRequest): Promise<JsonResult> {
    const result = await this.inner.chat(asChat(req, false));
    return { body: chatToResponse(result.body, req.body, this.responseId), usage: result.usage };
  }

  async responsesStream(req: UpstreamRequest): Promise<EventStream> {
    const events = await this.inner.chatStream(asChat(req, true));
    return translated(events, new ChunksToResponseEvents(this.responseId, req.body));
  }

  close(): Promise<void> {
    return Promise.resolve(); // the deployment's adapter is closed with the catalogue
  }
}

function asChat(req: UpstreamRequest, stream: boolean): UpstreamRequest {
  const body = responsesToChat(req.body);
  if (stream) body.stream = true;
  return {
    body,
    model: req.model,
    azureDeployment: req.azureDeployment,
    signal: req.signal,
    endUser: req.endUser,
    traceHeaders: req.traceHeaders,
  };
}

// Module level: a generator function made per stream would cost V8 a new prototype and map each time.
async function* translated(events: EventStream, translator: ChunksToResponseEvents): AsyncGenerator<EventBatch> {
  // Read to the end (the vendor's read after [DONE] included): leaving early would close its connection.
  for await (const batch of events) {
    const out: EventBatch = translator.translate(batch);
    if (batch.ends) {
      out.push(...translator.end());
      out.ends = true;
    }
    if (out.length > 0) yield out;
  }
  const tail: EventBatch = translator.end();
  if (tail.length === 0) return;
  tail.ends = true;
  yield tail;
}
