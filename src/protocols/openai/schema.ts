// The OpenAI request bodies Conduit accepts, as zod schemas for the API document. The hot path validates with the
// hand-written checks in ./validate.ts (no schema walk per request); schema.test.ts holds the two to the same
// verdicts. Unknown fields pass through to the vendor, so every object here is loose.
import { z } from 'zod';

const model = z.string().min(1).describe('A model name or alias from GET /v1/models.');
/** Optional, and null means absent (as the hand-written checks read it). */
const maybe = <S extends z.ZodType>(schema: S) => schema.nullable().optional();
const int = (min: number, max: number) => z.number().int().min(min).max(max);

const contentPart = z.looseObject({ type: z.string() });
const message = z
  .looseObject({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
    content: maybe(z.union([z.string(), z.array(contentPart)])).describe(
      'Required, except on an assistant message with tool_calls or function_call.',
    ),
    tool_call_id: z.string().optional().describe("Required on role 'tool'."),
  })
  .superRefine((m, ctx) => {
    const contentOptional = m.role === 'assistant' && (m.tool_calls !== undefined || m.function_call !== undefined);
    if ((m.content === undefined || m.content === null) && !contentOptional)
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'is required' });
    if (m.role === 'tool' && typeof m.tool_call_id !== 'string')
      ctx.addIssue({ code: 'custom', path: ['tool_call_id'], message: "is required on role 'tool'" });
  });

const tool = z
  .looseObject({ type: z.unknown().optional().describe("'function', with function.name") })
  .superRefine((t, ctx) => {
    const fn = t.function as { name?: unknown } | undefined;
    if (
      t.type === 'function' &&
      (typeof fn !== 'object' || fn === null || Array.isArray(fn) || typeof fn.name !== 'string')
    ) {
      ctx.addIssue({ code: 'custom', path: ['function', 'name'], message: 'is required for a function tool' });
    }
  });

export const chatCompletionRequestSchema = z
  .looseObject({
    model,
    messages: z.array(message).min(1),
    stream: maybe(z.boolean()),
    stream_options: maybe(z.looseObject({ include_usage: z.boolean().optional() })).describe(
      "Only with stream: true; include_usage adds a final chunk with the request's usage.",
    ),
    n: maybe(int(1, 128)),
    max_tokens: maybe(int(1, 10_000_000)),
    max_completion_tokens: maybe(int(1, 10_000_000)),
    temperature: maybe(z.number().min(0).max(2)),
    top_p: maybe(z.number().min(0).max(1)),
    presence_penalty: maybe(z.number().min(-2).max(2)),
    frequency_penalty: maybe(z.number().min(-2).max(2)),
    logprobs: maybe(z.boolean()),
    top_logprobs: maybe(int(0, 20)),
    tools: maybe(z.array(tool)),
    response_format: maybe(z.looseObject({ type: z.string() })),
    user: z.string().optional(),
  })
  .superRefine((body, ctx) => {
    if (body.stream_options !== undefined && body.stream_options !== null && body.stream !== true) {
      ctx.addIssue({ code: 'custom', path: ['stream_options'], message: "only allowed when 'stream' is true" });
    }
  })
  .describe(
    'OpenAI chat completion request (POST /v1/chat/completions). Fields not listed pass through to the vendor.',
  );

/** The fields of a string-valued field set an input item or a tool needs. */
const needsStrings = (o: Record<string, unknown>, fields: string[], ctx: z.RefinementCtx) => {
  for (const field of fields)
    if (typeof o[field] !== 'string')
      ctx.addIssue({ code: 'custom', path: [field], message: 'is required (a string)' });
};

const inputItem = z.looseObject({}).superRefine((item, ctx) => {
  if (item.type === 'function_call_output') {
    needsStrings(item, ['call_id'], ctx);
    if (typeof item.output !== 'string' && !Array.isArray(item.output))
      ctx.addIssue({
        code: 'custom',
        path: ['output'],
        message: 'is required (a string or an array of content parts)',
      });
  } else if (item.type === 'function_call') needsStrings(item, ['call_id', 'name', 'arguments'], ctx);
  else if (item.type === 'item_reference') needsStrings(item, ['id'], ctx);
});

const responsesTool = z
  .looseObject({ type: z.string().describe("'function' (with name, parameters) or a built-in tool") })
  .superRefine((t, ctx) => {
    if (t.type === 'function') needsStrings(t, ['name'], ctx);
  });

const namedToolChoice = z.looseObject({ type: z.string() }).superRefine((c, ctx) => {
  if (c.type === 'function') needsStrings(c, ['name'], ctx);
});

export const responsesRequestSchema = z
  .looseObject({
    model,
    input: z
      .union([z.string(), z.array(inputItem)])
      .describe(
        'Text, or input items: messages, function_call and function_call_output items, item_reference to a stored output item.',
      ),
    instructions: maybe(z.string()),
    stream: maybe(z.boolean()),
    store: maybe(z.boolean()).describe(
      'Default true: the response is kept, for its organisation only, so that previous_response_id and item_reference can name it.',
    ),
    previous_response_id: maybe(z.string()).describe(
      'Continue this stored response of your organisation: its input and output come before this input.',
    ),
    max_output_tokens: maybe(int(1, 10_000_000)),
    temperature: maybe(z.number().min(0).max(2)),
    top_p: maybe(z.number().min(0).max(1)),
    tools: maybe(z.array(responsesTool)),
    tool_choice: maybe(z.union([z.enum(['none', 'auto', 'required']), namedToolChoice])),
  })
  .describe('OpenAI Responses API request (POST /v1/responses). Fields not listed pass through to the vendor.');

export const embeddingsRequestSchema = z
  .looseObject({
    model,
    input: z.union([
      z.string().min(1),
      z.array(z.string()).min(1),
      z.array(z.number()).min(1),
      z.array(z.array(z.number())).min(1),
    ]),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: maybe(int(1, 65_536)),
  })
  .describe('OpenAI embeddings request (POST /v1/embeddings). Fields not listed pass through to the vendor.');
