// Any OpenAI-compatible upstream (OpenAI, DeepSeek, vLLM, llama.cpp, Ollama, a simulator server) over a pooled,
// keep-alive undici connection pool. Azure reuses this with its own URL and auth (see ../azure).
import type { DeploymentConfig } from '../deployment.ts';
import { scanContentDelta } from '../../protocols/openai/chunk-scan.ts';
import { HttpUpstream, withTraceHeaders } from '../http-upstream.ts';
import { sseBatches } from '../../protocols/sse-reader.ts';
import { UpstreamError, type JsonResult, type ProviderAdapter, type UpstreamRequest } from '../types.ts';
import type { JsonObject } from '../../wire/json.ts';
import type { EventBatch, EventStream, StreamEvent } from '../../wire/stream.ts';
import { responsesUsageFrom, usageFrom } from '../../wire/usage.ts';
import {
  chatChunkProblem,
  chatReplyProblem,
  embeddingsReplyProblem,
  responsesEventProblem,
  responsesReplyProblem,
} from '../../protocols/openai/reply-shape.ts';

export type Operation = 'chat/completions' | 'embeddings' | 'responses';

/** How a stream of one API reports usage and ends. */
interface StreamProtocol {
  usageOf(chunk: JsonObject): StreamEvent['usage'];
  /** True for the event after which the stream is complete (chat: the [DONE] sentinel instead). */
  isFinal(chunk: JsonObject): boolean;
  /** What is wrong with a parsed event, for a client that would read it. */
  problem(chunk: JsonObject): string | undefined;
  sentinel: boolean;
}

const chatProtocol: StreamProtocol = {
  usageOf: (c) => (c.usage ? usageFrom(c.usage) : null),
  isFinal: () => false,
  problem: chatChunkProblem,
  sentinel: true,
};
const responsesProtocol: StreamProtocol = {
  usageOf: (c) =>
    c.type === 'response.completed' || c.type === 'response.incomplete'
      ? responsesUsageFrom((c.response as JsonObject | undefined)?.usage)
      : null,
  isFinal: (c) => c.type === 'response.completed' || c.type === 'response.incomplete' || c.type === 'response.failed',
  problem: responsesEventProblem,
  sentinel: false,
};

export interface UpstreamTarget {
  path: string;
  headers: Record<string, string>;
}

/** How a vendor addresses an operation (a path under base_url) and authenticates: all that differs between compatible vendors. */
export interface OpenAIDialect {
  target(operation: Operation, req: UpstreamRequest): UpstreamTarget;
}

export function bearerDialect(config: DeploymentConfig, env: NodeJS.ProcessEnv = process.env): OpenAIDialect {
  const key = config.api_key_env ? env[config.api_key_env] : undefined;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  return { target: (operation) => ({ path: `/${operation}`, headers }) };
}

export class OpenAICompatibleAdapter implements ProviderAdapter {
  private readonly http: HttpUpstream;

  constructor(
    readonly config: DeploymentConfig,
    private readonly dialect: OpenAIDialect = bearerDialect(config),
  ) {
    this.http = new HttpUpstream(config);
  }

  /** Real vendors get a stable pseudonymous id of our customer, so their own abuse monitoring can tell customers apart. */
  private withEndUser(req: UpstreamRequest): JsonObject {
    return req.endUser && this.config.type !== 'simulator' ? { ...req.body, safety_identifier: req.endUser } : req.body;
  }

  async chat(req: UpstreamRequest): Promise<JsonResult> {
    const { value, text } = await this.sendJson('chat/completions', req, this.withEndUser(req));
    const problem = chatReplyProblem(value);
    if (problem) throw new UpstreamError('protocol', `${this.config.id}: ${problem}`);
    return { body: value, text, usage: usageFrom(value.usage) };
  }

  async chatStream(req: UpstreamRequest): Promise<EventStream> {
    // Always ask for usage, so no stream is ever recorded as zero tokens; the caller drops the usage chunk
    // again when its client did not ask for it. A client that asked for it already is sent its own JSON text.
    const payload = this.withEndUser(req);
    const options = payload.stream_options as JsonObject | undefined;
    const asked = payload.stream === true && options?.include_usage === true;
    const body = await this.sendStream(
      'chat/completions',
      req,
      asked ? payload : { ...payload, stream: true, stream_options: { ...options, include_usage: true } },
    );
    return events(body, this.config.id, chatProtocol);
  }

