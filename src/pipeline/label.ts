// Stage: mark the output as AI-generated. Every completion gets a signed manifest (header and body field for
// JSON replies, a final chunk for streams), the x-ai-generated header, a visible notice and in-band mark if the
// organisation asked for them (or the operator's default for its country does), and a place in the fingerprint
// registry once the reply is delivered (registerFingerprints). Runs after forward.
import type { JsonObject } from '../wire/json.ts';
import type { EventBatch, EventStream, StreamEvent } from '../wire/stream.ts';
import type { Disclosure, ProvenanceService, Stamp } from '../provenance/service.ts';
import type { Hook, Reply, RequestContext, Stage } from './context.ts';
import { canonicalChoice, registeredText, textChoice, type BoundChoice } from '../provenance/output-binding.ts';
import { jsonOutputs, responsesOutput, scannedChoiceIndex, StreamOutputs } from '../provenance/reply-outputs.ts';
import { firstTextPart, rewriteResponsesText } from '../protocols/openai/responses-text.ts';

/**
 * Structured output (JSON mode, a JSON schema) is read by programs, not people: a notice or an in-band mark in
 * it would break the customer's parser. It is still marked by its manifest and registered.
 */
function structuredOutput(body: JsonObject | undefined): boolean {
  const format =
    (body?.response_format as JsonObject | undefined) ??
    ((body?.text as JsonObject | undefined)?.format as JsonObject | undefined);
  return format?.type === 'json_object' || format?.type === 'json_schema';
}

/** What labelling uses of the provenance service. */
type Labeller = Pick<
  ProvenanceService,
  'disclosureFor' | 'inBandMark' | 'noticeAround' | 'stampChoices' | 'withNotice'
>;

export function label(provenance: Labeller): Stage {
  return (ctx) => {
    if (ctx.endpoint === 'embeddings' || !ctx.reply) return;
    ctx.headers['x-ai-generated'] = 'true';
    const disclosure = structuredOutput(ctx.body) ? undefined : provenance.disclosureFor(ctx.principal!.org).disclosure;
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

/**
 * A chat stream: the notice around every choice's text, then the marks and the manifest (over every choice, texts and
 * tool calls) as chunks of their own.
 */
async function* labelChatStream(
  ctx: RequestContext,
  events: EventStream,
  provenance: Labeller,
  disclosure: Disclosure | undefined,
): AsyncGenerator<EventBatch> {
  const notice = provenance.noticeAround(disclosure);
  const multi = typeof ctx.body?.n === 'number' && ctx.body.n > 1;
  // Every choice's outputs as delivered: what the manifest, marks and registry are about.
  const outputs = new StreamOutputs(multi);
  // Choices whose first text delta already carries the notice.
  const prefixed = notice.before ? new Set<number>() : undefined;
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
      outputs.add(e);
      first ??= e;
      if (!parsed && e.chunk?.id) parsed = e.chunk;
    }
    if (prefixed) prefixFirstDeltas(batch, notice.before, prefixed, multi);
    if (batch.ends) last = batch;
    else yield batch;
  }
  const meta = chunkMeta(parsed ?? (first && (first.chunk ?? (JSON.parse(first.data) as JsonObject)))) ?? {
    id: ctx.requestId,
    created: Math.floor(Date.now() / 1000),
    model: ctx.model!.name,
  };
  const tail: EventBatch = last ?? [];
  const choices = outputs.outputs();
  // A choice without text (tool calls only) gets no notice or mark: there is nothing to read them beside.
  for (let i = 0; i < choices.length; i++) {
    const choice = choices[i]!;
    if (choice.content.length === 0) continue;
    if (notice.after) tail.push(contentChunk(meta, notice.after, i));
    choice.content = notice.before + choice.content + notice.after;
  }
  const stamp = await sign(ctx, provenance, choices);
  if (disclosure?.c2pa_text)
    for (let i = 0; i < choices.length; i++)
      if (choices[i]!.content) tail.push(contentChunk(meta, provenance.inBandMark(choices[i]!.content, stamp), i));
  tail.push(provenanceEvent(meta, stamp));
  register(ctx, stamp, choices);
  tail.ends = true;
  yield tail;
}

/**
 * A Responses API stream: the notice and in-band mark go inside its text events, and the manifest rides on its
 * final response.completed event (as `response.provenance`), since the SDK's stream helper rejects event types
 * it does not know.
 */
