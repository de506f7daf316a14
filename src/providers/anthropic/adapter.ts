// Deployments that speak Anthropic's Messages API: OpenAI chat in, Messages upstream, OpenAI chat back out.
import type { DeploymentConfig } from '../deployment.ts';
import { sseBatches } from '../../protocols/sse-reader.ts';
import { HttpUpstream, withTraceHeaders } from '../http-upstream.ts';
import { UpstreamError, type JsonResult, type ProviderAdapter, type UpstreamRequest } from '../types.ts';
import type { JsonObject } from '../../wire/json.ts';
import type { EventStream, StreamEvent } from '../../wire/stream.ts';
import { chatToAnthropic } from './vendor-request.ts';
import { AnthropicEventsToChunks, anthropicToChat } from './vendor-reply.ts';

export class AnthropicAdapter implements ProviderAdapter {
  private readonly http: HttpUpstream;
  private readonly headers: Record<string, string>;

  constructor(
    readonly config: DeploymentConfig,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.http = new HttpUpstream(config);
    const key = config.api_key_env ? env[config.api_key_env] : undefined;
    this.headers = {
      'content-type': 'application/json',
      'anthropic-version': config.api_version ?? '2023-06-01',
      ...(key ? { 'x-api-key': key } : {}),
    };
  }

  async chat(req: UpstreamRequest): Promise<JsonResult> {
    const { value } = await this.http.postJson(
      '/messages',
      withTraceHeaders(this.headers, req.traceHeaders),
      JSON.stringify(
        chatToAnthropic({ ...req.body, stream: false, ...(req.endUser ? { user: req.endUser } : {}) }, req.model),
      ),
      req.signal,
    );
    if (value.type !== 'message' || !Array.isArray(value.content))
      throw new UpstreamError('protocol', `${this.config.id}: reply is not a message`);
    return readVendorShape(this.config.id, 'reply', () => anthropicToChat(value, req.model));
  }

  async chatStream(req: UpstreamRequest): Promise<EventStream> {
    const body = await this.http.postStream(
      '/messages',
      withTraceHeaders(this.headers, req.traceHeaders),
      JSON.stringify(
        chatToAnthropic({ ...req.body, stream: true, ...(req.endUser ? { user: req.endUser } : {}) }, req.model),
      ),
      req.signal,
    );
    return translate(body, new AnthropicEventsToChunks(req.model), this.config.id);
  }

  async embeddings(): Promise<JsonResult> {
    throw new UpstreamError('protocol', `${this.config.id}: Anthropic deployments do not serve embeddings`);
  }

  probe(path: string, signal: AbortSignal): Promise<void> {
    return this.http.probe(path, this.headers, signal);
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

function translate(body: AsyncIterable<Buffer>, translator: AnthropicEventsToChunks, provider: string): EventStream {
  return sseBatches<StreamEvent[]>(body, {
    batch: (datas) => {
      if (translator.finished) return undefined; // read to the end so the connection stays pooled
      const batch: StreamEvent[] = [];
      for (const data of datas) {
        let event: JsonObject;
        try {
          event = JSON.parse(data) as JsonObject;
        } catch {
          throw new UpstreamError('protocol', `${provider}: stream carried an event that is not valid JSON`);
        }
        if (event.type === 'error') {
          const error = (event.error as JsonObject | undefined) ?? {};
          throw new UpstreamError(
            'status',
            `${provider}: stream failed: ${String(error.message ?? error.type)}`,
            error.type === 'overloaded_error' ? 529 : 502,
          );
        }
        // The usage chunk's figures are the translator's, whole (cache writes by lifetime included).
        const chunks = readVendorShape(provider, `${String(event.type)} event`, () => translator.translate(event));
        for (const chunk of chunks)
          batch.push({ data: JSON.stringify(chunk), chunk, usage: chunk.usage ? translator.usage : null });
      }
      return batch.length > 0 ? batch : undefined;
    },
    end: () => {
      if (!translator.finished) throw new UpstreamError('protocol', `${provider}: stream ended before message_stop`);
    },
  });
}

/**
 * Reading a reply or event the translation expected in another shape (a block that is null, a message that is no
 * object) throws a TypeError: the vendor's reply is malformed, an invalid response like any other.
 */
function readVendorShape<T>(provider: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof TypeError)
      throw new UpstreamError('protocol', `${provider}: malformed ${what} (${err.message})`);
    throw err;
  }
}