  async responses(req: UpstreamRequest): Promise<JsonResult> {
    const { value, text } = await this.sendJson('responses', req, req.body);
    const problem = responsesReplyProblem(value);
    if (problem) throw new UpstreamError('protocol', `${this.config.id}: ${problem}`);
    return { body: value, text, usage: responsesUsageFrom(value.usage) };
  }

  async responsesStream(req: UpstreamRequest): Promise<EventStream> {
    return events(
      await this.sendStream('responses', req, { ...req.body, stream: true }),
      this.config.id,
      responsesProtocol,
    );
  }

  async embeddings(req: UpstreamRequest): Promise<JsonResult> {
    const { value, text } = await this.sendJson('embeddings', req, req.body);
    const problem = embeddingsReplyProblem(value);
    if (problem) throw new UpstreamError('protocol', `${this.config.id}: ${problem}`);
    return { body: value, text, usage: usageFrom({ completion_tokens: 0, ...(value.usage as JsonObject) }) };
  }

  probe(path: string, signal: AbortSignal): Promise<void> {
    const { headers } = this.dialect.target('chat/completions', { body: {}, model: '', signal });
    return this.http.probe(path, headers, signal);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private sendJson(
    operation: Operation,
    req: UpstreamRequest,
    payload: JsonObject,
  ): Promise<{ value: JsonObject; text: string }> {
    const { path, headers, body } = this.call(operation, req, payload);
    return this.http.postJson(path, headers, body, req.signal);
  }

  private sendStream(operation: Operation, req: UpstreamRequest, payload: JsonObject): Promise<AsyncIterable<Buffer>> {
    const { path, headers, body } = this.call(operation, req, payload);
    return this.http.postStream(path, headers, body, req.signal);
  }

  /** Where and how to send `payload`: its JSON text is the client's own when the body is unchanged. */
  private call(operation: Operation, req: UpstreamRequest, payload: JsonObject): UpstreamTarget & { body: string } {
    // Fields named, not spread: a spread followed by a field takes V8's slow path on every request.
    const { path, headers } = this.dialect.target(operation, req);
    return {
      path,
      headers: withTraceHeaders(headers, req.traceHeaders),
      body: payload === req.body && req.bodyText ? req.bodyText : JSON.stringify(payload),
    };
  }
}

function events(body: AsyncIterable<Buffer>, provider: string, protocol: StreamProtocol): EventStream {
  let done = false;
  // Read to the end even after the final event: abandoning a reply early closes its keep-alive connection.
  return sseBatches<EventBatch>(body, {
    batch: (datas) => {
      if (done) return undefined;
      const batch: EventBatch = [];
      for (const data of datas) {
        if (protocol.sentinel && data === '[DONE]') {
          done = true;
          break;
        }
        const text = protocol.sentinel ? scanContentDelta(data) : null;
        if (text !== null) {
          batch.push({ data, text, usage: null });
          continue;
        }
        let chunk: JsonObject;
        try {
          chunk = JSON.parse(data) as JsonObject;
        } catch {
          throw new UpstreamError('protocol', `${provider}: stream carried an event that is not valid JSON`);
        }
        if (typeof chunk !== 'object' || chunk === null || Array.isArray(chunk))
          throw new UpstreamError('protocol', `${provider}: stream carried an event that is not a JSON object`);
        if (chunk.error || chunk.type === 'error')
          throw new UpstreamError(
            'status',
            `${provider}: stream failed: ${JSON.stringify(chunk.error ?? chunk).slice(0, 200)}`,
            502,
          );
        const problem = protocol.problem(chunk);
        if (problem) throw new UpstreamError('protocol', `${provider}: ${problem}`);
        batch.push({
          event: protocol.sentinel ? undefined : (chunk.type as string | undefined),
          data,
          chunk,
          usage: protocol.usageOf(chunk),
        });
        if (protocol.isFinal(chunk)) {
          done = true;
          break;
        }
      }
      if (done) batch.ends = true;
      return batch.length > 0 ? batch : undefined;
    },
    end: () => {
      if (!done) throw new UpstreamError('protocol', `${provider}: stream ended before it was complete`);
    },
  });
}
