// Stages and hook: the Responses API's stored conversations, held by the gateway for each organisation. A request that
// names a previous response (previous_response_id) or stored output items (item_reference) gets them put into its
// input before it is routed, so every deployment is sent the whole conversation: one that speaks only chat, a
// fallback in another region, a vendor account shared by every customer (which must never be asked for a stored
// response by id, or one organisation could continue another's). A response whose request did not say
// `store: false` is kept, before the client has its end, so a follow-up sent at once finds it.
import { GatewayError } from '../errors.ts';
import { itemType } from '../protocols/openai/responses-to-chat.ts';
import type { JsonObject } from '../wire/json.ts';
import type { EventBatch, EventStream } from '../wire/stream.ts';
import type { ResponseStore } from '../store/ports.ts';
import type { Hook, RequestContext, Stage } from './context.ts';

/** How long stored responses can be continued (OpenAI keeps them 30 days). */
export const STORED_RESPONSE_DAYS = 30;

/** Before routing: the stored history a request names, in its input. */
export function recallConversation(responses: ResponseStore): Stage {
  return async (ctx) => {
    if (ctx.endpoint !== 'responses') return;
    const body = ctx.body!;
    const previous = typeof body.previous_response_id === 'string' ? body.previous_response_id : undefined;
    const input = Array.isArray(body.input) ? (body.input as JsonObject[]) : undefined;
    const references = input?.some((item) => itemType(item) === 'item_reference') === true;
    if (previous === undefined && !references) return;
    const orgId = ctx.principal!.org.id;
    let history: JsonObject[] = [];
    if (previous !== undefined) {
      // Another organisation's response is not found either: it is none of this one's.
      const stored = await responses.get(orgId, previous);
      if (!stored)
        throw new GatewayError('previous_response_not_found', `Previous response with id '${previous}' not found.`, {
          param: 'previous_response_id',
        });
      history = [...stored.input, ...stored.output];
      ctx.previousResponseId = previous;
    }
    const items = input
      ? references
        ? await resolved(responses, orgId, input)
        : input
      : [{ role: 'user', content: body.input }];
    const expanded: JsonObject = {};
    for (const key in body) if (key !== 'previous_response_id') expanded[key] = body[key];
    expanded.input = history.length > 0 ? [...history, ...items] : items;
    ctx.body = expanded;
    // The client's JSON text is no longer the body sent upstream.
    Object.assign(ctx, { bodyText: undefined });
  };
}

/** The input with each item_reference replaced by the output item it names. */
async function resolved(responses: ResponseStore, orgId: string, input: JsonObject[]): Promise<JsonObject[]> {
  const ids = input.filter((item) => itemType(item) === 'item_reference').map((item) => String(item.id));
  const found = await responses.items(orgId, ids);
  return input.map((item, i) => {
    if (itemType(item) !== 'item_reference') return item;
    const stored = found.get(String(item.id));
    if (!stored)
      throw new GatewayError('item_not_found', `Item with id '${String(item.id)}' not found.`, {
        param: `input[${i}].id`,
      });
    return stored;
  });
}

/** The response being served, as the client will see it end; kept once it has. */
interface Outcome {
  id?: string;
  output?: JsonObject[];
}

/** After forward, before labelling: keeps the response (its output as the vendor gave it, before any notice or mark). */
export function keepConversation(): Stage {
  return (ctx) => {
    if (ctx.endpoint !== 'responses' || !ctx.reply) return;
    const keep = ctx.body!.store !== false;
    const previous = ctx.previousResponseId;
    if (!keep && previous === undefined) return;
    const outcome: Outcome = {};
    const reply = ctx.reply;
    if (reply.kind === 'json') {
      if (previous !== undefined) {
        // The vendor was sent the history instead of the id: the response says what the client asked.
        reply.body.previous_response_id = previous;
        reply.text = undefined;
      }
      if (ended(reply.body)) capture(outcome, reply.body);
    } else {
      reply.events = watched(reply.events, outcome, previous);
    }
    if (keep) ctx.conversation = outcome;
  };
}

/** Before the reply completes: the response keepConversation captured, stored, so a follow-up sent at once finds it. */
export function saveConversation(responses: ResponseStore): Hook {
  return (ctx) => {
    const outcome = ctx.conversation;
    if (outcome) return save(responses, ctx, outcome);
  };
}

function save(responses: ResponseStore, ctx: RequestContext, outcome: Outcome): Promise<void> | undefined {
  if (outcome.id === undefined || outcome.output === undefined) return undefined;
  const input = ctx.body!.input;
  return responses.save({
    org_id: ctx.principal!.org.id,
    id: outcome.id,
    created_at: ctx.receivedAt,
    input: Array.isArray(input) ? (input as JsonObject[]) : [{ role: 'user', content: input }],
    output: outcome.output,
  });
}

const ended = (response: JsonObject) => response.status === 'completed' || response.status === 'incomplete';

/** A copy, taken before later stages write a notice or mark into the text. */
function capture(outcome: Outcome, response: JsonObject): void {
  if (typeof response.id !== 'string' || !Array.isArray(response.output)) return;
  outcome.id = response.id;
  outcome.output = structuredClone(response.output) as JsonObject[];
}

const RESPONSE_EVENTS = new Set([
  'response.created',
  'response.in_progress',
  'response.completed',
  'response.incomplete',
  'response.failed',
]);

// Module level: a generator function made per stream would cost V8 a new prototype and map each time.
async function* watched(
  events: EventStream,
  outcome: Outcome,
  previous: string | undefined,
): AsyncGenerator<EventBatch> {
  for await (const batch of events) {
    for (const e of batch) {
      const type = e.chunk?.type;
      if (typeof type !== 'string' || !RESPONSE_EVENTS.has(type)) continue;
      const response = e.chunk!.response as JsonObject | undefined;
      if (!response || typeof response !== 'object') continue;
      if (previous !== undefined) {
        response.previous_response_id = previous;
        e.data = JSON.stringify(e.chunk);
      }
      if (type === 'response.completed' || type === 'response.incomplete') capture(outcome, response);
    }
    yield batch;
  }
}
