// The SIMULATOR in-process: the embedded demo's upstream. Same replies and faults as the HTTP server, no socket.
import type { ProviderConfig } from '../../config/schema.ts';
import { UpstreamError, usageFrom, type EventStream, type JsonObject, type JsonResult, type ProviderAdapter, type StreamEvent, type UpstreamRequest } from '../types.ts';
import { FaultDice, simulatorFaultsSchema, sleep } from './faults.ts';
import { chatChunks, chatCompletion, embeddingsResponse, planChat } from './replies.ts';

export class InProcessSimulator implements ProviderAdapter {
  private readonly dice: FaultDice;

  constructor(readonly config: ProviderConfig) {
    this.dice = new FaultDice(config.simulator ?? simulatorFaultsSchema.parse({}));
  }

  async chat(req: UpstreamRequest): Promise<JsonResult> {
    await this.misbehave(req.signal, false);
    const body = chatCompletion(planChat(req.body));
    return { body, usage: usageFrom(body.usage) };
  }

  async chatStream(req: UpstreamRequest): Promise<EventStream> {
    const fault = await this.misbehave(req.signal, true);
    const chunks = [...chatChunks(planChat(req.body), true)];
    const { token_delay_ms } = this.dice.faults;
    const id = this.config.id;
    return (async function* (): AsyncGenerator<StreamEvent> {
      for (let i = 0; i < chunks.length; i++) {
        if (req.signal.aborted) throw new UpstreamError('aborted', `${id}: client went away`);
        if (fault === 'truncate' && i === chunks.length >> 1) throw new UpstreamError('protocol', `${id}: stream ended before [DONE]`);
        if (fault === 'malformed' && i === 2) throw new UpstreamError('protocol', `${id}: stream carried an event that is not valid JSON`);
        const chunk = chunks[i]!;
        if (token_delay_ms > 0 && i > 0) await sleep(token_delay_ms, req.signal);
        yield { data: JSON.stringify(chunk), chunk, usage: chunk.usage ? usageFrom(chunk.usage) : null };
      }
    })();
  }

  async embeddings(req: UpstreamRequest): Promise<JsonResult> {
    await this.misbehave(req.signal, false);
    const body = embeddingsResponse(req.body);
    return { body, usage: usageFrom({ completion_tokens: 0, ...(body.usage as JsonObject) }) };
  }

  async close(): Promise<void> {}

  private async misbehave(signal: AbortSignal, stream: boolean) {
    const fault = this.dice.roll();
    await sleep(this.dice.faults.first_byte_ms, signal);
    if (signal.aborted) throw new UpstreamError('aborted', `${this.config.id}: client went away`);
    if (fault === 'error') throw new UpstreamError('status', `${this.config.id} answered 500`, 500);
    if (fault === 'rate_limit') throw new UpstreamError('status', `${this.config.id} answered 429`, 429, this.dice.faults.retry_after_s * 1000);
    if (fault === 'hang') {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      throw new UpstreamError('aborted', `${this.config.id}: client went away`);
    }
    if (fault === 'malformed' && !stream) throw new UpstreamError('protocol', `${this.config.id}: reply is not valid JSON`);
    return fault;
  }
}
