// The Anthropic surface, inbound: Messages requests (POST /v1/messages) from customers, validated, then turned into
// the OpenAI chat request the pipeline speaks.
import { z } from 'zod';
import { GatewayError } from '../../errors.ts';
import { formatPath } from '../../config/load.ts';
import type { JsonObject } from '../../wire/json.ts';

const textBlock = z.object({ type: z.literal('text'), text: z.string() }).passthrough();
const imageBlock = z
  .object({
    type: z.literal('image'),
    source: z.union([
      z.object({ type: z.literal('base64'), media_type: z.string(), data: z.string() }).passthrough(),
      z.object({ type: z.literal('url'), url: z.string() }).passthrough(),
    ]),
  })
  .passthrough();
const toolUseBlock = z
  .object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() })
  .passthrough();
const toolResultBlock = z
  .object({
    type: z.literal('tool_result'),
    tool_use_id: z.string(),
    content: z.union([z.string(), z.array(z.union([textBlock, imageBlock]))]).optional(),
    is_error: z.boolean().optional(),
  })
  .passthrough();
const block = z.discriminatedUnion('type', [textBlock, imageBlock, toolUseBlock, toolResultBlock]);

export const messagesRequestSchema = z
  .object({
    model: z.string().min(1),
    max_tokens: z.number().int().positive(),
    messages: z
      .array(
        z.object({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(block)]) }).passthrough(),
      )
      .min(1),
    system: z.union([z.string(), z.array(textBlock)]).optional(),
    stop_sequences: z.array(z.string()).optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.number().int().positive().optional(),
    stream: z.boolean().optional(),
    tools: z
      .array(
        z
          .object({
            name: z.string().min(1),
            description: z.string().optional(),
            input_schema: z.record(z.string(), z.unknown()),
          })
          .passthrough(),
      )
      .optional(),
    tool_choice: z
      .object({ type: z.enum(['auto', 'any', 'tool', 'none']), name: z.string().optional() })
      .passthrough()
      .optional(),
    metadata: z.object({ user_id: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

/** POST /v1/messages/count_tokens: the prompt of a Messages request, without what only concerns the reply. */
export const countTokensRequestSchema = messagesRequestSchema.omit({
  max_tokens: true,
  stop_sequences: true,
  temperature: true,
  top_p: true,
  top_k: true,
  stream: true,
  metadata: true,
});

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
type Block = z.infer<typeof block>;

export function validateMessagesRequest(raw: unknown): MessagesRequest {
  return validated(messagesRequestSchema, raw);
}

export function validateCountTokensRequest(raw: unknown): CountTokensRequest {
  return validated(countTokensRequestSchema, raw);
}

function validated<T>(schema: z.ZodType<T>, raw: unknown): T {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new GatewayError('invalid_body', 'The request body must be a JSON object.');
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param = formatPath(issue.path);
  throw new GatewayError('invalid_request', `${param}: ${issue.message}`, { param });
}

const imagePart = (b: z.infer<typeof imageBlock>) => ({
  type: 'image_url',
  image_url: { url: b.source.type === 'base64' ? `data:${b.source.media_type};base64,${b.source.data}` : b.source.url },
});

/** The Anthropic request as an OpenAI chat request (model name unchanged; the pipeline resolves it). */
export function messagesToChat(req: MessagesRequest): JsonObject {
  const chat = promptToChat(req);
  chat.max_tokens = req.max_tokens;
  if (req.stop_sequences) chat.stop = req.stop_sequences;
  if (req.temperature !== undefined) chat.temperature = req.temperature;
  if (req.top_p !== undefined) chat.top_p = req.top_p;
  if (req.stream) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  if (req.metadata?.user_id) chat.user = req.metadata.user_id;
  return chat;
}

/** The prompt of an Anthropic request (system, messages, tools) as an OpenAI chat request: all a token count needs. */
export function promptToChat(req: CountTokensRequest): JsonObject {
  const messages: JsonObject[] = [];
  const system = typeof req.system === 'string' ? req.system : req.system?.map((b) => b.text).join('\n');
  if (system) messages.push({ role: 'system', content: system });
  for (const m of req.messages) {
    const blocks: Block[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    if (m.role === 'assistant') {
      const text = blocks
        .filter((b): b is z.infer<typeof textBlock> => b.type === 'text')
        .map((b) => b.text)
        .join('');
      const calls = blocks
        .filter((b): b is z.infer<typeof toolUseBlock> => b.type === 'tool_use')
        .map((b) => ({
          id: b.id,
          type: 'function',
          function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) },
        }));
      messages.push(
        calls.length > 0
          ? { role: 'assistant', content: text || null, tool_calls: calls }
          : { role: 'assistant', content: text },
      );
      continue;
    }
    // Tool results become tool messages, which OpenAI wants right after the assistant's tool calls.
    for (const b of blocks) {
      if (b.type !== 'tool_result') continue;
      const content =
        typeof b.content === 'string'
          ? b.content
          : (b.content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('');
      messages.push({ role: 'tool', tool_call_id: b.tool_use_id, content: b.is_error ? `Error: ${content}` : content });
    }
    const parts: JsonObject[] = [];
    for (const b of blocks) {
      if (b.type === 'text') parts.push({ type: 'text', text: b.text });
      else if (b.type === 'image') parts.push(imagePart(b));
    }
    if (parts.length === 0) continue;
    const onlyText = parts.every((p) => p.type === 'text');
    messages.push({ role: 'user', content: onlyText ? parts.map((p) => String(p.text)).join('') : parts });
  }
  const chat: JsonObject = { model: req.model, messages };
  if (req.tools)
    chat.tools = req.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.input_schema },
    }));
  if (req.tool_choice) {
    const c = req.tool_choice;
    chat.tool_choice =
      c.type === 'auto'
        ? 'auto'
        : c.type === 'any'
          ? 'required'
          : c.type === 'none'
            ? 'none'
            : { type: 'function', function: { name: c.name } };
  }
  return chat;
}
