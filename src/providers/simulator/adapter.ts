// The SIMULATOR in-process: the embedded demo's upstream. Same replies and faults as the HTTP server, no socket.
import type { DeploymentConfig } from '../deployment.ts';
import { UpstreamError, type JsonResult, type ProviderAdapter, type UpstreamRequest } from '../types.ts';
import type { CancelSignal } from '../../wire/cancel.ts';
import type { JsonObject } from '../../wire/json.ts';
import type { EventStream, StreamEvent } from '../../wire/stream.ts';
import { responsesUsageFrom, usageFrom } from '../../wire/usage.ts';
import { FaultDice, simulatorFaultsSchema } from './faults.ts';
import { sleep } from '../../util/sleep.ts';
import { chatChunks, chatCompletion } from './replies.ts';
import { planChat } from './plan.ts';
import { embeddingsResponse } from './embeddings.ts';
import { planResponse, responseEvents, responseObject } from './responses-api.ts';

export class InProcessSimulator implements ProviderAdapter {
  private readonly dice: FaultDice;

  constructor(readonly config: DeploymentConfig) {
    this.dice = new FaultDice(config.simulator ?? simulatorFaultsSchema.parse({}));
  }

  async chat(req: UpstreamRequest): Promise<JsonResult> {
    await this.misbehave(req.signal, false);
    const body = chatCompletion(planChat(this.sized(req.body)));
    return { body, usage: usageFrom(body.usage) };
  }

  async chatStream(req: UpstreamRequest): Promise<EventStream> {
    const fault = await this.misbehave(req.signal, true);
    const chunks = [...chatChunks(planChat(this.sized(req.body)), true)];
    return this.play(chunks, fault, req.signal, (chunk) => ({
      data: JSON.stringify(chunk),
      chunk,
      usage: chunk.usage ? usageFrom(chunk.usage) : null,
    }));
  }

  async responses(req: UpstreamRequest): Promise<JsonResult> {
    await this.misbehave(req.signal, false);
    const request = this.sized(req.body);
    const body = responseObject(planResponse(request), request);
    return { body, usage: responsesUsageFrom(body.usage) };
  }

  async responsesStream(req: UpstreamRequest): Promise<EventStream> {
    const fault = await this.misbehave(req.signal, true);
    const request = this.sized(req.body);
    const events = [...responseEvents(planResponse(request), request)];
    return this.play(events, fault, req.signal, (chunk) => ({
      event: chunk.type as string,
      data: JSON.stringify(chunk),
      chunk,
      usage: chunk.type === 'response.completed' ? responsesUsageFrom((chunk.response as JsonObject).usage) : null,
    }));
  }

  /** With reply_tokens set, every reply has that length (for replaying recorded traffic). */
  private sized(body: JsonObject): JsonObject {
    const n = this.dice.faults.reply_tokens;
    return n > 0 ? { ...body, max_tokens: n, max_output_tokens: n, simulator_exact_length: true } : body;
  }

  /** Yields events with the configured token timing, cutting or corrupting the stream when the dice say so. */
  private play(
    chunks: JsonObject[],
    fault: string,
    signal: CancelSignal,
    toEvent: (chunk: JsonObject) => StreamEvent,
  ): EventStream {
    return played(chunks, fault, signal, toEvent, this.dice.faults.token_delay_ms, this.config.id);
  }

  async embeddings(req: UpstreamRequest): Promise<JsonResult> {
    await this.misbehave(req.signal, false);
    const body = embeddingsResponse(req.body);
    return { body, usage: usageFrom({ completion_tokens: 0, ...(body.usage as JsonObject) }) };
  }

  async close(): Promise<void> {}

  private async misbehave(signal: CancelSignal, stream: boolean) {
    const fault = this.dice.roll();
    await sleep(this.dice.faults.first_byte_ms, signal);
    if (signal.aborted) throw new UpstreamError('aborted', `${this.config.id}: client went away`);
    if (fault === 'error') throw new UpstreamError('status', `${this.config.id} answered 500`, 500);
    if (fault === 'rate_limit')
      throw new UpstreamError('status', `${this.config.id} answered 429`, 429, this.dice.faults.retry_after_s * 1000);
    if (fault === 'hang') {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      throw new UpstreamError('aborted', `${this.config.id}: client went away`);
    }
    if (fault === 'malformed' && !stream)
      throw new UpstreamError('protocol', `${this.config.id}: reply is not valid JSON`);
    return fault;
  }
}

// A module-level generator: one created inside a method would be a new function per stream, and V8 builds
// each new generator function its own prototype and map (kept alive long after the stream).
async function* played(
  chunks: JsonObject[],
  fault: string,
  signal: CancelSignal,
  toEvent: (chunk: JsonObject) => StreamEvent,
  tokenDelayMs: number,
  id: string,
): AsyncGenerator<StreamEvent[]> {
  for (let i = 0; i < chunks.length; i++) {
    if (signal.aborted) throw new UpstreamError('aborted', `${id}: client went away`);
    if (fault === 'truncate' && i === chunks.length >> 1)
      throw new UpstreamError('protocol', `${id}: stream ended before it was complete`);
    if (fault === 'malformed' && i === 2)
      throw new UpstreamError('protocol', `${id}: stream carried an event that is not valid JSON`);
    if (tokenDelayMs > 0 && i > 0) await sleep(tokenDelayMs, signal);
    yield [toEvent(chunks[i]!)];
  }
}