async function* labelResponsesStream(
  ctx: RequestContext,
  events: EventStream,
  provenance: Labeller,
  disclosure: Disclosure | undefined,
): AsyncGenerator<StreamEvent[]> {
  const notice = provenance.noticeAround(disclosure);
  let signed: { stamp: Stamp; output: BoundChoice } | undefined;
  const source: EventStream =
    disclosure?.notice || disclosure?.c2pa_text
      ? rewriteResponsesText(events, notice.before, async (base) => {
          const text = base + notice.after;
          const stamp = await sign(ctx, provenance, [textChoice(text)]);
          signed = { stamp, output: textChoice(text) };
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
  // The text as signed for the mark (the final event's copy carries the mark itself), else as delivered; refusals
  // and function calls as the final event states them. Signed again when that is more than the mark was made for.
  const final = terminal?.chunk?.response as JsonObject | undefined;
  const stated = Array.isArray(final?.output) ? responsesOutput(final) : undefined;
  const output: BoundChoice = {
    content: signed?.output.content ?? ctx.outputText ?? stated?.content ?? '',
    refusal: stated?.refusal ?? '',
    tool_calls: stated?.tool_calls ?? [],
  };
  if (!signed || canonicalChoice(signed.output) !== canonicalChoice(output))
    signed = { stamp: await sign(ctx, provenance, [output]), output };
  register(ctx, signed.stamp, [signed.output]);
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

async function labelJson(
  ctx: RequestContext,
  reply: Extract<Reply, { kind: 'json' }>,
  provenance: Labeller,
  disclosure: Disclosure | undefined,
): Promise<void> {
  const body = reply.body;
  if (disclosure) rewriteContent(body, (t) => provenance.withNotice(t, disclosure));
  const outputs = jsonOutputs(body);
  const stamp = await sign(ctx, provenance, outputs);
  if (disclosure?.c2pa_text) rewriteContent(body, (t) => t + provenance.inBandMark(t, stamp));
  const field = provenanceField(stamp);
  // Splice the field into the vendor's JSON text when it is unchanged (no re-serialisation of the body).
  reply.text =
    reply.text && !disclosure
      ? `${reply.text.slice(0, reply.text.lastIndexOf('}'))},"provenance":${JSON.stringify(field)}}`
      : undefined;
  body.provenance = field;
  ctx.headers['x-conduit-provenance'] = stamp.manifest;
  register(ctx, stamp, outputs);
}

function sign(ctx: RequestContext, provenance: Labeller, outputs: BoundChoice[]): Promise<Stamp> {
  return provenance.stampChoices(outputs, {
    vendor: ctx.deployment!.vendor,
    model: ctx.model!.name,
    region: ctx.deployment!.region.id,
    request_id: ctx.requestId,
    orgId: ctx.principal!.org.id,
  });
}

/** Registered once the reply is delivered (registerFingerprints). */
function register(ctx: RequestContext, stamp: Stamp, outputs: BoundChoice[]): void {
  ctx.signed = { stamp, outputs };
}

/** After delivery: every choice signed is registered on its own, so public verify finds any of them whole. */
export function registerFingerprints(provenance: Pick<ProvenanceService, 'registry'>): Hook {
  return (ctx) => {
    const signed = ctx.signed;
    if (!signed) return;
    const output = {
      request_id: ctx.requestId,
      org_id: ctx.principal!.org.id,
      created_at: ctx.receivedAt,
      manifest: signed.stamp.manifest,
    };
    for (const choice of signed.outputs) provenance.registry.register(output, registeredText(choice));
  };
}

type ChunkMeta = { id: unknown; created: unknown; model: unknown };

/** The completion id, time and model of the vendor's chunks. */
function chunkMeta(c: JsonObject | undefined): ChunkMeta | undefined {
  return c && { id: c.id, created: c.created, model: c.model };
}

type DeltaChoice = { index?: number; delta?: { content?: unknown } };

/** Puts `prefix` in front of each choice's first text delta in the batch, for the choices not in `done` yet. */
function prefixFirstDeltas(batch: StreamEvent[], prefix: string, done: Set<number>, multi: boolean): void {
  for (const e of batch) {
    if (e.text === '') continue;
    // A scanned chunk (one choice) is parsed only when its choice still needs the notice.
    if (e.text !== undefined && done.has(multi ? scannedChoiceIndex(e.data) : 0)) continue;
    const c = e.chunk ?? (JSON.parse(e.data) as JsonObject);
    let changed = false;
    for (const choice of (c.choices as DeltaChoice[] | undefined) ?? []) {
      const index = typeof choice?.index === 'number' ? choice.index : 0;
      const delta = choice?.delta;
      if (done.has(index) || typeof delta?.content !== 'string' || delta.content === '') continue;
      const content = prefix + delta.content;
      delta.content = content;
      done.add(index);
      changed = true;
      if (e.text !== undefined) e.text = content;
    }
    if (!changed) continue;
    e.chunk = c;
    e.data = JSON.stringify(c);
  }
}

/** A chat chunk with no choices that carries the manifest, before [DONE]. */
function provenanceEvent(meta: ChunkMeta, stamp: Stamp): StreamEvent {
  return event({
    id: meta.id,
    created: meta.created,
    model: meta.model,
    object: 'chat.completion.chunk',
    choices: [],
    provenance: provenanceField(stamp),
  });
}

const provenanceField = (s: Stamp) => ({
  manifest: s.manifest,
  kid: s.kid,
  content_sha256: s.content_sha256,
  jwks: '/.well-known/jwks.json',
});

function event(body: JsonObject): StreamEvent {
  return { data: JSON.stringify(body), chunk: body, usage: null };
}

function contentChunk(meta: ChunkMeta, content: string, index: number): StreamEvent {
  // Fields named, not spread from meta: a spread followed by fields takes V8's slow path.
  return event({
    id: meta.id,
    created: meta.created,
    model: meta.model,
    object: 'chat.completion.chunk',
    choices: [{ index, delta: { content }, logprobs: null, finish_reason: null }],
  });
}

/** Rewrites each chat choice's text, or a Responses API reply's first text part. */
function rewriteContent(body: JsonObject, f: (text: string) => string): void {
  for (const choice of (body.choices as Array<{ message?: { content?: unknown } }> | undefined) ?? []) {
    if (typeof choice.message?.content === 'string' && choice.message.content !== '')
      choice.message.content = f(choice.message.content);
  }
  const part = firstTextPart(body);
  if (typeof part?.text === 'string') part.text = f(part.text);
}
