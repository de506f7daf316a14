// Stage: mark the output as AI-generated. Every completion gets a signed manifest (header and body field for
// JSON replies, a final chunk for streams), the x-ai-generated header, the organisation's visible notice and
// in-band mark if it asked for them, and a place in the fingerprint registry. Runs after forward.
import type { EventBatch, EventStream, JsonObject, StreamEvent } from '../providers/types.ts';
import { disclosureSchema, type Disclosure, type ProvenanceService, type Stamp } from '../provenance/service.ts';
import type { Reply, RequestContext, Stage } from './context.ts';
import { replyText as textOf } from '../protocols/openai/reply-text.ts';
import { firstTextPart, rewriteResponsesText } from './responses-text.ts';

const replyText = (body: JsonObject) => textOf(body) ?? '';

const parsedDisclosure = new WeakMap<object, Disclosure>();

function disclosureOf(ctx: RequestContext): Disclosure | undefined {
  const raw = ctx.principal!.org.disclosure;
  if (!raw) return undefined;
  let d = parsedDisclosure.get(raw);
  if (!d) parsedDisclosure.set(raw, (d = disclosureSchema.parse(raw)));
  return d;
}

/**
 * Structured output (JSON mode, a JSON schema) is read by programs, not people: a notice or an in-band mark in
 * it would break the customer's parser. It is still marked by its manifest and registered.
 */
function structuredOutput(body: JsonObject | undefined): boolean {
  const format = (body?.response_format as JsonObject | undefined) ?? ((body?.text as JsonObject | undefined)?.format as JsonObject | undefined);
  return format?.type === 'json_object' || format?.type === 'json_schema';
}

export function label(provenance: ProvenanceService): Stage {
  return (ctx) => {
    if (ctx.endpoint === 'embeddings' || !ctx.reply) return;
    ctx.headers['x-ai-generated'] = 'true';
    const disclosure = structuredOutput(ctx.body) ? undefined : disclosureOf(ctx);
    const reply = ctx.reply;
    if (reply.kind === 'json') return labelJson(ctx, reply, provenance, disclosure);
    const events = reply.events;
    if (ctx.endpoint === 'responses') {
      reply.events = labelResponsesStream(ctx, events, provenance, disclosure);
      return;
    }
    reply.events = labelChatStream(ctx, events, provenance, disclosure);
  };
}

/** A chat stream: the notice around the first choice's text, then the mark and the manifest as chunks of their own. */
async function* labelChatStream(ctx: RequestContext, events: EventStream, provenance: ProvenanceService, disclosure: Disclosure | undefined): AsyncGenerator<EventBatch> {
  const notice = provenance.noticeAround(disclosure);
  let prefix = notice.before;
  // The first choice's text as delivered (not tool-call arguments): what the manifest and mark are about.
  let text = '';
  // Added chunks carry the vendor's completion id, so SDK stream helpers see one completion. It is read from a
  // chunk parsed anyway (the usage chunk, as a rule), else from the first.
  let first: StreamEvent | undefined;
  let parsed: JsonObject | undefined;
  // The batch that ends the stream leaves together with what is added at the end (notice, mark, manifest):
  // one write instead of two. It waits for the signature only, never for the vendor.
  let last: EventBatch | undefined;
  for await (const batch of events) {
    if (last) yield last; // a batch after the "last" one: keep the order
    last = undefined;
    for (const e of batch) {
      text += e.text ?? firstChoiceContent(e.chunk);
      first ??= e;
      if (!parsed && e.chunk?.id) parsed = e.chunk;
    }
    if (prefix && prefixFirstDelta(batch, prefix)) prefix = '';
    if (batch.ends) last = batch;
    else yield batch;
  }
  const meta = chunkMeta(parsed ?? (first && (first.chunk ?? (JSON.parse(first.data) as JsonObject)))) ?? { id: ctx.requestId, created: Math.floor(Date.now() / 1000), model: ctx.model!.name };
  const tail: EventBatch = last ?? [];
  // A reply without text (tool calls only) gets no notice or mark: there is nothing to read them beside.
  const hasText = text.length > 0;
  if (notice.after && hasText) tail.push(contentChunk(meta, notice.after));
  if (hasText) text = notice.before + text + notice.after;
  const stamp = await sign(ctx, provenance, text);
  if (disclosure?.c2pa_text && hasText) tail.push(contentChunk(meta, provenance.inBandMark(text, stamp)));
  tail.push(provenanceEvent(meta, stamp));
  register(ctx, provenance, stamp, text);
  tail.ends = true;
  yield tail;
}

/**
 * A Responses API stream: the notice and in-band mark go inside its text events, and the manifest rides on its
 * final response.completed event (as `response.provenance`), since the SDK's stream helper rejects event types
 * it does not know.
 */
