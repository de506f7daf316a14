// Stage: mark the output as AI-generated. Every completion gets a signed manifest (header and body field for
// JSON replies, a final chunk for streams), the x-ai-generated header, the organisation's visible notice and
// in-band mark if it asked for them, and a place in the fingerprint registry. Runs after forward.
import type { JsonObject, StreamEvent } from '../providers/types.ts';
import { disclosureSchema, type Disclosure, type ProvenanceService, type Stamp } from '../provenance/service.ts';
import type { Reply, RequestContext, Stage } from './context.ts';
import { replyText as textOf } from '../protocols/openai/reply-text.ts';

const replyText = (body: JsonObject) => textOf(body) ?? '';

const parsedDisclosure = new WeakMap<object, Disclosure>();

function disclosureOf(ctx: RequestContext): Disclosure | undefined {
  const raw = ctx.principal!.org.disclosure;
  if (!raw) return undefined;
  let d = parsedDisclosure.get(raw);
  if (!d) parsedDisclosure.set(raw, (d = disclosureSchema.parse(raw)));
  return d;
}

export function label(provenance: ProvenanceService): Stage {
  return (ctx) => {
    if (ctx.endpoint === 'embeddings' || !ctx.reply) return;
    ctx.headers['x-ai-generated'] = 'true';
    const disclosure = disclosureOf(ctx);
    const reply = ctx.reply;
    if (reply.kind === 'json') return labelJson(ctx, reply, provenance, disclosure);
    const events = reply.events;
    reply.events = (async function* (): AsyncGenerator<StreamEvent[]> {
      if (disclosure?.notice && disclosure.position === 'prepend' && ctx.endpoint === 'chat') yield [contentChunk(ctx, `${disclosure.notice}\n\n`)];
      for await (const batch of events) yield batch;
      let text = ctx.outputText ?? '';
      const tail: StreamEvent[] = [];
      if (disclosure?.notice && ctx.endpoint === 'chat') {
        if (disclosure.position === 'append') tail.push(contentChunk(ctx, `\n\n${disclosure.notice}`));
        text = provenance.withNotice(text, disclosure);
      }
      const stamp = await sign(ctx, provenance, text);
      if (disclosure?.c2pa_text && ctx.endpoint === 'chat') tail.push(contentChunk(ctx, provenance.inBandMark(text, stamp)));
      tail.push(ctx.endpoint === 'responses' ? event({ type: 'response.provenance', provenance: provenanceField(stamp) }, 'response.provenance') : event({ id: ctx.requestId, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: ctx.model!.name, choices: [], provenance: provenanceField(stamp) }));
      register(ctx, provenance, stamp, text);
      yield tail;
    })();
  };
}

async function labelJson(ctx: RequestContext, reply: Extract<Reply, { kind: 'json' }>, provenance: ProvenanceService, disclosure: Disclosure | undefined): Promise<void> {
  const body = reply.body;
  if (disclosure && ctx.endpoint === 'chat') rewriteContent(body, (t) => provenance.withNotice(t, disclosure));
  const text = disclosure ? replyText(body) : (ctx.outputText ?? replyText(body));
  const stamp = await sign(ctx, provenance, text);
  if (disclosure?.c2pa_text && ctx.endpoint === 'chat') rewriteContent(body, (t) => t + provenance.inBandMark(t, stamp));
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
  ctx.afterDelivery.push(() => provenance.registry.register({ request_id: ctx.requestId, org_id: ctx.principal!.org.id, created_at: ctx.receivedAt.toISOString(), manifest: stamp.manifest }, text));
}

const provenanceField = (s: Stamp) => ({ manifest: s.manifest, kid: s.kid, content_sha256: s.content_sha256, jwks: '/.well-known/jwks.json' });

function event(body: JsonObject, name?: string): StreamEvent {
  return { event: name, data: JSON.stringify(body), chunk: body, usage: null };
}

function contentChunk(ctx: RequestContext, content: string): StreamEvent {
  return event({ id: ctx.requestId, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: ctx.model!.name, choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }] });
}

function rewriteContent(body: JsonObject, f: (text: string) => string): void {
  for (const choice of (body.choices as Array<{ message?: { content?: unknown } }> | undefined) ?? []) {
    if (typeof choice.message?.content === 'string') choice.message.content = f(choice.message.content);
  }
}