async function* labelResponsesStream(ctx: RequestContext, events: EventStream, provenance: ProvenanceService, disclosure: Disclosure | undefined): AsyncGenerator<StreamEvent[]> {
  const notice = provenance.noticeAround(disclosure);
  let signed: { stamp: Stamp; text: string } | undefined;
  const source: EventStream = disclosure?.notice || disclosure?.c2pa_text
    ? rewriteResponsesText(events, notice.before, async (base) => {
        const text = base + notice.after;
        const stamp = await sign(ctx, provenance, text);
        signed = { stamp, text };
        return text.slice(base.length) + (disclosure.c2pa_text ? provenance.inBandMark(text, stamp) : '');
      })
    : events;
  let terminal: StreamEvent | undefined;
  // As for chat streams: the batch that ends the stream leaves with the terminal event, in one write.
  let last: StreamEvent[] = [];
  for await (const batch of source) {
    if (last.length > 0) yield last;
    last = [];
    const out: StreamEvent[] = [];
    for (const e of batch) {
      if (TERMINAL.has(String(e.chunk?.type))) terminal = e;
      else out.push(e);
    }
    if (batch.ends) last = out;
    else if (out.length > 0) yield out;
  }
  // Without a notice or mark, or when the stream was cut before its text was done: sign what was delivered.
  signed ??= { text: ctx.outputText ?? '', stamp: await sign(ctx, provenance, ctx.outputText ?? '') };
  register(ctx, provenance, signed.stamp, signed.text);
  if (!terminal) {
    if (last.length > 0) yield last;
    return;
  }
  (terminal.chunk!.response as JsonObject).provenance = provenanceField(signed.stamp);
  terminal.data = JSON.stringify(terminal.chunk);
  const end: EventBatch = last;
  end.push(terminal);
  end.ends = true;
  yield end;
}

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

async function labelJson(ctx: RequestContext, reply: Extract<Reply, { kind: 'json' }>, provenance: ProvenanceService, disclosure: Disclosure | undefined): Promise<void> {
  const body = reply.body;
  if (disclosure) rewriteContent(body, (t) => provenance.withNotice(t, disclosure));
  const text = disclosure ? replyText(body) : (ctx.outputText ?? replyText(body));
  const stamp = await sign(ctx, provenance, text);
  if (disclosure?.c2pa_text) rewriteContent(body, (t) => t + provenance.inBandMark(t, stamp));
  const field = provenanceField(stamp);
  // Splice the field into the vendor's JSON text when it is unchanged (no re-serialisation of the body).
  reply.text = reply.text && !disclosure ? `${reply.text.slice(0, reply.text.lastIndexOf('}'))},"provenance":${JSON.stringify(field)}}` : undefined;
  body.provenance = field;
  ctx.headers['x-conduit-provenance'] = stamp.manifest;
  register(ctx, provenance, stamp, text);
}

function sign(ctx: RequestContext, provenance: ProvenanceService, text: string): Promise<Stamp> {
  return provenance.stamp(text, { vendor: ctx.deployment!.vendor, model: ctx.model!.name, region: ctx.deployment!.region.id, request_id: ctx.requestId, orgId: ctx.principal!.org.id });
}

function register(ctx: RequestContext, provenance: ProvenanceService, stamp: Stamp, text: string): void {
  ctx.afterDelivery.push(() => provenance.registry.register({ request_id: ctx.requestId, org_id: ctx.principal!.org.id, created_at: ctx.receivedAt, manifest: stamp.manifest }, text));
}

type ChunkMeta = { id: unknown; created: unknown; model: unknown };

/** The completion id, time and model of the vendor's chunks. */
function chunkMeta(c: JsonObject | undefined): ChunkMeta | undefined {
  return c && { id: c.id, created: c.created, model: c.model };
}

const firstChoiceDelta = (chunk: JsonObject | undefined) => (chunk?.choices as Array<{ index?: number; delta?: { content?: unknown } }> | undefined)?.find((c) => c.index === 0)?.delta;

function firstChoiceContent(chunk: JsonObject | undefined): string {
  const content = firstChoiceDelta(chunk)?.content;
  return typeof content === 'string' ? content : '';
}

/** Puts `prefix` in front of the first text delta in the batch; false when the batch has none. */
function prefixFirstDelta(batch: StreamEvent[], prefix: string): boolean {
  for (const e of batch) {
    if (e.text === '') continue;
    const c = e.chunk ?? (JSON.parse(e.data) as JsonObject);
    const delta = firstChoiceDelta(c);
    if (typeof delta?.content !== 'string' || delta.content === '') continue;
    const content = prefix + delta.content;
    delta.content = content;
    e.chunk = c;
    e.data = JSON.stringify(c);
    if (e.text !== undefined) e.text = content;
    return true;
  }
  return false;
}

/** A chat chunk with no choices that carries the manifest, before [DONE]. */
function provenanceEvent(meta: ChunkMeta, stamp: Stamp): StreamEvent {
  return event({ id: meta.id, created: meta.created, model: meta.model, object: 'chat.completion.chunk', choices: [], provenance: provenanceField(stamp) });
}

const provenanceField = (s: Stamp) => ({ manifest: s.manifest, kid: s.kid, content_sha256: s.content_sha256, jwks: '/.well-known/jwks.json' });

function event(body: JsonObject): StreamEvent {
  return { data: JSON.stringify(body), chunk: body, usage: null };
}

function contentChunk(meta: ChunkMeta, content: string): StreamEvent {
  // Fields named, not spread from meta: a spread followed by fields takes V8's slow path.
  return event({ id: meta.id, created: meta.created, model: meta.model, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }] });
}

/** Rewrites each chat choice's text, or a Responses API reply's first text part. */
function rewriteContent(body: JsonObject, f: (text: string) => string): void {
  for (const choice of (body.choices as Array<{ message?: { content?: unknown } }> | undefined) ?? []) {
    if (typeof choice.message?.content === 'string' && choice.message.content !== '') choice.message.content = f(choice.message.content);
  }
  const part = firstTextPart(body);
  if (typeof part?.text === 'string') part.text = f(part.text);
}
